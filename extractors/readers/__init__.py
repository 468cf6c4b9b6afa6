"""Document readers: file bytes in, pages and blocks (paragraphs, table rows) out.

The format is decided by the content first (a PDF header, a ZIP holding word/ or xl/, HTML tags)
and by the file name's extension second, so a file whose extension lies is still read as what it is.
"""
from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable
from functools import partial
from io import BytesIO
from pathlib import PurePath

from extractors.readers.common import Progress, ReaderError, Reading

__all__ = ["SUPPORTED_EXTENSIONS", "ReaderError", "Reading", "read_document"]

SUPPORTED_EXTENSIONS: frozenset[str] = frozenset({
    ".pdf", ".txt", ".text", ".md", ".csv", ".tsv", ".html", ".htm", ".xhtml", ".docx", ".xlsx", ".xlsm",
})
MAX_UNZIPPED_BYTES = 512 * 1024 * 1024
UNZIP_PIECE = 1024 * 1024
PDF_HEADER_WINDOW = 1024
HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|table|div|p|h[1-6])[\s>/]",
    re.IGNORECASE | re.DOTALL,
)
OLE2_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OTHER_FORMATS = {
    b"\x89PNG": "PNG image", b"\xff\xd8\xff": "JPEG image", b"GIF8": "GIF image",
    b"II*\x00": "TIFF image", b"MM\x00*": "TIFF image", b"{\\rtf": "RTF document",
    b"\x1f\x8b": "gzip archive", b"Rar!": "RAR archive", b"7z\xbc\xaf": "7z archive",
}


def read_document(data: bytes, filename: str, progress: Progress | None = None) -> Reading:
    """Pages and blocks of a document; ReaderError with a user-facing reason if it cannot be read.
    ``progress`` hears how many of a PDF's pages have been read."""
    if not data:
        raise ReaderError("empty file")
    extension = PurePath(filename).suffix.lower()
    return reader_for(data, extension, progress)(data)


def reader_for(data: bytes, extension: str, progress: Progress | None = None) -> Callable[[bytes], Reading]:
    if b"%PDF-" in data[:PDF_HEADER_WINDOW]:
        return partial(_pdf, progress=progress)
    if data.startswith(b"PK\x03\x04"):
        return office_reader(data, extension)
    if data.startswith(OLE2_HEADER):
        raise ReaderError(ole2_reason(data))
    for magic, name in OTHER_FORMATS.items():
        if data.startswith(magic):
            raise ReaderError(f"unsupported file type ({name})")
    if HTML_START.match(data[:4096]):
        return _html
    return reader_by_extension(extension)


def reader_by_extension(extension: str) -> Callable[[bytes], Reading]:
    if extension == ".pdf":
        raise ReaderError("not a valid PDF (no %PDF header)")
    if extension in (".docx", ".xlsx", ".xlsm"):
        raise ReaderError(f"not a valid {extension[1:].upper()} (not a ZIP archive)")
    if extension in (".html", ".htm", ".xhtml"):
        return _html
    if extension == ".csv":
        return _csv
    if extension == ".tsv":
        return _tsv
    if extension in (".txt", ".text", ".md", ""):
        return _text
    raise ReaderError(f"unsupported file type {extension}")


def office_reader(data: bytes, extension: str) -> Callable[[bytes], Reading]:
    expected = extension[1:].upper() if extension in (".docx", ".xlsx", ".xlsm") else "DOCX or XLSX"
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            entries = archive.infolist()
            if sum(entry.file_size for entry in entries) > MAX_UNZIPPED_BYTES:
                raise ReaderError(f"archive expands to more than {MAX_UNZIPPED_BYTES // 2**20} MB; refused")
            check_members(archive)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, zlib.error) as error:
        raise ReaderError(f"not a valid {expected} (bad zip: {error})") from error
    names = {entry.filename for entry in entries}
    if "word/document.xml" in names:
        return _docx
    if "xl/workbook.xml" in names:
        return _xlsx
    raise ReaderError(f"not a valid {expected} (ZIP archive without word/document.xml or xl/workbook.xml)")


def check_members(archive: zipfile.ZipFile) -> None:
    """Decompress every member in bounded pieces before any library reads it.

    The sizes in the zip directory may lie: zipfile stops at the stated size and then fails the CRC,
    but when a library reads a member whole, zipfile first inflates up to 2 GB in one call.
    """
    for entry in archive.infolist():
        with archive.open(entry) as member:
            while member.read(UNZIP_PIECE):
                pass


def ole2_reason(data: bytes) -> str:
    if "EncryptedPackage".encode("utf-16-le") in data:
        return "encrypted Office document (password required)"
    return "legacy Office binary format (.doc/.xls); save it as DOCX or XLSX"


# Format modules are imported on first use: pdfplumber and openpyxl are slow to import.


def _pdf(data: bytes, progress: Progress | None = None) -> Reading:
    from extractors.readers.pdf import read_pdf

    return read_pdf(data, progress)


def _docx(data: bytes) -> Reading:
    from extractors.readers.docx import read_docx

    return read_docx(data)


def _xlsx(data: bytes) -> Reading:
    from extractors.readers.xlsx import read_xlsx

    return read_xlsx(data)


def _html(data: bytes) -> Reading:
    from extractors.readers.html import read_html

    return read_html(data)


def _text(data: bytes) -> Reading:
    from extractors.readers.text import read_text

    return read_text(data)


def _csv(data: bytes) -> Reading:
    from extractors.readers.text import read_delimited

    return read_delimited(data, ",")


def _tsv(data: bytes) -> Reading:
    from extractors.readers.text import read_delimited

    return read_delimited(data, "\t")
