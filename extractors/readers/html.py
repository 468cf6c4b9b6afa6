"""HTML: the visible text, block elements as paragraphs and headings, tables as rows."""
from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

import lxml.html
from lxml import etree

from corpus.models import BlockKind, PageInfo, RawBlock
from extractors.readers.common import ReaderError, Reading, collapse_spaces, normalize_thai, table_rows
from extractors.readers.text import decode_text

MAX_HTML_BYTES = 32 * 1024 * 1024
INVISIBLE = frozenset({
    "head", "script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math",
    "canvas", "select", "textarea", "button", "input", "audio", "video", "map",
})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
BLOCKS = frozenset({
    "p", "div", "li", "dd", "dt", "blockquote", "pre", "section", "article", "aside", "header", "footer",
    "main", "nav", "figure", "figcaption", "caption", "address", "ul", "ol", "dl", "form", "fieldset",
    "legend", "details", "summary", "hr", "body", "html", "center", "td", "th", "tr",
}) | HEADINGS
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
BYTE_ORDER_MARKS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def read_html(data: bytes) -> Reading:
    if len(data) > MAX_HTML_BYTES:
        raise ReaderError(f"HTML larger than {MAX_HTML_BYTES // 2**20} MB; refused")
    root = parse(decode_html(data))
    blocks = html_blocks(root)
    chars = sum(len(block.text) for block in blocks)
    return Reading(media_type="text/html", pages=[PageInfo(number=1, chars=chars)], blocks=blocks)


def decode_html(data: bytes) -> str:
    """A byte-order mark first, then the declared charset if it decodes, else the text decoder's reading."""
    declared = None if data.startswith(BYTE_ORDER_MARKS) else META_CHARSET.search(data[:4096])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data)


def parse(text: str) -> etree._Element:
    # No network, no huge trees; the HTML parser never resolves external entities.
    parser = lxml.html.HTMLParser(
        remove_comments=True, remove_pis=True, no_network=True, huge_tree=False, default_doctype=False
    )
    try:
        root = lxml.html.document_fromstring(XML_DECLARATION.sub("", text), parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise ReaderError(f"not readable HTML ({error})") from error
    return root


def is_hidden(element: etree._Element) -> bool:
    tag = element.tag if isinstance(element.tag, str) else ""
    return (
        tag.lower() in INVISIBLE
        or element.get("hidden") is not None
        or element.get("aria-hidden") == "true"
        or HIDDEN_STYLE.search(element.get("style", "")) is not None
    )


class BlockCollector:
    """Walks the tree once, gathering inline text until a block boundary closes a paragraph."""

    def __init__(self) -> None:
        self.blocks: list[RawBlock] = []
        self.pieces: list[str] = []
        self.tables = 0

    def flush(self, kind: BlockKind = "paragraph") -> None:
        text = normalize_thai(collapse_spaces("".join(self.pieces)))
        self.pieces = []
        if text:
            self.blocks.append(RawBlock(page=1, kind=kind, text=text))

    def walk(self, element: etree._Element) -> None:
        # An explicit stack instead of recursion: deeply nested markup must not hit Python's limit.
        stack: list[tuple[etree._Element, bool]] = [(element, False)]
        while stack:
            node, closing = stack.pop()
            tag = node.tag.lower() if isinstance(node.tag, str) else ""
            if closing:
                self.close(node, tag)
                continue
            if not tag or is_hidden(node):
                self.pieces.append(node.tail or "")
                continue
            if tag == "table":
                self.flush()
                self.add_table(node)
                self.pieces.append(node.tail or "")
                continue
            if tag == "br":
                self.flush()
                self.pieces.append(node.tail or "")
                continue
            if tag in BLOCKS:
                self.flush()
            self.pieces.append(node.text or "")
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node))

    def close(self, node: etree._Element, tag: str) -> None:
        if tag in HEADINGS:
            self.flush("heading")
        elif tag in BLOCKS:
            self.flush()
        self.pieces.append(node.tail or "")

    def add_table(self, table: etree._Element) -> None:
        rows = [cells for cells in table_cells(table) if any(cells)]
        if rows:
            self.blocks += table_rows(rows, page=1, table=self.tables)
            self.tables += 1


def table_cells(table: etree._Element) -> Iterator[list[str]]:
    """Cell texts of the table's own rows (a nested table's text stays inside its cell)."""
    for row in table.iter("tr"):
        if nearest_table(row) is not table:
            continue
        yield [visible_text(cell) for cell in row if isinstance(cell.tag, str) and cell.tag in ("td", "th")]


def nearest_table(element: etree._Element) -> etree._Element | None:
    parent = element.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def visible_text(element: etree._Element) -> str:
    pieces: list[str] = []
    stack: list[tuple[etree._Element, bool]] = [(element, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            pieces.append(node.tail or "")
            continue
        if not isinstance(node.tag, str) or is_hidden(node):
            if node is not element:
                pieces.append(node.tail or "")
            continue
        pieces.append(" " if node.tag in BLOCKS or node.tag == "br" else "")
        pieces.append(node.text or "")
        if node is not element:
            stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))
    return normalize_thai(collapse_spaces("".join(pieces)))


def html_blocks(root: etree._Element) -> list[RawBlock]:
    collector = BlockCollector()
    body = root.find("body")
    collector.walk(body if body is not None else root)
    collector.flush()
    return collector.blocks
