"""Random and mutated files into every reader: a Reading or a ReaderError, never another exception.

A hang fails the example's deadline and a crash of the parser takes the test run down with it, so both
show here too.
"""
from __future__ import annotations

import zipfile
from collections.abc import Callable
from io import BytesIO

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.readers import ReaderError, Reading, read_document
from extractors.readers.docx import read_docx
from extractors.readers.html import read_html
from extractors.readers.pdf import read_pdf
from extractors.readers.text import read_delimited, read_text
from extractors.readers.xlsx import read_xlsx
from tests.conftest import JAPANESE_PDD, THAI_SUMMARY, english_docx, english_pdf, monitoring_xlsx
from tests.robustness.fuzzing import fuzz

HTML = (
    b"<html><head><meta charset='utf-8'><title>JCM</title></head><body><h1>Selection</h1>"
    b"<p>Emission reductions: <b>1,200</b> tCO2/year</p><table><tr><th>Project</th><th>Cost</th></tr>"
    b"<tr><td>Boiler</td><td>JPY 560 million</td></tr></table></body></html>"
)
SEEDS: dict[str, tuple[Callable[[bytes], Reading], Callable[[], bytes]]] = {
    "pdf": (read_pdf, lambda: english_pdf(pages=1)),
    "docx": (read_docx, english_docx),
    "xlsx": (read_xlsx, monitoring_xlsx),
    "html": (read_html, lambda: HTML),
    "txt": (read_text, lambda: THAI_SUMMARY.encode() + JAPANESE_PDD.encode("shift_jis")),
    "csv": (lambda data: read_delimited(data, ","), lambda: b"Item,Value\nReduction,\"1,200\"\nCost,560\n"),
}
MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/worksheets/sheet1.xml"}


def read_or_refuse(read: Callable[[bytes], Reading], data: bytes) -> None:
    try:
        reading = read(data)
    except ReaderError as error:
        assert str(error)  # a reason a user can read
        return
    assert all(block.text is not None and block.page >= 1 for block in reading.blocks)


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """The bytes with a few overwritten, inserted or cut out, or the file cut short."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        position = draw(st.integers(0, max(len(out) - 1, 0)))
        action = draw(st.sampled_from(["overwrite", "insert", "delete", "truncate"]))
        if action == "overwrite" and out:
            out[position] = draw(st.integers(0, 255))
        elif action == "insert":
            out[position:position] = draw(st.binary(min_size=1, max_size=16))
        elif action == "delete":
            del out[position:position + draw(st.integers(1, 64))]
        else:
            del out[position:]
    return bytes(out)


def rezipped(template: bytes, member: str, content: bytes) -> bytes:
    """The package with one part replaced, CRCs correct, so the XML inside reaches the parsers."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(template)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == member else source.read(info.filename))
    return out.getvalue()


@pytest.fixture(scope="module")
def seeds() -> dict[str, bytes]:
    return {kind: make() for kind, (_read, make) in SEEDS.items()}


@pytest.mark.parametrize("kind", list(SEEDS))
@fuzz(25)
@given(data=st.binary(max_size=4096))
def test_random_bytes(kind: str, data: bytes) -> None:
    read_or_refuse(SEEDS[kind][0], data)


@pytest.mark.parametrize("kind", list(SEEDS))
@fuzz(40, seconds=5)
@given(draw=st.data())
def test_mutated_files(kind: str, draw: st.DataObject, seeds: dict[str, bytes]) -> None:
    read_or_refuse(SEEDS[kind][0], draw.draw(mutated(seeds[kind])))


@pytest.mark.parametrize("kind", list(MAIN_PART))
@fuzz(40, seconds=5)
@given(draw=st.data())
def test_mutated_xml_inside_office_files(kind: str, draw: st.DataObject, seeds: dict[str, bytes]) -> None:
    with zipfile.ZipFile(BytesIO(seeds[kind])) as archive:
        xml = archive.read(MAIN_PART[kind])
    read_or_refuse(SEEDS[kind][0], rezipped(seeds[kind], MAIN_PART[kind], draw.draw(mutated(xml))))


@fuzz(40)
@given(data=st.binary(max_size=2048), name=st.sampled_from(["a.pdf", "a.docx", "a.xlsx", "a.html", "a.txt",
                                                           "a.csv", "a.tsv", "a", "a.md"]))
def test_any_bytes_under_any_name(data: bytes, name: str) -> None:
    read_or_refuse(lambda content: read_document(content, name), data)


@pytest.mark.parametrize(
    ("kind", "old", "new"),
    [
        ("docx", b'xmlns:w="http://', b'xmlns:w="h+tp://'),  # python-docx: no .body -> AttributeError
        ("xlsx", b"summaryBelow", b"ummaryBelow"),  # openpyxl: unexpected keyword -> TypeError
        ("xlsx", b"<sheetViews>", b"\x00sheetViews>"),  # read lazily by ElementTree -> ParseError
    ],
)
def test_damage_found_by_fuzzing_is_refused(
    kind: str, old: bytes, new: bytes, seeds: dict[str, bytes]
) -> None:
    with zipfile.ZipFile(BytesIO(seeds[kind])) as archive:
        xml = archive.read(MAIN_PART[kind])
    assert old in xml
    with pytest.raises(ReaderError, match=f"not a valid {kind.upper()} \\(damaged: "):
        SEEDS[kind][0](rezipped(seeds[kind], MAIN_PART[kind], xml.replace(old, new, 1)))
