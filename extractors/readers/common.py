"""What every reader shares: its result, its error, and how broken lines are put back together."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import wraps

from corpus.models import BBox, PageInfo, RawBlock
from extractors.language import is_cjk, is_thai, is_thai_digit
from extractors.thai_repair import repair_thai


class ReaderError(Exception):
    """A file that cannot be read, with a reason a user can act on."""


# Told (pages read, pages in all) as a paged document is read: scanned pages take a second or more each.
Progress = Callable[[int, int], None]


@dataclass
class Reading:
    media_type: str
    pages: list[PageInfo] = field(default_factory=list)
    blocks: list[RawBlock] = field(default_factory=list)


def refuse_damaged(kind: str) -> Callable[[Callable[[bytes], Reading]], Callable[[bytes], Reading]]:
    """Turn what a damaged package makes the libraries raise into a ReaderError naming the format.

    zipfile, zlib, lxml, ElementTree and the Office libraries built on them raise anything from
    BadZipFile to AttributeError on a part that is not what they expect, some of it lazily while the
    reader walks the document; only running out of memory or stack is left to the caller.
    """

    def decorate(read: Callable[[bytes], Reading]) -> Callable[[bytes], Reading]:
        @wraps(read)
        def guarded(data: bytes) -> Reading:
            try:
                return read(data)
            except (ReaderError, MemoryError, RecursionError):
                raise
            except Exception as error:
                raise ReaderError(f"not a valid {kind} (damaged: {type(error).__name__}: {error})") from error

        return guarded

    return decorate


CELL_SEPARATOR = " | "
SOFT_HYPHEN = "\u00ad"

# Bullets, "1.", "1)", "(1)", "a)", Thai "๑.", circled and full-width numbers, Japanese "第1条".
LIST_ITEM = re.compile(
    r"^\s*(?:[-•・●○■□◆◇▪*‣–—]\s+|[•・●○■□◆◇▪‣※]"
    r"|(?:[0-9๐-๙０-９]{1,3}|[a-zA-Z])[.)．）](?:\s|$)"
    r"|[(（](?:[0-9๐-๙０-９]{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[)）]"
    r"|[①-⑳]|第[0-9０-９一二三四五六七八九十]+[条章節項])"
)
# "Label: value" with a short label; the full-width colon is the Japanese habit.
LABEL_LINE = re.compile(r"^[^:：。.]{1,40}[:：]\s*\S")

def normalize_thai(text: str) -> str:
    """Thai as the font meant it: PUA glyph codes mapped back, split sara am joined, marks in order.

    Deliberately not NFKC: that would also rewrite full-width digits and other characters the
    number extractors read as they are.
    """
    return repair_thai(text)[0]


def join_pair(left: str, right: str, space_at_break: bool = False) -> str:
    """Join two pieces of a line broken by layout, the way the script on each side wants it.

    Thai and Japanese have no spaces between words, so a break between two Thai (or two CJK)
    characters is not a word boundary we can see; joining without a space keeps a word split by
    the layout whole. Digits keep their space, as Thai writes it around numbers.
    """
    left = left.rstrip()
    right = right.lstrip()
    if not left or not right:
        return left + right
    last, first = left[-1], right[0]
    if last == SOFT_HYPHEN:
        return left[:-1] + right
    if last == "-" and len(left) > 1 and left[-2].isalnum():
        return left + right
    if is_cjk(last) or is_cjk(first):
        return left + right
    if is_thai(last) and is_thai(first) and not space_at_break:
        if last in "ๆฯ" or is_thai_digit(last) or is_thai_digit(first):
            return left + " " + right
        return left + right
    return left + " " + right


def join_lines(lines: Sequence[str]) -> str:
    text = ""
    for line in lines:
        text = join_pair(text, line) if text else line.strip()
    return text


def collapse_spaces(text: str) -> str:
    return " ".join(text.split())


def table_rows(
    rows: Sequence[Sequence[str]], page: int, table: int, boxes: Sequence[BBox | None] = (), **extra: object
) -> list[RawBlock]:
    """Table rows as blocks, the first row serving as every row's header."""
    header = list(rows[0]) if rows else []
    return [
        RawBlock(
            page=page, kind="table_row", text=CELL_SEPARATOR.join(cells), cells=list(cells),
            header=header, table=table, row=number, bbox=boxes[number] if number < len(boxes) else None,
            **extra,
        )
        for number, cells in enumerate(rows)
    ]


def is_list_item(line: str) -> bool:
    return LIST_ITEM.match(line) is not None


def is_label_line(line: str) -> bool:
    return LABEL_LINE.match(line.strip()) is not None
