"""Count stated vs items listed: "3 partner countries (A, B and C)" must name three."""
from __future__ import annotations

import re
from collections.abc import Sequence

from checks.base import Rule, make_warning
from corpus.models import ConsistencyWarning, Fact
from extractors.facts.lexicon import country_mentions
from extractors.numbers import fold

NAME = "count_vs_items"
COUNT_KINDS = ("partner_country_count", "project_count")

# A list in brackets, after a colon, or after a word that introduces one ("namely", ได้แก่).
_GROUP = re.compile(
    r"[(（]([^()（）]{3,400})[)）]|(?:[:：]|\bnamely\b|ได้แก่|すなわち)\s*([^。.;；\n()（）]{3,400})", re.I
)
# A list introduced or closed by these words names examples, not every item.
_PARTIAL = re.compile(
    r"\b(?:including|includes|include|such\s+as|e\.g\.?|for\s+example|among\s+them|etc\.?|and\s+others)\b"
    r"|など|等|ほか|他|をはじめ|เช่น|เป็นต้น|รวมถึง|อาทิ|ฯลฯ|…|\.\.\.",
    re.I,
)
# Brackets that give a short name, not a list: "(hereinafter, the JCM)", "(以下、JCM)".
_NAMING = re.compile(r"\s*(?:hereinafter|hereafter|以下|以降|ต่อไปนี้)", re.I)
_COMMAS = re.compile(r"\s*[,、，;；]\s*")
_CONJUNCTIONS = re.compile(r"\s*(?:\band\b|\bor\b|及び|および|並びに|ならびに|และ|หรือ)\s*", re.I)
_THAI = re.compile(r"[\u0E00-\u0E7F]")
_DIGIT = re.compile(r"[0-9๐-๙０-９]")
_MASK = re.compile("\x00(\\d+)\x00")


def listed_items(group: str, kind: str) -> list[str] | None:
    """The items of a list, or None when they cannot be told apart.

    Country names are taken whole first ("Trinidad and Tobago" is one item). Thai may separate items with
    spaces only, which is trusted for country names but not for project names, which hold spaces themselves.
    """
    countries = country_mentions(fold(group))
    masked = group
    for number, mention in reversed(list(enumerate(countries))):
        masked = masked[: mention.start] + f"\x00{number}\x00" + masked[mention.end :]
    thai = bool(_THAI.search(masked))
    if thai and kind != "partner_country_count" and not _COMMAS.search(masked):
        return None
    pieces = _split(masked, spaces_separate=thai and kind == "partner_country_count")
    if pieces is None:
        return None
    names = [_MASK.sub(lambda m: countries[int(m.group(1))].value, piece) for piece in pieces]
    return [name for name in names if name]


def _split(masked: str, spaces_separate: bool) -> list[str] | None:
    """ "A, B and C": commas part every item, a conjunction only the last two; "A and B and C" is unclear."""
    if spaces_separate:
        return [word for piece in _CONJUNCTIONS.split(_COMMAS.sub(" ", masked)) for word in piece.split()]
    pieces = _COMMAS.split(masked)
    joined = list(_CONJUNCTIONS.finditer(pieces[-1]))
    if len(pieces) == 1 and len(joined) > 1:
        return None
    if joined:
        last = joined[-1]
        pieces[-1:] = [pieces[-1][: last.start()], pieces[-1][last.end() :]]
    return [piece.strip() for piece in pieces]


def item_list(evidence_text: str, kind: str) -> list[str] | None:
    """The one complete list of names a sentence gives, or None when there is none or it is partial."""
    if _PARTIAL.search(evidence_text):
        return None
    matches = list(_GROUP.finditer(evidence_text))
    if matches and _unfinished(evidence_text, matches[-1]):
        return None
    groups = [group for m in matches if not _NAMING.match(group := m.group(1) or m.group(2))]
    lists = [listed_items(g, kind) for g in groups if not _DIGIT.search(g)]
    complete = [items for items in lists if items is not None and len(items) >= 2]
    return complete[0] if len(complete) == 1 and len(complete) == len(lists) else None


_SENTENCE_CLOSE = re.compile(r"[.。!?！？)）\]」\"”']\s*\Z")


def _unfinished(text: str, last: re.Match[str]) -> bool:
    """A list that runs to the end of a sentence left unfinished (a cut page or excerpt: "namely Mongolia,
    Bangladesh, Ke") may go on. Thai writes no full stop, so only other scripts are judged so."""
    runs_to_end = not text[last.end() :].strip()
    return runs_to_end and not _THAI.search(text) and not _SENTENCE_CLOSE.search(text)


def check_counts(facts: Sequence[Fact]) -> list[ConsistencyWarning]:
    warnings = []
    counts = [f for f in facts if f.kind in COUNT_KINDS and f.unit == "count" and f.qualifier == "exact"]
    per_sentence: dict[tuple[int, str], list[Fact]] = {}
    for count in counts:
        per_sentence.setdefault((count.evidence.block, count.evidence.text), []).append(count)
    for (_, text), stated in per_sentence.items():
        items = item_list(text, stated[0].kind) if len(stated) == 1 else None
        if items is None or len(items) == stated[0].value:
            continue
        count = stated[0]
        noun = "partner countries" if count.kind == "partner_country_count" else "projects"
        message = (
            f"The text states {count.value:g} {noun} but lists {len(items)}: {', '.join(items)}."
        )
        warnings.append(make_warning(NAME, "warning", [count], count.value, len(items), 0, message))
    return warnings


RULE = Rule(NAME, "A stated count matches the items listed with it, unless the list is partial.",
            check_counts)
