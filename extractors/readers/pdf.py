"""PDF: text, lines and boxes from pypdfium2; ruled tables through pdfplumber's table finder.

pypdfium2 reads a page's text an order of magnitude faster than pdfplumber (pdfminer), so pdfium
does all the reading; pdfplumber only turns ruling lines into cells.
"""
from __future__ import annotations

import codecs
import ctypes
import itertools
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.table import Table, TableFinder, TableSettings, cells_to_tables, edges_to_intersections

from corpus.models import BBox, BlockKind, Language, PageInfo, RawBlock
from extractors.language import detect_language, is_cjk
from extractors.ocr import OcrError, language_argument, ocr_available, ocr_blocks, script_languages
from extractors.readers.common import (
    Progress,
    ReaderError,
    Reading,
    collapse_spaces,
    is_list_item,
    join_lines,
    join_pair,
    normalize_thai,
    table_rows,
)
from extractors.thai_repair import is_well_formed, repair_thai

NO_TEXT_NOTE = "no text layer"
BLANK_PAGE_NOTE = "blank page"
BROKEN_PAGE_NOTE = "page could not be read"
UNMAPPED_TEXT_NOTE = "text layer without Unicode mapping"
MALFORMED_THAI_NOTE = "Thai text layer malformed after repair"
OCR_UNAVAILABLE = "OCR unavailable"
OCR_FOUND_NOTHING = "OCR found no text"
# 300 dpi is Tesseract's sweet spot for body text; more costs time without better reading.
OCR_DPI = 300
LINE_BREAK = re.compile(r"\r\n|\r|\n")
UNMAPPED = re.compile(r"[\ufffd\x00\x01\x03-\x08\x0b\x0e-\x1f]")
WHITESPACE = re.compile(r"\s")
# pdfium joins a line ending in a hyphen with the next one and marks the hyphen U+FFFE (older builds
# U+0002). Whether it split a word (reduc-tion) or ended a compound (energy-efficient) is unknowable,
# so the hyphen stays, as printed.
PDFIUM_HYPHENS = str.maketrans({"\ufffe": "-", "\x02": "-"})
# pdfium is not thread-safe, not even across documents; the service reads files from worker threads.
PDFIUM_LOCK = threading.Lock()
MIN_EDGE_LENGTH = 3.0
MAX_SEGMENTS_PER_PATH = 512
MAX_SEGMENTS_INSPECTED = 20000
MIN_BORDERLESS_ROWS = 3
MIN_BORDERLESS_COLUMNS = 3

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass
class FoundTable:
    bbox: BBox
    rows: list[list[str]]
    row_boxes: list[BBox]


@dataclass
class Line:
    text: str
    bbox: BBox  # x0, top, x1, bottom in points from the page's top-left corner
    baseline: float  # distance from the page top
    size: float
    runs: list[BBox]  # pieces of the line separated by gaps wider than a word space, as cells are
    first_word_width: float
    space_at_end: bool = False
    table: FoundTable | None = None
    repairs: int = 0


@dataclass
class Frame:
    """Page space to top-left points: x - left, top - y."""

    left: float
    top: float
    width: float
    height: float


@dataclass
class PageText:
    info: PageInfo
    lines: list[Line] = field(default_factory=list)
    tables: list[FoundTable] = field(default_factory=list)
    needs_ocr: bool = False
    ocr: list[RawBlock] | None = None


@dataclass
class PageCounter:
    """The pages read so far, told to a progress listener as each one is done."""

    total: int
    progress: Progress | None
    done: int = 0

    def one_more(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)


def read_pdf(data: bytes, progress: Progress | None = None) -> Reading:
    with PDFIUM_LOCK:
        document = open_pdf(data)
    try:
        counter = PageCounter(len(document), progress)
        pages = []
        for index in range(len(document)):
            with PDFIUM_LOCK:
                pages.append(read_page_or_note(document, index))
            if not pages[-1].needs_ocr:  # a scanned page is done once OCRed
                counter.one_more()
        ocr_pages(document, pages, counter)
    finally:
        with PDFIUM_LOCK:
            document.close()
    if not pages:
        raise ReaderError("PDF without pages")
    if all(page.info.note and page.info.note.startswith(BROKEN_PAGE_NOTE) for page in pages):
        raise ReaderError(f"not a valid PDF ({pages[0].info.note})")
    body_size = most_common_size(pages)
    table_numbers = itertools.count()
    blocks = [block for page in pages for block in page_blocks(page, body_size, table_numbers)]
    return Reading(media_type="application/pdf", pages=[page.info for page in pages], blocks=blocks)


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    try:
        # pdfium tries the empty user password itself, so owner-only protection opens fine.
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if error.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise ReaderError("encrypted PDF (password required)") from error
        if error.err_code == pdfium_c.FPDF_ERR_SECURITY:
            raise ReaderError("encrypted PDF (unsupported security handler)") from error
        raise ReaderError(f"not a valid PDF ({pdfium_reason(error)})") from error


def pdfium_reason(error: pdfium.PdfiumError) -> str:
    found = re.search(r"PDFium: ([^)]+)", str(error))
    return (found.group(1) if found else str(error)).strip().rstrip(".").lower()


# --- text, lines and boxes from pypdfium2 -----------------------------------------------------------


def read_page_or_note(document: pdfium.PdfDocument, index: int) -> PageText:
    """A page that pdfium cannot load is recorded as such; the other pages are still read."""
    try:
        return read_page(document, index)
    except pdfium.PdfiumError as error:
        note = f"{BROKEN_PAGE_NOTE}: {pdfium_reason(error)}"
        return PageText(info=PageInfo(number=index + 1, has_text_layer=False, note=note))


def read_page(document: pdfium.PdfDocument, index: int) -> PageText:
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            return read_textpage(page, textpage, index + 1)
        finally:
            textpage.close()
    finally:
        page.close()


def read_textpage(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, number: int) -> PageText:
    text = textpage.get_text_range()
    if not text.strip():
        return empty_page_text(page, number)
    if unmapped_share(text) > 0.5:
        info = PageInfo(number=number, has_text_layer=False, note=UNMAPPED_TEXT_NOTE, text_source="none")
        return PageText(info=info, needs_ocr=True)
    frame = page_frame(page)
    layer = TextLayer(textpage, frame)
    lines = page_lines(layer, text)
    tables = ruled_tables(page, layer)
    for line in lines:
        line.table = table_holding(line, tables)
    tables += borderless_tables(lines, layer)
    repairs = sum(line.repairs for line in lines)
    info = PageInfo(number=number, chars=sum(len(line.text) for line in lines), repairs=repairs,
                    text_source="repaired" if repairs else "text")
    well_formed = is_well_formed("\n".join(line.text for line in lines))
    if not well_formed:
        info.note = MALFORMED_THAI_NOTE
    return PageText(info=info, lines=lines, tables=tables, needs_ocr=not well_formed)


def page_frame(page: pdfium.PdfPage) -> Frame:
    left, bottom, right, top = page.get_mediabox()
    return Frame(left=left, top=top, width=right - left, height=top - bottom)


def empty_page_text(page: pdfium.PdfPage, number: int) -> PageText:
    has_image = any(kind == pdfium_c.FPDF_PAGEOBJ_IMAGE for kind, _, _ in page_objects(page.raw))
    note = NO_TEXT_NOTE if has_image else BLANK_PAGE_NOTE
    info = PageInfo(number=number, has_text_layer=False, note=note, text_source="none")
    return PageText(info=info, needs_ocr=has_image)


def unmapped_share(text: str) -> float:
    """Share of characters a font gave no Unicode for: such a text layer is glyph noise, not text."""
    unmapped = len(UNMAPPED.findall(text))
    if not unmapped:
        return 0.0
    visible = len(text) - len(WHITESPACE.findall(text))
    return unmapped / max(visible, 1)


def page_lines(layer: TextLayer, text: str) -> list[Line]:
    lines: list[Line] = []
    start = 0
    for match in LINE_BREAK.finditer(text + "\n"):
        raw, line_start, start = text[start:match.start()], start, match.end()
        stripped = raw.strip()
        if not stripped:
            continue
        line = measure_line(layer, line_start + len(raw) - len(raw.lstrip()), stripped)
        if line is not None:
            line.space_at_end = raw != raw.rstrip()
            lines.append(line)
    return lines


class TextLayer:
    """A page's text through raw pdfium calls: a line takes about ten of them, and pypdfium2's
    wrappers would allocate four output doubles for each; here they are allocated once a page."""

    def __init__(self, textpage: pdfium.PdfTextPage, frame: Frame) -> None:
        self.textpage = textpage
        self.handle = textpage.raw
        self.frame = frame
        self.left, self.bottom, self.right, self.top = (ctypes.c_double() for _ in range(4))
        self.text_buffer: ctypes.Array[ctypes.c_ushort] | None = None

    def char_index(self, text_index: int) -> int:
        return pdfium_c.FPDFText_GetCharIndexFromTextIndex(self.handle, text_index)

    def rects(self, first_char: int, count: int) -> list[BBox]:
        """The boxes pdfium covers the characters with, one per text object, from the top-left."""
        found = pdfium_c.FPDFText_CountRects(self.handle, first_char, count)
        if found == -1:
            raise pdfium.PdfiumError("Failed to count rectangles.")
        left, bottom, right, top = self.left, self.bottom, self.right, self.top
        frame_left, frame_top = self.frame.left, self.frame.top
        rects = []
        for i in range(found):
            if not pdfium_c.FPDFText_GetRect(self.handle, i, left, top, right, bottom):
                raise pdfium.PdfiumError("Failed to get rectangle.")
            rects.append((left.value - frame_left, frame_top - top.value,
                          right.value - frame_left, frame_top - bottom.value))
        return rects

    def char_right(self, char_index: int) -> float:
        """Right edge of a character's box, from the page's left edge."""
        left, bottom, right, top = self.left, self.bottom, self.right, self.top
        if not pdfium_c.FPDFText_GetCharBox(self.handle, char_index, left, right, bottom, top):
            raise pdfium.PdfiumError("Failed to get charbox.")
        return right.value - self.frame.left

    def baseline(self, char_index: int, fallback: float) -> float:
        x, y = self.left, self.bottom
        if pdfium_c.FPDFText_GetCharOrigin(self.handle, char_index, x, y):
            return self.frame.top - y.value
        return fallback

    def font_size(self, char_index: int) -> float:
        return pdfium_c.FPDFText_GetFontSize(self.handle, char_index)

    def text_in(self, box: BBox) -> str:
        """pypdfium2's get_text_bounded in one pdfium call instead of two: each walks the whole page."""
        x0, top, x1, bottom = box
        edges = (x0 + self.frame.left, self.frame.top - top, x1 + self.frame.left, self.frame.top - bottom)
        if self.text_buffer is None:  # room for every character twice over, whatever the box
            self.text_buffer = (ctypes.c_ushort * (2 * pdfium_c.FPDFText_CountChars(self.handle) + 16))()
        buffer = self.text_buffer
        written = pdfium_c.FPDFText_GetBoundedText(self.handle, *edges, buffer, len(buffer))
        units = max(written, 0)
        if units and buffer[units - 1] == 0:  # the terminator, counted by pdfium, never part of the text
            units -= 1
        text = codecs.decode(memoryview(buffer)[:units], "utf-16-le", "ignore")
        if written < len(buffer) and len(text) == units:
            return text
        # Cut short, or characters beyond the BMP, for which pypdfium2 sizes its buffer its own way.
        left, top_, right, bottom_ = edges
        return self.textpage.get_text_bounded(left=left, bottom=bottom_, right=right, top=top_)


def measure_line(layer: TextLayer, first: int, text: str) -> Line | None:
    """Box, baseline, font size and gapped runs of the line starting at text index `first`."""
    first_char = layer.char_index(first)
    last_char = layer.char_index(first + len(text) - 1)
    if first_char < 0 or last_char < first_char:
        return None
    rects = layer.rects(first_char, last_char - first_char + 1)
    if not rects:
        return None
    box = union(rects)
    size = layer.font_size(first_char) or (box[3] - box[1])
    if "\ufffe" in text or "\x02" in text:  # translate() is slow on the usual line without them
        text = text.translate(PDFIUM_HYPHENS)
    repaired, repairs = repair_thai(text)
    return Line(
        text=repaired, bbox=box, repairs=repairs,
        baseline=layer.baseline(first_char, box[3]), size=size, runs=gapped_runs(rects, size),
        first_word_width=first_word_width(layer, first, text, box[0]),
    )


def union(boxes: list[BBox]) -> BBox:
    if len(boxes) == 1:  # most lines are one text object
        return boxes[0]
    x0s, tops, x1s, bottoms = zip(*boxes, strict=True)
    return (min(x0s), min(tops), max(x1s), max(bottoms))


def rounded(box: BBox) -> BBox:
    return (round(box[0], 2), round(box[1], 2), round(box[2], 2), round(box[3], 2))


def first_word_width(layer: TextLayer, first: int, text: str, line_x0: float) -> float:
    """Width of the text up to the first space (a whole Thai phrase; one character of Japanese)."""
    end = 1 if is_cjk(text[0]) else len(text.split(None, 1)[0])
    if end >= len(text):
        return float("inf")
    char_index = layer.char_index(first + end - 1)
    if char_index < 0:
        return float("inf")
    return layer.char_right(char_index) - line_x0


def gapped_runs(rects: list[BBox], size: float) -> list[BBox]:
    if len(rects) == 1:
        return list(rects)
    runs: list[BBox] = []
    for rect in sorted(rects):
        if runs and rect[0] - runs[-1][2] <= 1.5 * size:
            runs[-1] = union([runs[-1], rect])
        else:
            runs.append(rect)
    return runs


def page_objects(
    handle: object, matrix: Matrix = IDENTITY, form: bool = False
) -> Iterator[tuple[int, object, Matrix]]:
    """(type, handle, matrix of its container to page space) of each page object, form XObjects opened."""
    counter = pdfium_c.FPDFFormObj_CountObjects if form else pdfium_c.FPDFPage_CountObjects
    getter = pdfium_c.FPDFFormObj_GetObject if form else pdfium_c.FPDFPage_GetObject
    for i in range(counter(handle)):
        obj = getter(handle, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            yield from page_objects(obj, compose(object_matrix(obj), matrix), form=True)
        else:
            yield kind, obj, matrix


# --- OCR of pages without a usable text layer -------------------------------------------------------


def ocr_pages(document: pdfium.PdfDocument, pages: list[PageText], counter: PageCounter) -> None:
    """OCR each page that needs it, in the languages of the document's readable pages.

    A document without any has its first OCRed page's script detected and the rest read in the
    languages found on that page. Only rendering holds the pdfium lock; Tesseract runs outside it.
    """
    scanned = [page for page in pages if page.needs_ocr]
    if scanned and not ocr_available():
        for page in scanned:
            page.info.note = f"{page.info.note}, {OCR_UNAVAILABLE}"
            counter.one_more()
        return
    known = text_languages(line.text for page in pages if not page.needs_ocr for line in page.lines)
    for page in scanned:
        if ocr_page(document, page, known) and not known:
            known = text_languages(block.text for block in page.ocr or [])
        counter.one_more()


def ocr_page(document: pdfium.PdfDocument, page: PageText, known: set[Language]) -> bool:
    """OCR the page in the known languages, else in those of its script; whether OCR read it."""
    with PDFIUM_LOCK:
        image, offset = render_page(document, page.info.number - 1)
    languages = known or script_languages(image)
    try:
        page.ocr = ocr_blocks(image, language_argument(languages), page.info.number, OCR_DPI / 72, offset)
    except OcrError as error:  # the page keeps what it had; the rest of the file is read
        page.info.note = f"{page.info.note}, OCR failed ({error})"
        return False
    page.lines, page.tables = [], []
    record_ocr(page.info, page.ocr)
    return True


def text_languages(texts: Iterator[str]) -> set[Language]:
    return {language for text in texts if (language := detect_language(text)) != "und"}


def render_page(document: pdfium.PdfDocument, index: int) -> tuple[object, tuple[float, float]]:
    """The page's image at OCR_DPI and where its top-left corner lies in page points."""
    page = document[index]
    try:
        image = page.render(scale=OCR_DPI / 72, grayscale=True).to_pil()
        left, _, _, top = page.get_cropbox()
        media_left, _, _, media_top = page.get_mediabox()
        return image, (left - media_left, media_top - top)
    finally:
        page.close()


def record_ocr(info: PageInfo, blocks: list[RawBlock]) -> None:
    info.text_source = "ocr"
    info.chars = sum(len(block.text) for block in blocks)
    words = [block.ocr_confidence or 0.0 for block in blocks]
    info.ocr_confidence = round(sum(words) / len(words), 3) if words else None
    if not blocks:
        info.note = f"{info.note}, {OCR_FOUND_NOTHING}"


# --- ruled tables: edges from pypdfium2's paths, cells from pdfplumber's table finder ---------------
# pdfplumber's own page parsing (pdfminer) costs about 25 ms a page; its table finder only needs the
# ruling edges, which pdfium hands over in well under a millisecond.


def ruled_tables(page: pdfium.PdfPage, layer: TextLayer) -> list[FoundTable]:
    frame = layer.frame
    edges = ruling_edges(page.raw, frame)
    if not can_form_cells(edges):  # most pages: no rules, or only underlines and header or footer rules
        return []
    finder = RulingTableFinder(EdgesOnly(edges=edges, bbox=(0, 0, frame.width, frame.height)))
    tables = []
    for table in finder.tables:
        rows, boxes = [], []
        for row in table.rows:
            cells = [cell_text(layer, cell) for cell in row.cells]
            if any(cells):
                rows.append(cells)
                boxes.append(rounded(union([cell for cell in row.cells if cell is not None])))
        if len(rows) >= 2 and max(len(row) for row in rows) >= 2:
            tables.append(FoundTable(bbox=tuple(table.bbox), rows=rows, row_boxes=boxes))
    return tables


def can_form_cells(edges: list[dict[str, object]]) -> bool:
    """A cell needs two horizontal and two vertical rules; without them the table finder finds nothing."""
    horizontal = sum(edge["orientation"] == "h" for edge in edges)
    return horizontal >= 2 and len(edges) - horizontal >= 2


@dataclass
class EdgesOnly:
    """The two things pdfplumber's TableFinder asks of a page when it looks for ruled tables."""

    edges: list[dict[str, object]]
    bbox: tuple[float, float, float, float]


class RulingTableFinder(TableFinder):
    """pdfplumber's table finder, its cells found by `corner_cells` instead of intersections_to_cells."""

    def __init__(self, page: EdgesOnly) -> None:
        self.page = page
        self.settings = TableSettings.resolve(None)
        self.edges = self.get_edges()
        self.intersections = edges_to_intersections(
            self.edges, self.settings.intersection_x_tolerance, self.settings.intersection_y_tolerance
        )
        self.cells = corner_cells(self.intersections)
        self.tables = [Table(page, cells) for cells in cells_to_tables(self.cells)]


Point = tuple[float, float]
EdgeKey = tuple[float, float, float, float]


def corner_cells(intersections: dict[Point, dict[str, list[dict[str, object]]]]) -> list[BBox]:
    """pdfplumber's intersections_to_cells, with the same result: per intersection, the first cell
    it is the top-left corner of. pdfplumber rebuilds both points' edge sets for every pair of points
    it compares; here each point's sets are built once, and its row and column are looked up."""
    vertical = {point: edge_keys(edges["v"]) for point, edges in intersections.items()}
    horizontal = {point: edge_keys(edges["h"]) for point, edges in intersections.items()}

    def connected(p: Point, q: Point) -> bool:
        return (p[0] == q[0] and not vertical[p].isdisjoint(vertical[q])) or (
            p[1] == q[1] and not horizontal[p].isdisjoint(horizontal[q])
        )

    points = sorted(intersections)
    columns: dict[float, list[Point]] = {}
    rows: dict[float, list[Point]] = {}
    for point in points:  # in sorted order, so each column runs down and each row to the right
        columns.setdefault(point[0], []).append(point)
        rows.setdefault(point[1], []).append(point)
    cells = []
    for point in points:
        column, row = columns[point[0]], rows[point[1]]
        below = [other for other in column[column.index(point) + 1:] if connected(point, other)]
        right = [other for other in row[row.index(point) + 1:] if connected(point, other)]
        cell = first_closed_cell(point, below, right, intersections, connected)
        if cell is not None:
            cells.append(cell)
    return cells


def edge_keys(edges: list[dict[str, object]]) -> set[EdgeKey]:
    return {(edge["x0"], edge["top"], edge["x1"], edge["bottom"]) for edge in edges}


def first_closed_cell(
    corner: Point, below: list[Point], right: list[Point], intersections: dict[Point, object],
    connected: Callable[[Point, Point], bool],
) -> BBox | None:
    for below_point in below:
        for right_point in right:
            opposite = (right_point[0], below_point[1])
            if opposite not in intersections:
                continue
            if connected(opposite, right_point) and connected(opposite, below_point):
                return (corner[0], corner[1], opposite[0], opposite[1])
    return None


def ruling_edges(handle: object, frame: Frame) -> list[dict[str, object]]:
    edges: list[dict[str, object]] = []
    budget = MAX_SEGMENTS_INSPECTED
    for kind, obj, matrix in page_objects(handle):
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            budget -= path_edges(obj, compose(object_matrix(obj), matrix), frame, edges)
            if budget <= 0:
                break
    return edges


def object_matrix(obj: object) -> Matrix:
    matrix = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix)):
        return IDENTITY
    return (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)


def compose(inner: Matrix, outer: Matrix) -> Matrix:
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer  # noqa: N806 - the usual names of a PDF matrix's entries
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def path_edges(path: object, matrix: Matrix, frame: Frame, edges: list[dict[str, object]]) -> int:
    """Add a path's axis-parallel straight segments as pdfplumber edges; the segments it holds."""
    count = pdfium_c.FPDFPath_CountSegments(path)
    if count <= 0 or count > MAX_SEGMENTS_PER_PATH:
        return max(count, 1)
    x, y = ctypes.c_float(), ctypes.c_float()
    start = current = (0.0, 0.0)
    a, b, c, d, e, f = matrix
    for i in range(count):
        segment = pdfium_c.FPDFPath_GetPathSegment(path, i)
        if not pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y)):
            continue
        point = (a * x.value + c * y.value + e - frame.left, frame.top - (b * x.value + d * y.value + f))
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = point
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
            add_edge(current, point, edges)
        if pdfium_c.FPDFPathSegment_GetClose(segment):
            add_edge(point, start, edges)
        current = point
    return count


def add_edge(p: tuple[float, float], q: tuple[float, float], edges: list[dict[str, object]]) -> None:
    (x0, y0), (x1, y1) = sorted((p, q))
    if abs(y1 - y0) < 1 and x1 - x0 >= MIN_EDGE_LENGTH:
        top = (y0 + y1) / 2
        edges.append({"x0": x0, "x1": x1, "top": top, "bottom": top, "doctop": top,
                      "width": x1 - x0, "height": 0.0, "orientation": "h", "object_type": "line"})
    elif abs(x1 - x0) < 1 and abs(y1 - y0) >= MIN_EDGE_LENGTH:
        top, bottom = min(y0, y1), max(y0, y1)
        edges.append({"x0": x0, "x1": x0, "top": top, "bottom": bottom, "doctop": top,
                      "width": 0.0, "height": bottom - top, "orientation": "v", "object_type": "line"})


def cell_text(layer: TextLayer, cell: BBox | None) -> str:
    if cell is None:  # covered by a merged neighbour
        return ""
    text = layer.text_in(cell)
    return collapse_spaces(normalize_thai(join_lines(LINE_BREAK.split(text))))


# --- borderless tables: consecutive lines split into the same number of gapped runs -------------------


def borderless_tables(lines: list[Line], layer: TextLayer) -> list[FoundTable]:
    tables: list[FoundTable] = []
    for columns, group in itertools.groupby(lines, key=borderless_columns):
        rows = list(group)
        if columns and len(rows) >= MIN_BORDERLESS_ROWS:
            cells = [[cell_text(layer, run) for run in row.runs] for row in rows]
            boxes = [rounded(row.bbox) for row in rows]
            table = FoundTable(bbox=union([row.bbox for row in rows]), rows=cells, row_boxes=boxes)
            for row in rows:
                row.table = table
            tables.append(table)
    return tables


def borderless_columns(line: Line) -> int:
    """How many cells the line would have as a row of a borderless table; 0 if it is no such row."""
    return len(line.runs) if line.table is None and len(line.runs) >= MIN_BORDERLESS_COLUMNS else 0


# --- paragraphs -----------------------------------------------------------------------------------


def page_blocks(page: PageText, body_size: float, table_numbers: Iterator[int]) -> list[RawBlock]:
    """Paragraphs in reading order, each table's rows where its first line was, its lines dropped."""
    if page.ocr is not None:
        return page.ocr
    blocks: list[RawBlock] = []
    number = page.info.number
    emitted: set[int] = set()
    paragraph: list[Line] = []
    body_lines = [line for line in page.lines if line.table is None]
    pitches = typical_pitch(body_lines)
    right_edge = None if is_multi_column(body_lines) else max((ln.bbox[2] for ln in body_lines), default=None)
    for line in page.lines:
        if line.table is not None:
            if paragraph:
                blocks.append(paragraph_block(paragraph, number, body_size))
                paragraph = []
            if id(line.table) not in emitted:
                emitted.add(id(line.table))
                blocks += table_blocks(line.table, number, next(table_numbers))
            continue
        if paragraph and starts_paragraph(paragraph[-1], line, pitches, right_edge):
            blocks.append(paragraph_block(paragraph, number, body_size))
            paragraph = []
        paragraph.append(line)
    if paragraph:
        blocks.append(paragraph_block(paragraph, number, body_size))
    for table in page.tables:
        if id(table) not in emitted:  # a table none of whose text came out as a line
            blocks += table_blocks(table, number, next(table_numbers))
    return blocks


def table_blocks(table: FoundTable, page: int, number: int) -> list[RawBlock]:
    return table_rows(table.rows, page=page, table=number, boxes=table.row_boxes)


def is_multi_column(lines: list[Line]) -> bool:
    """Two lines sharing a baseline: text set side by side, where line lengths say nothing."""
    baselines = Counter(round(line.baseline) for line in lines)
    return any(count > 1 for count in baselines.values())


def table_holding(line: Line, tables: list[FoundTable]) -> FoundTable | None:
    x = (line.bbox[0] + line.bbox[2]) / 2
    y = (line.bbox[1] + line.bbox[3]) / 2
    for table in tables:
        x0, top, x1, bottom = table.bbox
        if x0 - 2 <= x <= x1 + 2 and top - 2 <= y <= bottom + 2:
            return table
    return None


def typical_pitch(lines: list[Line]) -> dict[float, float]:
    """Baseline-to-baseline distance of consecutive lines within a paragraph, per font size."""
    pitches: dict[float, list[float]] = {}
    for before, after in zip(lines, lines[1:], strict=False):
        step = after.baseline - before.baseline
        if same_size(before, after) and 0.8 * before.size < step < 3 * before.size:
            pitches.setdefault(round(before.size, 1), []).append(step)
    # The lower quartile: paragraph gaps are the exceptions, line pitch the rule.
    return {size: sorted(steps)[len(steps) // 4] for size, steps in pitches.items() if len(steps) >= 3}


def same_size(a: Line, b: Line) -> bool:
    return abs(a.size - b.size) <= 0.15 * max(a.size, b.size, 1.0)


def starts_paragraph(
    previous: Line, line: Line, pitches: dict[float, float], right_edge: float | None
) -> bool:
    if is_list_item(line.text) or not same_size(previous, line):
        return True
    step = line.baseline - previous.baseline
    if step <= 0.3 * line.size:  # upward or sideways: a new column or a text box
        return True
    pitch = pitches.get(round(previous.size, 1), 1.2 * previous.size)
    if step > 1.35 * pitch:
        return True
    # A line wrapped by layout is full: had the next line's first word fitted, it would be there.
    room = right_edge - previous.bbox[2] if right_edge is not None else 0.0
    return room > line.first_word_width + 0.5 * line.size


def paragraph_block(lines: list[Line], page: int, body_size: float) -> RawBlock:
    text = lines[0].text
    for before, line in zip(lines, lines[1:], strict=False):
        text = join_pair(text, line.text, space_at_break=before.space_at_end)
    box = union([line.bbox for line in lines])
    kind: BlockKind = "paragraph"
    if lines[0].size >= 1.2 * body_size and len(lines) <= 3 and len(text) <= 200:
        kind = "heading"
    return RawBlock(page=page, kind=kind, text=text, bbox=rounded(box))


def most_common_size(pages: list[PageText]) -> float:
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            if line.table is None:
                sizes[round(line.size)] += len(line.text)
    return float(sizes.most_common(1)[0][0]) if sizes else 0.0
