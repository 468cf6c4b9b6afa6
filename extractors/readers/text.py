"""Plain text (and CSV/TSV): decode the bytes, then paragraphs, statement lines and pipe/tab tables."""
from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator

from corpus.models import PageInfo, RawBlock
from extractors.language import is_cjk
from extractors.readers.common import (
    ReaderError,
    Reading,
    collapse_spaces,
    is_label_line,
    is_list_item,
    join_lines,
    normalize_thai,
    table_rows,
)

BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
ISO_2022_JP_ESCAPES = (b"\x1b$B", b"\x1b$@", b"\x1b(J")
PUNCTUATION_SHARED_WITH_CP1252 = set("“”‘’–—…€•\u00a0")
# Vowels and tone marks written above, below or after a consonant; they never start a syllable.
THAI_MARKS = frozenset("\u0e31\u0e33\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a"
                       "\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e")
HEADING_LINE = re.compile(r"^\s*(?:=+[^=].*=+|#{1,6}\s+\S.*)\s*$")


def read_text(data: bytes) -> Reading:
    text = normalize_thai(normalize_newlines(decode_text(data)))
    pages: list[PageInfo] = []
    blocks: list[RawBlock] = []
    tables = 0
    for number, page_text in enumerate(text.split("\f"), start=1):
        pages.append(PageInfo(number=number, chars=len(page_text.strip())))
        for paragraph in paragraphs(page_text):
            for kind, lines in split_tables(paragraph):
                if kind == "table":
                    blocks += table_rows([split_cells(line) for line in lines], page=number, table=tables)
                    tables += 1
                else:
                    blocks += [RawBlock(page=number, kind=k, text=t) for k, t in statements(lines)]
    return Reading(media_type="text/plain", pages=pages, blocks=blocks)


def read_delimited(data: bytes, delimiter: str) -> Reading:
    """CSV or TSV: one table, each non-empty row a table row."""
    text = normalize_thai(normalize_newlines(decode_text(data)))
    parsed = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = [[collapse_spaces(cell) for cell in row] for row in parsed]
    rows = [row for row in rows if any(row)]
    media_type = "text/csv" if delimiter == "," else "text/tab-separated-values"
    return Reading(
        media_type=media_type,
        pages=[PageInfo(number=1, chars=len(text.strip()))],
        blocks=table_rows(rows, page=1, table=0) if rows else [],
    )


# --- decoding ---------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """Decode text in UTF-8/16/32, TIS-620 (cp874) or Shift_JIS (cp932); ReaderError if none fits."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                raise ReaderError(f"invalid {encoding.upper()} text ({error.reason})") from error
    if b"\x00" in data:
        return decode_utf16_without_bom(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return decode_legacy(data)
    if any(escape in data for escape in ISO_2022_JP_ESCAPES):
        try:
            return data.decode("iso2022_jp")
        except UnicodeDecodeError:
            return text
    return text


def decode_utf16_without_bom(data: bytes) -> str:
    even_nuls, odd_nuls = data[0::2].count(0), data[1::2].count(0)
    half = max(len(data) // 2, 1)
    if odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
        encoding = "utf-16-le"
    elif even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
        encoding = "utf-16-be"
    else:
        raise ReaderError("not a text file (binary content)")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise ReaderError(f"not a text file (binary content; {error.reason})") from error


def decode_legacy(data: bytes) -> str:
    """Pick the legacy encoding whose decoding reads as real Thai or Japanese.

    Byte-level guessers are unreliable on short texts (cp874 bytes decode as valid half-width
    katakana in cp932), so each candidate's result is judged by the script it produces.
    """
    scored: list[tuple[float, str]] = []
    for encoding, plausibility in (("cp874", thai_plausibility), ("cp932", japanese_plausibility),
                                   ("euc_jp", japanese_plausibility)):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        scored.append((plausibility(text), text))
    plausible = [item for item in scored if item[0] >= 0.9]
    if not plausible:
        raise ReaderError(
            "text is not valid UTF-8 and does not read as UTF-16, TIS-620 (Thai) or Shift_JIS (Japanese)"
        )
    return max(plausible, key=lambda item: item[0])[1]


def thai_plausibility(text: str) -> float:
    """Share of non-ASCII characters that are well-formed Thai (marks sit on a consonant)."""
    foreign = [ch for ch in text if ord(ch) > 0x7F]
    if not foreign:
        return 1.0
    good = 0
    previous = ""
    for ch in text:
        if ord(ch) > 0x7F:
            if ch in THAI_MARKS:
                good += is_thai_consonant(previous) or previous in THAI_MARKS
            elif "\u0e00" <= ch <= "\u0e7f" or ch in PUNCTUATION_SHARED_WITH_CP1252:
                good += 1
        previous = ch
    return good / len(foreign)


def is_thai_consonant(char: str) -> bool:
    return "\u0e01" <= char <= "\u0e2e"


def japanese_plausibility(text: str) -> float:
    """Share of non-ASCII characters that are full-width Japanese, with half-width kana held suspect."""
    foreign = [ch for ch in text if ord(ch) > 0x7F]
    if not foreign:
        return 1.0
    half_width_kana = sum("\uff61" <= ch <= "\uff9f" for ch in foreign)
    kana = sum("\u3041" <= ch <= "\u30ff" for ch in foreign)
    japanese = sum(is_cjk(ch) or "\u2010" <= ch <= "\u27bf" for ch in foreign) - half_width_kana
    if half_width_kana > 0.3 * len(foreign) or (len(foreign) >= 6 and kana == 0):
        return 0.0
    return (japanese + half_width_kana) / len(foreign)


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- paragraphs, statements and tables ----------------------------------------------------------


def paragraphs(page_text: str) -> Iterator[list[str]]:
    lines: list[str] = []
    for line in page_text.split("\n"):
        if line.strip():
            lines.append(line.rstrip())
        elif lines:
            yield lines
            lines = []
    if lines:
        yield lines


def split_cells(line: str) -> list[str]:
    separator = "\t" if "\t" in line else "|"
    stripped = line.strip()
    if separator == "|":
        stripped = stripped.removeprefix("|").removesuffix("|")
    return [cell.strip() for cell in stripped.split(separator)]


def table_separator(line: str) -> str | None:
    if "\t" in line.strip():
        return "\t"
    if " | " in line or (line.strip().startswith("|") and line.strip().endswith("|")):
        return "|"
    return None


def is_rule_row(line: str) -> bool:
    """A Markdown table's |---|:---:| line: layout, not content."""
    return bool(line.strip()) and set(line.strip()) <= set("|-:+= \t")


def split_tables(lines: list[str]) -> Iterator[tuple[str, list[str]]]:
    """("table", rows) for two or more lines split by the same separator, ("text", lines) between."""
    text: list[str] = []
    index = 0
    while index < len(lines):
        rows = table_run(lines, index)
        if len(rows) >= 2:
            if text:
                yield "text", text
                text = []
            yield "table", unwrapped_rows([row for row in rows if not is_rule_row(row)])
            index += len(rows)
        else:
            # A single line holding a separator is prose, not a table.
            text.append(lines[index])
            index += 1
    if text:
        yield "text", text


def table_run(lines: list[str], start: int) -> list[str]:
    separator = table_separator(lines[start])
    if separator is None:
        return []
    end = start + 1
    while end < len(lines) and (
        table_separator(lines[end]) == separator
        or is_rule_row(lines[end])
        or continues_row(lines[end], separator)
    ):
        end += 1
    return lines[start:end]


def continues_row(line: str, separator: str) -> bool:
    """The rest of a wrapped Markdown row: a cell or two closed by the separator ("52,156 |")."""
    stripped = line.strip()
    return separator == "|" and (stripped.endswith("|") or stripped.startswith("|"))


def unwrapped_rows(rows: list[str]) -> list[str]:
    """Rows with the cells a wrapped line carried joined back: a row with fewer cells than the header
    takes the following lines while they fill it."""
    if not rows or table_separator(rows[0]) != "|":
        return rows
    width = len(split_cells(rows[0]))
    joined: list[str] = []
    for row in rows:
        cells = len(split_cells(joined[-1])) if joined else width
        if cells < width and cells + len(split_cells(row)) <= width:
            head, tail = joined[-1].strip().removesuffix("|").rstrip(), row.strip().removeprefix("|").lstrip()
            joined[-1] = f"{head} | {tail}"
        else:
            joined.append(row)
    return joined


def statements(lines: list[str]) -> Iterator[tuple[str, str]]:
    """(kind, text) per block: a hard-wrapped paragraph is joined, separate statements stay lines."""
    if len(lines) == 1 or not is_hard_wrapped(lines):
        for line in lines:
            yield ("heading" if HEADING_LINE.match(line) else "paragraph"), line.strip()
        return
    group: list[str] = []
    for line in lines:
        if group and (is_list_item(line) or is_label_line(line)):
            yield "paragraph", join_lines(group)
            group = []
        group.append(line)
    yield "paragraph", join_lines(group)


def display_width(line: str) -> int:
    return sum(2 if is_cjk(ch) else 1 for ch in line.strip())


def is_hard_wrapped(lines: list[str]) -> bool:
    """Lines filled up to a common width, as an editor wraps a paragraph; else each line stands alone.

    A wrapped line is full: the next line's first word would not have fitted after it.
    """
    widths = [display_width(line) for line in lines]
    wrap = max(widths)
    if not 40 <= wrap <= 100:
        return False
    if sum(is_label_line(line) or is_list_item(line) for line in lines) > len(lines) // 2:
        return False
    return all(
        width + 1 + display_width(first_word(following)) > wrap
        for width, following in zip(widths, lines[1:], strict=False)
    )


def first_word(line: str) -> str:
    stripped = line.strip()
    return stripped[:1] if stripped and is_cjk(stripped[0]) else stripped.split(None, 1)[0]
