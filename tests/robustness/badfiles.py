"""Hostile and broken files, built byte by byte: what a mailbox or a shared drive eventually delivers."""
from __future__ import annotations

import struct
import zipfile
import zlib
from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from tests.conftest import english_docx, english_pdf, monitoring_xlsx

MB = 1024 * 1024


def encrypted_pdf(user_password: str) -> bytes:
    out = BytesIO()
    lock = StandardEncryption(user_password, ownerPassword="owner-secret", canPrint=0, canCopy=0)
    pdf = canvas.Canvas(out, pagesize=A4, encrypt=lock)
    pdf.drawString(50, 780, "Emission reductions of the project: 3,400 tCO2 per year.")
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def blank_pages_pdf(pages: int) -> bytes:
    out = BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for _ in range(pages):
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def raw_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF from its numbered objects (1..n), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def cyclic_pdf() -> bytes:
    """The page tree's node is its own kid and parent, and a resource dictionary contains itself."""
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 /Parent 2 0 R >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources 4 0 R >>",
        b"<< /Self 4 0 R /Font << /F1 4 0 R >> >>",
    ])


def deeply_nested_pdf(depth: int = 100_000) -> bytes:
    """A page whose dictionary holds an array nested a hundred thousand levels deep."""
    nested = b"[" * depth + b"0" + b"]" * depth
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Deep " + nested + b" >>",
    ])


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


# --- zip bombs ------------------------------------------------------------------------------------


def zeros_deflated(size: int) -> tuple[bytes, int]:
    """Raw deflate of `size` zero bytes and their CRC, without compressing gigabytes.

    Each megabyte is compressed after a full flush, which resets the compressor, so every megabyte
    compresses to the same bytes and the stream is that piece repeated.
    """
    chunk = bytes(MB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(size // MB):
        crc = zlib.crc32(chunk, crc)
    return piece * (size // MB) + compressor.flush(zlib.Z_FINISH), crc


def zip_with_bomb(template: bytes, member: str, size: int, stated: int | None = None) -> bytes:
    """The Office file `template` with `member` replaced by `size` bytes of zeros, its size in the zip
    directory given as `stated` (default: honestly).

    Written by hand because zipfile would have to compress the gigabytes itself.
    """
    with zipfile.ZipFile(BytesIO(template)) as source:
        entries = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    out, directory = bytearray(), bytearray()
    for name, content in entries:
        if name == member:
            packed, crc = zeros_deflated(size)
            length = size if stated is None else stated
        else:
            compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
            packed = compressor.compress(content) + compressor.flush()
            crc, length = zlib.crc32(content), len(content)
        encoded = name.encode()
        fields = struct.pack("<HHHHHIIIHH", 20, 0, 8, 0, 0, crc, len(packed), length, len(encoded), 0)
        where = struct.pack("<HHHII", 0, 0, 0, 0, len(out))
        directory += b"PK\x01\x02" + struct.pack("<H", 20) + fields + where
        directory += encoded
        out += b"PK\x03\x04" + fields + encoded + packed
    end = struct.pack("<HHHHIIH", 0, 0, len(entries), len(entries), len(directory), len(out), 0)
    return bytes(out + directory + b"PK\x05\x06" + end)


def docx_bomb(size: int = 3 * 1024 * MB) -> bytes:
    return zip_with_bomb(english_docx(), "word/document.xml", size)


def xlsx_bomb(size: int = 3 * 1024 * MB) -> bytes:
    return zip_with_bomb(monitoring_xlsx(), "xl/worksheets/sheet1.xml", size)


def lying_docx_bomb() -> bytes:
    """Gigabytes of document.xml whose zip directory claims a few kilobytes."""
    return zip_with_bomb(english_docx(), "word/document.xml", 3 * 1024 * MB, stated=4096)


def plain_zip() -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "Photos of the site visit.")
    return out.getvalue()


def docx_with_part(template: bytes, member: str, content: bytes) -> bytes:
    out = BytesIO()
    with (zipfile.ZipFile(BytesIO(template)) as source,
          zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target):
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == member else source.read(info.filename))
    return out.getvalue()


BILLION_LAUGHS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE w:document [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>
"""


def billion_laughs_docx() -> bytes:
    return docx_with_part(english_docx(), "word/document.xml", BILLION_LAUGHS)


def big_html(size: int = 50 * MB) -> bytes:
    row = b"<p>Emission reductions of 1,200 tCO2 per year at the plant.</p>\n"
    return b"<!DOCTYPE html><html><body>\n" + row * (size // len(row)) + b"</body></html>\n"


def invalid_utf8_text() -> bytes:
    # Overlong forms, a lone continuation byte and bytes that no UTF-8 sequence starts with.
    return b"Emission reductions \xc0\xaf 1,200 \x80 tCO2 \xfe\xff\xfe per year \xf8\x88\x80\x80\x80\n" * 20


def good_pdf() -> bytes:
    return english_pdf()
