"""A fact before its id, its evidence, and the subject and period a block gives it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from corpus.models import Block, Evidence
from extractors.facts.clause import _Segment
from extractors.facts.lexicon import _THAI, _Mention, _project_nouns
from extractors.numbers import (
    ParsedNumber,
    find_periods,
)

_HEAD_STOP = re.compile(r"[,;:：、。(（|]|\s[-–—]\s")


def _item_project(text: str, folded: str, segment: _Segment) -> str | None:
    """The project a list item names first: "๑. โครงการผลิตไฟฟ้า... ปริมาณ..." -> "โครงการผลิตไฟฟ้า..."."""
    if segment.head is None:
        return None
    stop = _HEAD_STOP.search(folded, segment.head, segment.end)
    head = text[segment.head : stop.start() if stop else segment.end].strip()
    if _THAI.match(head):  # Thai separates phrases with spaces: the name is the first phrase or two
        phrases = head.split()
        head = phrases[0] if len(phrases[0]) >= 10 or len(phrases) == 1 else " ".join(phrases[:2])
    return head if _project_nouns().search(head) and len(head) <= 150 else None


def _periods(text: str) -> list[_Mention]:
    return [_Mention(period.start, period.end, period.value) for period in find_periods(text)]


def _nearest(mentions: Sequence[_Mention], position: int) -> str | None:
    def distance(mention: _Mention) -> int:
        return min(abs(mention.start - position), abs(mention.end - position))

    return min(mentions, key=distance).value if mentions else None


@dataclass(slots=True)  # not frozen: one per fact, and a frozen one costs several times as much to build
class _Draft:
    """A fact before its id: the id depends on the unit, which the document-level pass may still change."""

    kind: str
    value: float
    unit: str
    unit_class: str
    qualifier: str
    precision: float
    evidence: Evidence
    language: str
    subject: str | None = None
    period: str | None = None
    is_total: bool = False
    in_list: bool = False
    named_at: int | None = None  # how far the cue that gave the kind stands, for amounts of money


def _evidence(block: Block, text: str, number: ParsedNumber, offset: int) -> Evidence:
    return Evidence(
        page=block.page,
        text=text.strip(),
        start=block.start + offset + number.start,
        end=block.start + offset + number.end,
        block=block.index,
        bbox=block.bbox,
        ocr=block.ocr_confidence is not None,
        ocr_confidence=block.ocr_confidence,
    )
