"""DOCX: paragraphs and tables in document order, headings by style, pages by the breaks Word recorded."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from io import BytesIO

import docx
from docx.document import Document as DocxDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from corpus.models import BlockKind, PageInfo, RawBlock
from extractors.readers.common import (
    ReaderError,
    Reading,
    collapse_spaces,
    normalize_thai,
    refuse_damaged,
    table_rows,
)

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PARAGRAPH, TABLE, CONTENT_CONTROL = qn("w:p"), qn("w:tbl"), qn("w:sdt")
RENDERED_BREAK = qn("w:lastRenderedPageBreak")
BREAK, BREAK_TYPE, PAGE_BREAK_BEFORE = qn("w:br"), qn("w:type"), qn("w:pageBreakBefore")
OUTLINE_LEVEL = qn("w:outlineLvl")
ONS = ("1", "true", "on")


@refuse_damaged("DOCX")
def read_docx(data: bytes) -> Reading:
    document = open_docx(data)
    body = document.element.body
    page_breaks = PageBreaks(use_rendered=next(body.iter(RENDERED_BREAK), None) is not None)
    blocks: list[RawBlock] = []
    tables = 0
    for element in body_elements(body):
        page = page_breaks.page_of(element)
        if element.tag == PARAGRAPH:
            block = paragraph_block(Paragraph(element, document), page)
            blocks += [block] if block is not None else []
            continue
        rows = table_texts(Table(element, document))
        if rows:
            blocks += table_rows(rows, page=page, table=tables)
            tables += 1
    chars: Counter[int] = Counter()
    for block in blocks:
        chars[block.page] += len(block.text)
    pages = [PageInfo(number=n, chars=chars[n]) for n in range(1, page_breaks.page + 1)]
    return Reading(media_type=MEDIA_TYPE, pages=pages, blocks=blocks)


def open_docx(data: bytes) -> DocxDocument:
    try:
        return docx.Document(BytesIO(data))
    except PackageNotFoundError as error:
        raise ReaderError(f"not a valid DOCX ({error})") from error


def body_elements(parent: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and tables of the body in order, content controls (w:sdt) opened."""
    for child in parent.iterchildren():
        if child.tag in (PARAGRAPH, TABLE):
            yield child
        elif child.tag == CONTENT_CONTROL:
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from body_elements(content)


class PageBreaks:
    """Page number of each body element, counted from the page breaks in the XML.

    Word records where it last broke pages (w:lastRenderedPageBreak), which includes the breaks it
    chose itself; without those, only explicit breaks are known.
    """

    def __init__(self, use_rendered: bool) -> None:
        self.use_rendered = use_rendered
        self.page = 1

    def page_of(self, element: etree._Element) -> int:
        """The page the element starts on; breaks inside it move the count for what follows."""
        breaks = self.breaks_in(element)
        if not breaks:
            return self.page
        start = self.page
        if self.breaks_at_start(element, breaks[0]):
            start += 1
        self.page += len(breaks)
        return start

    def breaks_in(self, element: etree._Element) -> list[etree._Element]:
        if self.use_rendered:
            return list(element.iter(RENDERED_BREAK))
        before = [flag for flag in element.iter(PAGE_BREAK_BEFORE) if flag.get(qn("w:val"), "1") in ONS]
        found = [br for br in element.iter(BREAK) if br.get(BREAK_TYPE) == "page"]
        return before[:1] + found

    @staticmethod
    def breaks_at_start(element: etree._Element, first_break: etree._Element) -> bool:
        """No text comes before the first break: the element itself begins on the new page."""
        if first_break.tag == PAGE_BREAK_BEFORE:
            return True
        for node in element.iter(qn("w:t"), first_break.tag):
            if node is first_break:
                return True
            if node.text and node.text.strip():
                return False
        return True


def paragraph_block(paragraph: Paragraph, page: int) -> RawBlock | None:
    text = normalize_thai(collapse_spaces(paragraph.text))
    if not text:
        return None
    kind: BlockKind = "heading" if is_heading(paragraph) else "paragraph"
    return RawBlock(page=page, kind=kind, text=text)


def is_heading(paragraph: Paragraph) -> bool:
    style = paragraph.style
    name = (style.name or "").lower() if style is not None else ""
    if name.startswith("heading") or name in ("title", "subtitle"):
        return True
    return has_outline_level(paragraph._p.pPr) or (style is not None and has_outline_level(style.element.pPr))


def has_outline_level(properties: etree._Element | None) -> bool:
    """An outline level 0-8 puts the paragraph in the navigation pane; 9 means body text."""
    level = properties.find(OUTLINE_LEVEL) if properties is not None else None
    return level is not None and level.get(qn("w:val"), "9") != "9"


def table_texts(table: Table) -> list[list[str]]:
    """Cell texts row by row; a cell merged across columns is reported once."""
    rows: list[list[str]] = []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            if previous is not None and cell._tc is previous:
                continue
            previous = cell._tc
            cells.append(normalize_thai(collapse_spaces(cell.text)))
        if any(cells):
            rows.append(cells)
    return rows
