"""Facts from a document's blocks: each quantity, what it is about, and where the document says it.

A quantity becomes a fact when its unit is known and its kind can be told. The kind comes from the
cue word nearest to the number within its clause (a list item or sentence, or a table cell read with
its column header and row label), among the kinds its unit allows. Prose blocks go through a blank
spaCy pipeline (extractors.pipeline) whose components mark quantities and cue words; table rows
are read cell by cell.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import Any, NamedTuple

from corpus.models import Block, DocumentRef, Evidence, Fact
from extractors.numbers import (
    ParsedNumber,
    compile_guarded,
    find_numbers,
    find_periods,
    fold,
    gregorian_year,
    read_json,
    read_tsv,
)
from extractors.quantities import (
    RATE_UNITS,
    Quantity,
    UnitSpec,
    find_quantities,
    list_gap,
    parse_unit_label,
    per_year_before,
    qualifier_around,
    scaled,
    split_words,
)

_WINDOW = 80  # characters a per-year or total word may stand before its number
_BLOCK_GAP = 3  # blocks that may separate the items of one list from its total


class Cue(NamedTuple):
    topic: str
    start: int
    end: int


class _Mention(NamedTuple):
    """A period or a country named in a block."""

    start: int
    end: int
    value: str


# --- lexicons ----------------------------------------------------------------------------------


def _cues() -> dict[str, Any]:
    return read_json("fact_cues.json")


def _alternation(patterns: Sequence[str]) -> str:
    return "|".join(patterns)


def _english_aware(patterns_by_language: dict[str, list[str]]) -> str:
    """One alternation; English patterns only match at a word start."""
    return _alternation(
        [
            rf"\b(?:{pattern})" if language == "en" else pattern
            for language, patterns in patterns_by_language.items()
            for pattern in patterns
        ]
    )


@cache
def _cue_pattern() -> re.Pattern[str]:
    groups = [f"(?P<{entry['topic']}>{_english_aware(entry['patterns'])})" for entry in _cues()["topics"]]
    return compile_guarded("|".join(groups), re.I)


@cache
def _total_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Total words before a number, after it, and as a whole table-row label."""
    totals = _cues()["totals"]
    before = compile_guarded(rf"(?<![A-Za-z])(?:{_alternation(totals['before'])})", re.I)
    after = re.compile(rf"\s*(?:{_alternation(totals['after'])})(?![A-Za-z])", re.I)
    row_label = re.compile(rf"\s*(?:{_alternation(totals['row_labels'])})\s*[:：.]?\s*", re.I)
    return before, after, row_label


@cache
def _header_roles() -> dict[str, re.Pattern[str]]:
    table = _cues()["table"]
    return {
        role: re.compile(rf"\s*(?:{_alternation(table[f'{role}_headers'])})\s*(?:[(（].*)?", re.I)
        for role in ("project", "country", "unit", "index", "period")
    }


@cache
def _base_of_relation() -> re.Pattern[str]:
    return re.compile(rf"\s*(?:{_alternation(_cues()['base_of_relations'])})\s*", re.I)


@cache
def _countries() -> tuple[re.Pattern[str], dict[str, str]]:
    canonical: dict[str, str] = {}
    alternatives: list[str] = []
    for row in read_tsv("countries.tsv"):
        for language in ("en", "ja", "th"):
            for name in row[language].split("|"):
                canonical[_country_key(name.replace("\\s?", "").replace("\\", ""))] = row["country"]
                alternatives.append(_country_alternative(name, language))
    alternatives.sort(key=len, reverse=True)
    return compile_guarded("|".join(alternatives), re.I), canonical


def _country_key(name: str) -> str:
    return name.replace(" ", "").lower()


def _country_alternative(name: str, language: str) -> str:
    if language == "en":
        return rf"\b{re.escape(name)}\b"
    if language == "ja":  # タイ must not be the start of タイプ
        return rf"(?:{name})(?![ァ-ヶー])"
    return name


@cache
def _project_nouns() -> re.Pattern[str]:
    return re.compile(_alternation(_cues()["subjects"]["project_nouns"]), re.I)


@cache
def _may_hold_number() -> re.Pattern[str]:
    words = [row["word"] for row in read_tsv("number_words.tsv")]
    fractions = [row["word"].split()[-1] for row in read_tsv("fraction_words.tsv")]
    english = _alternation([word for word in words + fractions if word.isascii()])
    others = _alternation([word[:2] for word in fractions if not word.isascii()])
    return re.compile(rf"[0-9๐-๙０-９〇一二三四五六七八九]|\b(?:{english})\b|{others}", re.I)


@cache
def _credit_sides() -> re.Pattern[str]:
    sides = {side: words for side, words in _cues()["credit_sides"].items() if not side.startswith("_")}
    groups = [f"(?P<s{index}>{_alternation(words)})" for index, words in enumerate(sides.values())]
    return compile_guarded(_alternation(groups), re.I)


def side_names() -> list[str]:
    """The sides issued credits go to ("Japan", "partner country"), as facts name them in `subject`."""
    return [side for side in _cues()["credit_sides"] if not side.startswith("_")]


@cache
def _dollar_names() -> dict[str, re.Pattern[str]]:
    dollars = {code: words for code, words in _cues()["dollars"].items() if not code.startswith("_")}
    return {code: re.compile(_alternation(words), re.I) for code, words in dollars.items()}


@cache
def _period_labels() -> tuple[re.Pattern[str], re.Pattern[str]]:
    cues = _cues()["document_period"]
    labels, titles = _alternation(cues["labels"]), _alternation(cues["titles"])
    return compile_guarded(labels, re.I), compile_guarded(titles, re.I)


# A form's item number before a label: "1.", "2)", "1.2.", and the lettered sections of the JCM forms
# ("A.1.", "C.2 ").
_ITEM_NUMBER = r"(?:[A-Z](?:\.[0-9]{1,2})+\.?|[0-9]{1,2}(?:\.[0-9]{1,2})*[.)])\s*"


@cache
def _project_label() -> re.Pattern[str]:
    labels = _alternation(_cues()["subjects"]["project_labels"])
    return re.compile(rf"\s*(?:{_ITEM_NUMBER})?(?:{labels})\s*[:：.]\s*(?P<name>\S.{{2,150}}?)\s*", re.I)


@cache
def _exchange_rate() -> tuple[re.Pattern[str], list[tuple[str, re.Pattern[str]]]]:
    rates = _cues()["exchange_rates"]
    names = _alternation([name for words in rates["currencies"].values() for name in words])
    one, equals, per = (_alternation(rates[key]) for key in ("one", "equals", "per"))
    currency = rf"(?:{names})(?![A-Za-z])"
    number = r"[0-9][0-9,]*(?:\.[0-9]+)?"
    stated = (
        rf"(?:(?:{one})\s*(?P<a>{currency})|(?P<a2>{currency})\s*(?:{one}))\s*(?:{equals})\s*"
        rf"(?:(?P<b>{currency})\s*)?(?P<n>{number})(?:\s*(?P<b2>{currency}))?"
    )
    per_unit = (
        rf"(?:(?P<b3>{currency})\s*)?(?P<n2>{number})(?:\s*(?P<b4>{currency}))?\s*(?:{per})\s*(?:(?:{one})\s*)?"
        rf"(?P<a3>{currency})"
    )
    codes = [(code, re.compile(_alternation(words), re.I)) for code, words in rates["currencies"].items()]
    return compile_guarded(rf"(?<![A-Za-z0-9.,])(?:{stated}|{per_unit})", re.I), codes


@cache  # asked for every cue of every clause, with a few dozen distinct pairs
def _kind_for(topic: str | None, unit_class: str) -> str | None:
    return _cues()["kind_by_topic"].get(topic or "", {}).get(unit_class)


def kinds_of_topic(topic: str) -> tuple[str, ...]:
    """The fact kinds a cue topic names, whatever the unit: "subsidy" names subsidy_amount and
    subsidy_share. For reading a question ("subsidy rate Thailand"), where no number gives the unit."""
    kinds = _cues()["kind_by_topic"].get(topic, {})
    return tuple(dict.fromkeys(kind for kind in kinds.values() if kind != _NOT_A_FACT))


def _fallback_kind(unit_class: str) -> str | None:
    return _cues()["fallback_kind"].get(unit_class)


# What kind_by_topic gives a number that a cue marks as outside the JCM facts: a loan, a national
# target, an efficiency.
_NOT_A_FACT = "none"


def _as_fact_kind(kind: str | None) -> str | None:
    return None if kind == _NOT_A_FACT else kind


# --- cues ----------------------------------------------------------------------------------------


# Cue topics that name an amount ("total support", "budget for ...").
_KIND_NAMING_TOPICS = frozenset({"subsidy", "subsidy_rate", "budget", "cost"})
# Between an amount's name and a cue that only says what it is for: "budget for the JCM Financing
# Programme", "cost of the project".
_MODIFIER_GAP = re.compile(r"\s+(?:for|of)\s+(?:the\s+)?(?:JCM\s+)?", re.I)


def find_cues(folded: str) -> list[Cue]:
    """Cue words of a folded text with their topic: reduction, cost, subsidy, projects, ...; a cue that
    only modifies the cue before it ("budget for the financing programme") is left out."""
    cues: list[Cue] = []
    for match in _cue_pattern().finditer(folded):
        head = cues[-1] if cues else None
        if (
            head
            and head.topic in _KIND_NAMING_TOPICS
            and head.topic != match.lastgroup
            and _MODIFIER_GAP.fullmatch(folded, head.end, match.start())
        ):
            continue
        cues.append(Cue(match.lastgroup or "", match.start(), match.end()))
    return cues


_THAI = re.compile(r"[\u0E00-\u0E7F]")
_JAPANESE = re.compile(r"[\u3040-\u30FF\u4E00-\u9FFF]")


def _pipeline_language(language: str, text: str) -> str:
    if language in ("en", "ja", "th"):
        return language
    return "th" if _THAI.search(text) else "ja" if _JAPANESE.search(text) else "en"


# --- segments: list items and sentences --------------------------------------------------------


@dataclass(slots=True)  # not frozen: a frozen one costs several times as much to build
class _Segment:
    """A list item or sentence of a block; `head` is where an item's text starts after its marker."""

    start: int
    end: int
    head: int | None = None


_ITEM_MARKER = re.compile(
    r"(?=[\d(①-⑳ \t•●▪■◆・\-–])"  # what a marker starts with: skips most positions in one test
    r"(?:(?:(?<=\s)|^)(?:\(?\d{1,2}\)|\d{1,2}\.(?=\s)|[①-⑳])\s*"  # numbered items may run on in a line
    r"|(?:(?<=\n)|^)[ \t]*[•●▪■◆・\-–][ \t]+)"  # bullets start a line
)
_SENTENCE_END = compile_guarded(r"[。！？!?;；](?=\s*\S)|(?<!\b[A-Z])\.(?=\s+[A-Z\"“(])|\n\s*\n")
_ABBREVIATION = re.compile(r"\b(?:No|Co|Ltd|Inc|approx|etc|vs|Mr|Ms|Dr|Fig|Art|Vol|pp|e\.g|i\.e|St)\Z", re.I)


def _segments(folded: str) -> list[_Segment]:
    cuts: dict[int, int | None] = {0: None}
    markers = [match.span() for match in _ITEM_MARKER.finditer(folded)]
    for start, end in markers:
        cuts[start] = end
    for match in _SENTENCE_END.finditer(folded):
        position = match.start()
        in_marker = bool(markers) and any(start <= position < end for start, end in markers)
        if not in_marker and not _ABBREVIATION.search(folded, max(0, position - 8), position):
            cuts.setdefault(match.end(), None)
    starts = sorted(cuts)
    ends = starts[1:] + [len(folded)]
    return [_Segment(start, end, cuts[start]) for start, end in zip(starts, ends, strict=True) if end > start]


def _index_of(items: Sequence[Any], item: Any) -> int:
    """list.index by identity: comparing dataclasses field by field costs more than the search."""
    return next(index for index, other in enumerate(items) if other is item)


def _within(items: Sequence[Any], start: int, end: int) -> list[Any]:
    return [item for item in items if start <= item.start and item.end <= end]


# --- reading a clause: kind, context, per-year, totals -----------------------------------------


@dataclass(slots=True)  # not frozen: one per clause, and a frozen one costs several times as much to build
class _Scope:
    """The clause a quantity is read in: a list item or sentence, or one table cell.

    `topics` are cue topics from outside the clause (a table's column header and row label), used
    when the clause itself has no cue for the quantity's unit.
    """

    folded: str
    start: int
    end: int
    quantities: list[Quantity]
    cues: list[Cue]
    topics: tuple[str, ...] = ()
    all_topics: frozenset[str] = field(init=False)
    splits: list[tuple[int, int]] = field(init=False)  # where "of which", うち... stand

    def __post_init__(self) -> None:
        self.all_topics = frozenset([cue.topic for cue in self.cues] + list(self.topics))
        self.splits = [m.span() for m in split_words().finditer(self.folded, self.start, self.end)]


def _cue_distance(scope: _Scope, cue: Cue, quantity: Quantity) -> int | None:
    """How far a cue stands from a quantity; cues after it and cues past other quantities count as farther.

    None for a cue after the quantity that names its base: "40% of the project cost", "จากมูลค่าโครงการ".
    """
    if cue.end <= quantity.start:
        gap, low, high = quantity.start - cue.end, cue.end, quantity.start
    elif cue.start >= quantity.end:
        if _source_link().fullmatch(scope.folded, quantity.end, cue.start):
            return 0  # "$6 million from the Japan Fund for the JCM": the source names what it is
        if _names_base(scope, cue, quantity) or _labels_next(scope, cue, quantity):
            return None
        gap, low, high = 2 * (cue.start - quantity.end) + 10, quantity.end, cue.start
    else:
        return 0
    crossed = [  # _within inlined: this runs for every cue of every quantity
        other
        for other in scope.quantities
        if low <= other.start and other.end <= high and other is not quantity
    ]
    return gap + 1000 * len(crossed)


@cache
def _source_link() -> re.Pattern[str]:
    return re.compile(_alternation(_cues()["source_links"]), re.I)


def _other_counts(scope: _Scope, quantity: Quantity) -> list[tuple[int, int]]:
    """Spans of the other counts: a cue within one is its count noun, the 国 of "5か国" before "8件"."""
    return [
        (other.start, other.end)
        for other in scope.quantities
        if other.unit_class == "count" and other is not quantity
    ]


def _names_base(scope: _Scope, cue: Cue, quantity: Quantity) -> bool:
    """ "40% of the project cost" names the base of a share; but an amount's "of" and の name what it is:
    "1,200 tCO2 of emission reductions", "3億円の補助金", "500トンのクレジット"."""
    return quantity.unit_class == "percent" and bool(
        _base_of_relation().fullmatch(scope.folded, quantity.end, cue.start)
    )


# "3,018 ล้านบาท และการลงทุนร่วม ... 9,806 ล้านบาท": a cue after "and" opens the next item.
_AND_BEFORE = re.compile(r"[\s,、]*(?:and|as\s+well\s+as|และ|รวมถึง|及び|および|並びに|ならびに)\s*", re.I)


def _labels_next(scope: _Scope, cue: Cue, quantity: Quantity) -> bool:
    """A cue after the quantity that stands closer to the next quantity, or opens the next item after
    "and", names that one instead."""
    following = [other.start for other in scope.quantities if other.start >= cue.end]
    if not following:
        return False
    return min(following) - cue.end <= cue.start - quantity.end or bool(
        _AND_BEFORE.fullmatch(scope.folded, quantity.end, cue.start)
    )


def _nearest_cue_kind(scope: _Scope, quantity: Quantity) -> str | None:
    counts = _other_counts(scope, quantity)
    scored = [
        (distance, cue.start, kind)
        for cue in scope.cues
        if (kind := _kind_for(cue.topic, quantity.unit_class))
        and not (counts and any(start <= cue.start < end for start, end in counts))  # mostly no counts
        and (distance := _cue_distance(scope, cue, quantity)) is not None
    ]
    if scope.splits:
        # "a cost of JPY 500 million, of which JPY 200 million is covered by the subsidy": the part is
        # what the words after it name, when they name anything, not the whole before "of which".
        own = [entry for entry in scored if not _names_the_whole(scope, entry[1], quantity)]
        scored = own or scored
    return min(scored)[2] if scored else None


def _names_the_whole(scope: _Scope, cue_start: int, quantity: Quantity) -> bool:
    return any(cue_start < start and end <= quantity.start for start, end in scope.splits)


def _equation_kind(scope: _Scope, quantity: Quantity) -> str | None:
    """ "ER = RE - PE = 3,120 tCO2": the result of an equation is what its left-hand side names."""
    equals = scope.folded.find("=", scope.start, quantity.start)
    if equals < 0:
        return None
    left = _within(scope.cues, scope.start, equals)
    return next((kind for cue in left if (kind := _kind_for(cue.topic, quantity.unit_class))), None)


def _kind(scope: _Scope, quantity: Quantity) -> str | None:
    """Its count noun's kind, else its equation's or nearest compatible cue's, else the scope's topics', else
    the unit's default."""
    if quantity.topic:
        return _kind_for(quantity.topic, quantity.unit_class)
    from_topics = (kind for topic in scope.topics if (kind := _kind_for(topic, quantity.unit_class)))
    kind = _as_fact_kind(
        _equation_kind(scope, quantity)
        or _nearest_cue_kind(scope, quantity)
        or next(from_topics, None)
        or _fallback_kind(quantity.unit_class)
    )
    if kind == "credits_issued" and _is_target(scope, quantity):
        return "emission_reduction"  # a goal of credits is reductions to reach, no credits issued
    # A counter of cases (件) near a word for countries counts projects per country, never countries:
    # "対象国の内訳は、モンゴル:3件".
    return "project_count" if kind == "partner_country_count" else kind


@cache
def _target_words() -> tuple[re.Pattern[str], re.Pattern[str]]:
    words = _cues()["targets"]
    targets = {language: words[language] for language in ("en", "ja", "th")}
    issued = {language: words["issued"][language] for language in ("en", "ja", "th")}
    return compile_guarded(_english_aware(targets), re.I), re.compile(_english_aware(issued), re.I)


def _is_target(scope: _Scope, quantity: Quantity) -> bool:
    """ "targeting 100 Mt CO2e of JCM credits by 2030", "the 100 million tCO2e target", "1億トンのクレジット
    獲得を目標": a target word with no other number between it and the amount, after it only with no word
    of issuance in its clause."""
    targets, issued = _target_words()
    before = max([other.end for other in scope.quantities if other.end <= quantity.start] + [scope.start])
    if targets.search(scope.folded, before, quantity.start):
        return True
    after = min([other.start for other in scope.quantities if other.start >= quantity.end] + [scope.end])
    target = targets.search(scope.folded, quantity.end, after)
    return bool(target) and not issued.search(scope.folded, before, target.start())


def _clause_kinds(scope: _Scope) -> list[str | None]:
    """The kind of each quantity of a clause; an amount no cue names shares that of the next amount of
    its unit when no cue stands between them: the items of one list whose cue comes after the last of
    them ("A事業で1,000トン、B事業で2,000トンを削減", "1,000 t and 2,000 t of reductions")."""
    kinds = [_kind(scope, quantity) for quantity in scope.quantities]
    for index in range(len(kinds) - 2, -1, -1):  # back to front: a kind passes along a whole list
        quantity = scope.quantities[index]
        # Only a fallback kind is shared over: no kind may mean a cue said "no JCM fact" (a loan).
        if quantity.topic or kinds[index] is None or kinds[index] != _fallback_kind(quantity.unit_class):
            continue
        later = range(index + 1, len(kinds))
        following = next((j for j in later if scope.quantities[j].unit_class == quantity.unit_class), None)
        if (
            following is not None
            and kinds[following] not in (None, kinds[index])
            and not _naming_cue_between(scope, quantity, scope.quantities[following])
        ):
            kinds[index] = kinds[following]
    return kinds


def _naming_cue_between(scope: _Scope, first: Quantity, second: Quantity) -> bool:
    return any(
        _kind_for(cue.topic, first.unit_class)
        for cue in scope.cues
        if first.end <= cue.start and cue.end <= second.start
    )


def _has_context(unit_context: str, topics: frozenset[str] | Sequence[str]) -> bool:
    """Bare "tons" count as CO2 only in a clause about emissions."""
    return unit_context != "emission" or bool(set(topics) & set(_cues()["emission_context_topics"]))


def _per_year(scope: _Scope, quantity: Quantity, through_lists: bool = True) -> bool:
    """A per-year unit, or a per-year word before the number in its clause: "annual reduction of 300 t";
    `through_lists`, also one before the first item of its list: "年間1,000トン、2,000トン"."""
    if quantity.per_year:
        return True
    low = max(scope.start, quantity.start - _WINDOW)
    markers = [
        marker
        for marker in per_year_before().finditer(scope.folded, low, quantity.start)
        if not _inside_other(scope, quantity, marker.start())
    ]
    if not markers:
        return False
    marked = _within(scope.quantities, markers[-1].end(), quantity.start)
    between = [other for other in marked if other is not quantity]
    cumulative = _cumulative().search(scope.folded, markers[-1].end(), quantity.start)
    return not cumulative and (not between or (through_lists and _one_list(scope, [*between, quantity])))


def _one_list(scope: _Scope, quantities: Sequence[Quantity]) -> bool:
    """Quantities of one unit with nothing but commas and list words between them."""
    return all(
        first.unit_class == second.unit_class and list_gap().fullmatch(scope.folded, first.end, second.start)
        for first, second in zip(quantities, quantities[1:], strict=False)
    )


def _inside_other(scope: _Scope, quantity: Quantity, position: int) -> bool:
    """ "1,200 tCO2e per year, or 18,000 tCO2e over its lifetime": a per-year word that ends another
    quantity is that one's unit, not a word before this one."""
    return any(other.start <= position < other.end for other in scope.quantities if other is not quantity)


@cache
def _cumulative() -> re.Pattern[str]:
    """ "毎年度の予算で…累積で5,000万t": a cumulative word after a per-year one makes the amount a total."""
    return re.compile(_alternation(_cues()["cumulative"]), re.I)


def _unit(quantity: Quantity, per_year: bool) -> str:
    return RATE_UNITS.get(quantity.unit_class, quantity.unit) if per_year else quantity.unit


def _overlaps_cue(start: int, end: int, cues: Sequence[Cue]) -> bool:
    """ "Total" inside "total project cost" names the kind, not a sum."""
    return any(cue.start < end and start < cue.end for cue in cues)


_KIND_NAME_GAP = re.compile(r"\s*(?:JCM\s+|amount\s+of\s+)?", re.I)


def _names_a_kind(folded: str, end: int, cues: Sequence[Cue]) -> bool:
    """ "total support", "total budget": the word belongs to the name of an amount, not to a sum."""
    gap_end = _KIND_NAME_GAP.match(folded, end).end()  # type: ignore[union-attr]
    return any(cue.start == gap_end and cue.topic in _KIND_NAMING_TOPICS for cue in cues)


_DIGIT = re.compile(r"\d")


def _totals_another_number(folded: str, start: int, limit: int, quantities: Sequence[Quantity]) -> bool:
    """Whether the first number after a total word is no quantity of ours ("合計約15カ月分" totals months):
    the word is about that number, not the amount after it."""
    digit = _DIGIT.search(folded, start, limit)
    return digit is not None and not any(q.start <= digit.start() < q.end for q in quantities)


def _totals(
    folded: str, segments: Sequence[_Segment], quantities: Sequence[Quantity], cues: Sequence[Cue]
) -> set[int]:
    """Indices of quantities stated as totals: the first amount and the first count after a total word in
    a clause ("a total of 12 projects and 3,000 tCO2" states both), and any followed by "in total"."""
    before, after, _ = _total_patterns()
    marked: set[int] = set()
    for match in before.finditer(folded):
        if _overlaps_cue(match.start(), match.end(), cues) or _names_a_kind(folded, match.end(), cues):
            continue
        clause_end = next(segment.end for segment in segments if segment.end > match.start())
        limit = min(clause_end, match.end() + _WINDOW)
        if _totals_another_number(folded, match.end(), limit, quantities):
            continue
        following = [i for i, quantity in enumerate(quantities) if match.end() <= quantity.start < limit]
        amounts = [i for i in following if quantities[i].unit_class != "count"]
        counts = [i for i in following if quantities[i].unit_class == "count"]
        marked.update(amounts[:1] + counts[:1])
    for index, quantity in enumerate(quantities):
        suffix = after.match(folded, quantity.end)
        if suffix and not _overlaps_cue(suffix.start(), suffix.end(), cues):
            marked.add(index)
    return marked


# --- spans: amounts stated over an N-year lifetime, useful life or crediting period -------------


class _Span(NamedTuple):
    """ "over its 15-year lifetime", "法定耐用年数17年間で": where it is stated, its years, and whether an
    'over' word states it (else only its name or a weak word does: "อายุโครงการ 15 ปี", "for 10 years")."""

    start: int
    end: int
    years: float
    stated_over: bool


class _Years(NamedTuple):
    """A number of years a clause states: a duration ("15-year", "17年間") or a bare "15年" after a span's
    name."""

    start: int
    end: int
    value: float


@cache
def _span_patterns() -> dict[str, re.Pattern[str]]:
    spans = _cues()["spans"]
    names, over = _english_aware(spans["names"]), _english_aware(spans["over"])
    joins, determiners = _alternation(spans["name_joins"]), _alternation(spans["determiners"])
    named = rf"(?:{names})\s*(?:(?:{joins})\s*)?"
    weak = rf"(?:{_english_aware(spans['over_weak'])})\s*(?:(?:{determiners})\s+)*"
    of_the = rf"(?:(?:of|の)\s*(?:(?:{determiners})\s+)*)?"
    year_words = _alternation(spans["named_year_words"])
    return {
        "over_before": compile_guarded(rf"(?:{over})\s*(?:(?:{determiners})\s+)*(?:{named})?\Z", re.I),
        "name_before": compile_guarded(rf"(?:{named}|{weak})\Z", re.I),
        "name_after": re.compile(rf"[\s)）]*{of_the}(?:{names})", re.I),
        "over_after": re.compile(rf"[\s)）]*(?:{_english_aware(spans['over_after'])})", re.I),
        "not_span": re.compile(rf"[\s)）]*(?:{_alternation(spans['not_spans'])})", re.I),
        "named_years": compile_guarded(rf"{named}(?P<n>[0-9]+(?:\.[0-9]+)?)\s*(?:{year_words})", re.I),
    }


def _stated_years(scope: _Scope) -> list[_Years]:
    """Durations, and the bare years a span's name states: "耐用年数は15年" (a bare 15年 elsewhere may be
    a year of an era, 平成15年)."""
    years = [_Years(q.start, q.end, q.value) for q in scope.quantities if q.unit_class == "duration"]
    for match in _span_patterns()["named_years"].finditer(scope.folded, scope.start, scope.end):
        if not any(other.start <= match.start("n") < other.end for other in years):
            years.append(_Years(match.start("n"), match.end(), float(match["n"])))
    return years


def _spans(scope: _Scope) -> list[_Span]:
    """The spans of years a clause states amounts over."""
    patterns = _span_patterns()
    spans = []
    for years in _stated_years(scope):
        if patterns["not_span"].match(scope.folded, years.end):
            continue
        low = max(scope.start, years.start - _WINDOW)
        over = patterns["over_before"].search(scope.folded, low, years.start)
        before = over or patterns["name_before"].search(scope.folded, low, years.start)
        after = patterns["name_after"].match(scope.folded, years.end, scope.end)
        end = after.end() if after else years.end
        over_after = patterns["over_after"].match(scope.folded, end, scope.end)
        if before or after or over_after:
            start = before.start() if before else years.start
            end = over_after.end() if over_after else end
            spans.append(_Span(start, end, years.value, bool(over or over_after)))
    return spans


def _spanned_amounts(scope: _Scope, totals: frozenset[int]) -> dict[int, str]:
    """The amount each span of the clause is stated for, by the quantity's start, with the span as an ISO
    8601 duration ("P15Y"); `totals` are the starts of the quantities stated as totals."""
    spanned: dict[int, str] = {}
    for span in _spans(scope):
        target = _span_target(scope, span, totals)
        if target is not None:
            spanned.setdefault(target.start, f"P{span.years:g}Y")
    return spanned


def _span_target(scope: _Scope, span: _Span, totals: frozenset[int]) -> Quantity | None:
    """The nearest amount within reach that no per-year word of its own makes annual ("1,200 t per year
    over its lifetime" is annual still)."""
    reached = [
        (distance, index)
        for index, quantity in enumerate(scope.quantities)
        if quantity.unit_class in RATE_UNITS
        and (distance := _span_distance(scope, span, quantity, totals)) is not None
        and distance <= _WINDOW
        and not _per_year(scope, quantity, through_lists=False)
    ]
    return scope.quantities[min(reached)[1]] if reached else None


def _span_distance(scope: _Scope, span: _Span, quantity: Quantity, totals: frozenset[int]) -> int | None:
    """How far an amount stands from a span that may be stated for it: on either side of one an 'over'
    word states, only after one its name alone states, and then a total or cumulative amount
    ("อายุโครงการ 15 ปี รวม 19,000 ตัน")."""
    if quantity.end <= span.start and span.stated_over:
        return span.start - quantity.end
    if quantity.start >= span.end and (span.stated_over or _stated_whole(scope, span, quantity, totals)):
        return quantity.start - span.end
    return None


def _stated_whole(scope: _Scope, span: _Span, quantity: Quantity, totals: frozenset[int]) -> bool:
    return quantity.start in totals or bool(_cumulative().search(scope.folded, span.start, quantity.start))


# --- subjects and periods ----------------------------------------------------------------------

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


def country_mentions(folded: str, start: int = 0, end: int | None = None) -> list[_Mention]:
    """JCM partner countries named in a folded text, valued by their canonical English name."""
    return list(_country_mentions(folded, start, len(folded) if end is None else end))


@lru_cache(maxsize=8192)  # facts and metadata both look for countries in each block, one pass apart
def _country_mentions(folded: str, start: int, end: int) -> tuple[_Mention, ...]:
    pattern, canonical = _countries()
    return tuple(
        _Mention(match.start(), match.end(), canonical.get(_country_key(match.group()), match.group()))
        for match in pattern.finditer(folded, start, end)
    )


def _periods(text: str) -> list[_Mention]:
    return [_Mention(period.start, period.end, period.value) for period in find_periods(text)]


def _nearest(mentions: Sequence[_Mention], position: int) -> str | None:
    def distance(mention: _Mention) -> int:
        return min(abs(mention.start - position), abs(mention.end - position))

    return min(mentions, key=distance).value if mentions else None


# --- drafts ------------------------------------------------------------------------------------


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


# --- exchange rates ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rate:
    """ "1 USD = 150 JPY", "150円/ドル": the number is the price of one unit of the base currency."""

    start: int
    end: int
    number: ParsedNumber
    unit: str  # quote/base: "JPY/USD"


def _currency_code(name: str, codes: Sequence[tuple[str, re.Pattern[str]]]) -> str | None:
    return next((code for code, pattern in codes if pattern.fullmatch(name)), None)


@cache
def _rate_hint() -> re.Pattern[str]:
    return compile_guarded(_alternation(_cues()["exchange_rates"]["hint"]), re.I)


def _exchange_rates(text: str, folded: str) -> list[_Rate]:
    if not _rate_hint().search(folded):  # most blocks state no rate: skip the costly scan
        return []
    pattern, codes = _exchange_rate()
    rates = []
    for match in pattern.finditer(folded):
        base = _currency_code(match["a"] or match["a2"] or match["a3"] or "", codes)
        quote = _currency_code(match["b"] or match["b2"] or match["b3"] or match["b4"] or "", codes)
        start, end = match.span("n") if match["n"] else match.span("n2")
        numbers = find_numbers(text[start:end])
        if base and quote and base != quote and len(numbers) == 1:
            number = replace(numbers[0], start=start + numbers[0].start, end=start + numbers[0].end)
            rates.append(_Rate(match.start(), match.end(), number, f"{quote}/{base}"))
    return rates


def _inside_rate(number: ParsedNumber, rates: Sequence[_Rate]) -> bool:
    return any(rate.start <= number.start < rate.end for rate in rates)


def _rate_draft(prose: _Prose, segment: _Segment, rate: _Rate) -> _Draft:
    block = prose.block
    periods = _within(prose.periods, segment.start, segment.end) or prose.periods
    return _Draft(
        kind="exchange_rate",
        value=rate.number.value,
        unit=rate.unit,
        unit_class="rate",
        qualifier=qualifier_around(prose.folded, rate.start, (rate.end,)),
        precision=rate.number.precision,
        evidence=_evidence(block, block.text[segment.start : segment.end], rate.number, 0),
        language=block.language,
        period=_nearest(periods, rate.number.start),
    )


# --- prose blocks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prose:
    """A paragraph or heading, marked up once."""

    block: Block
    folded: str
    quantities: list[Quantity]
    cues: list[Cue]
    segments: list[_Segment]
    totals: set[int]
    periods: list[_Mention]
    rates: list[_Rate]
    countries: list[_Mention]


def _read_prose(block: Block) -> _Prose | None:
    # Imported here: spaCy (two seconds to import) loads only in the processes that extract facts,
    # not in every process that needs this module's lexicons.
    from extractors.pipeline import fact_pipeline

    doc = fact_pipeline(_pipeline_language(block.language, block.text))(block.text)
    marks = doc._  # spaCy builds a new accessor object on every doc._
    folded = fold(block.text)
    rates = _exchange_rates(block.text, folded)
    quantities: list[Quantity] = [
        quantity for quantity in marks.jcm_quantities if not _inside_rate(quantity.number, rates)
    ]
    if not quantities and not rates:
        return None
    segments = _segments(folded)
    cues = marks.jcm_cues
    return _Prose(
        block=block,
        folded=folded,
        quantities=quantities,
        cues=cues,
        segments=segments,
        totals=_totals(folded, segments, quantities, cues),
        periods=_periods(block.text),
        rates=rates,
        countries=country_mentions(folded),
    )


def _prose_drafts(block: Block, previous: Block | None) -> list[_Draft]:
    prose = _read_prose(block)
    if prose is None:
        return []
    drafts: list[_Draft] = []
    lead = 0  # where the text that introduces the current items starts
    for segment in prose.segments:
        carried = _carried_topics(prose, segment, previous) if segment.start == 0 else ()
        if segment.head is None:
            lead = segment.start
        else:  # an item goes on with what introduced the list: "削減量は (1) 36,597t (2) 815"
            carried += tuple(cue.topic for cue in reversed(_within(prose.cues, lead, segment.start)))
        drafts += _segment_drafts(prose, segment, carried)
    drafts = _annualise_like_the_first(prose, drafts)
    if not prose.totals:  # most blocks state no total
        return drafts
    return _annualise_sentence_parts(prose, _totals_named_by_parts(drafts))


@cache
def _same_below() -> re.Pattern[str]:
    words = {language: words for language, words in _cues()["same_below"].items() if language != "_about"}
    # after the number: its unit and period first ("t=以下同", "tCO2e per year, hereinafter the same")
    return re.compile(rf"[^。.;]{{0,{_SAME_BELOW_REACH}}}?(?:{_english_aware(words)})", re.I)


_SAME_BELOW_REACH = 24  # characters of unit and period between an amount and 以下同


def _annualise_like_the_first(prose: _Prose, drafts: list[_Draft]) -> list[_Draft]:
    """ "(1)が36,597tCO2/年、(2)は815、(3)は2,121、(4)9,728t", "年間2632t=以下同)、…(B社、3276t)": the later
    amounts of a block that says the first one's unit holds below, of numbered items whose first is per
    year, or of a sentence's list all per year before them, are per year too, unless a period or a
    cumulative word sets them apart."""
    result = list(drafts)
    offset, starts = prose.block.start, _sentence_starts(prose)
    for position, first in enumerate(drafts):
        if first.unit != "tCO2e/yr":
            continue
        holds_below = bool(_same_below().match(prose.folded, first.evidence.end - offset))
        sentence = bisect_right(starts, first.evidence.start - offset)
        annual_run = 0  # per-year amounts of the list so far, the first one's included
        for index in range(position, len(result)):
            later = result[index]
            if later.kind != first.kind:
                continue
            same_sentence = bisect_right(starts, later.evidence.start - offset) == sentence
            if later.unit == "tCO2e/yr":
                annual_run += 1 if same_sentence else 0
                continue
            listed = (first.in_list and later.in_list) or (same_sentence and annual_run >= 2)
            if (
                later.unit == "tCO2e"
                and later.period is None
                and (holds_below or listed)
                and not _cumulative_around(prose, first, later)
            ):
                result[index] = replace(later, unit="tCO2e/yr")
        return result  # the first per-year amount decides for the block
    return result


# --- totals of a block's items -----------------------------------------------------------------


def _totals_named_by_parts(drafts: list[_Draft]) -> list[_Draft]:
    """ "...reduce 1,000, 2,000 and 3,000 tCO2e; taken together, 6,500 tCO2e": a total whose own clause
    names no kind is the sum of the item just before it, and of its kind."""
    result = list(drafts)
    for position, total in enumerate(drafts):
        if not total.is_total or total.kind != _fallback_kind(total.unit_class):
            continue
        before = [draft for draft in result[:position] if draft.unit_class == total.unit_class]
        if before and not before[-1].is_total:
            result[position] = replace(total, kind=before[-1].kind)
    return result


def _annualise_sentence_parts(prose: _Prose, drafts: list[_Draft]) -> list[_Draft]:
    """ "1,000トン、2,000トン、3,000トンで、合わせて年間6,500トン", "1,000, 2,000 and 3,000 t; together
    6,500 t a year": the items a sentence lists before a total stated per year are per-year amounts too,
    unless a period of their own sets them apart (a year, the years of a lifetime); and the total of
    items all stated per year is per year."""
    result = list(drafts)
    for position, total in enumerate(drafts):
        if not total.is_total or total.unit_class not in RATE_UNITS:
            continue
        parts = _sentence_parts(prose, result, position)
        if len(parts) < 2:  # one amount before a total is no list of its parts
            continue
        annual = RATE_UNITS[total.unit_class]
        if total.unit == annual:
            for index in parts:
                result[index] = replace(result[index], unit=annual)
        elif all(result[index].unit == annual for index in parts) and not _cumulative_between(
            prose, result[parts[0]], total
        ):
            # "A事業は年間1,000トン、B事業は年間2,000トン、あわせて3,000トン": the sum of annual amounts is
            # annual, unless the text calls it cumulative.
            result[position] = replace(total, unit=annual)
    return result


_CUMULATIVE_AFTER = 24  # characters after an amount where a cumulative word names it ("45,000 t in all")


def _cumulative_around(prose: _Prose, first: _Draft, later: _Draft) -> bool:
    """A cumulative word between two amounts or just after the later one."""
    end = min(len(prose.folded), later.evidence.end - prose.block.start + _CUMULATIVE_AFTER)
    return bool(_cumulative().search(prose.folded, first.evidence.end - prose.block.start, end))


def _cumulative_between(prose: _Prose, first: _Draft, last: _Draft) -> bool:
    offset = prose.block.start
    return bool(_cumulative().search(prose.folded, first.evidence.end - offset, last.evidence.start - offset))


def _sentence_parts(prose: _Prose, drafts: list[_Draft], position: int) -> list[int]:
    """Indices of the drafts of the total's kind listed before it in its sentence, back to an earlier
    total or an item of another period."""
    total, starts = drafts[position], _sentence_starts(prose)
    sentence = bisect_right(starts, total.evidence.start - prose.block.start)
    parts = []
    for index in range(position - 1, -1, -1):
        draft = drafts[index]
        if draft.unit_class != total.unit_class or draft.kind != total.kind:
            continue
        if (
            draft.is_total
            or draft.period != total.period
            or bisect_right(starts, draft.evidence.start - prose.block.start) != sentence
        ):
            break
        parts.append(index)
    return parts


_CLAUSE_JOIN = (";", "；")  # a clause after these goes on with the sentence before it


def _sentence_starts(prose: _Prose) -> list[int]:
    """Where the block's sentences start: its segments, but for clauses after a semicolon."""
    starts: list[int] = []
    previous: _Segment | None = None
    for segment in prose.segments:
        joined = previous and prose.folded[previous.start : previous.end].rstrip().endswith(_CLAUSE_JOIN)
        if not joined or segment.head is not None:
            starts.append(segment.start)
        previous = segment
    return starts


def _carried_topics(prose: _Prose, segment: _Segment, previous: Block | None) -> tuple[str, ...]:
    """Cue topics of the block before, for the numbers of the first clause that its own cues leave
    without a kind: those of an unfinished line or a label ("Grants" / "$31.5 million"), or all of the
    block's when the clause refers back to it ("Of that, Japan received 27 tons")."""
    if previous is None or previous.page != prose.block.page:
        return ()
    if not _within(prose.quantities, segment.start, segment.end):
        return ()
    if _back_reference().match(prose.folded, segment.start):
        return tuple(cue.topic for cue in reversed(find_cues(fold(previous.text))))
    return _open_topics(previous)


@cache
def _back_reference() -> re.Pattern[str]:
    return re.compile(rf"\s*(?:{_alternation(_cues()['back_references'])})", re.I)


_CLAUSE_END = re.compile(r"[.。!?！？:：;；)）]\s*\Z")


def _open_topics(block: Block) -> tuple[str, ...]:
    """Cue topics of the last clause of a block that stops mid-sentence, nearest first.

    A reader may hand over a wrapped line as its own block ("...expected to reduce" / "12,400 tCO2e");
    its cues then still tell what the next line's number is.
    """
    folded = fold(block.text)
    if block.kind == "table_row" or _CLAUSE_END.search(folded):
        return ()
    tail = _segments(folded)[-1]
    return tuple(cue.topic for cue in reversed(_within(find_cues(folded), tail.start, tail.end)))


def _segment_drafts(prose: _Prose, segment: _Segment, carried: tuple[str, ...]) -> list[_Draft]:
    scope = _Scope(
        prose.folded,
        segment.start,
        segment.end,
        _within(prose.quantities, segment.start, segment.end),
        _within(prose.cues, segment.start, segment.end),
        carried,
    )
    item_project = _item_project(prose.block.text, prose.folded, segment)
    drafts = [_rate_draft(prose, segment, rate) for rate in _within(prose.rates, segment.start, segment.end)]
    spanned = _spanned_amounts(scope, _total_starts(prose)) if _states_amounts(scope) else {}
    for quantity, kind in zip(scope.quantities, _clause_kinds(scope), strict=True):
        if kind is None or not _has_context(quantity.context, scope.all_topics):
            continue
        # most blocks state no total: no search for the quantity's index
        is_total = bool(prose.totals) and _index_of(prose.quantities, quantity) in prose.totals
        if is_total:
            # A total closes the list: the item's project does not own it or what follows, nor does the
            # country of an item before it ("Indonesia 3 and Thailand 2, 5 in total").
            item_project = None
        draft = _prose_draft(prose, segment, scope, quantity, kind, is_total, item_project)
        if span := spanned.get(quantity.start):
            # Over N years, not a year it names; and not annual for a per-year word before its list.
            draft = replace(draft, unit=quantity.unit, period=span)
        if is_total and draft.subject and any(e.subject == draft.subject and e.kind == kind for e in drafts):
            draft = replace(draft, subject=None)
        drafts.append(draft)
    drafts += _side_share_drafts(prose, segment, drafts)
    return sorted(drafts, key=lambda draft: draft.evidence.start)


def _states_amounts(scope: _Scope) -> bool:
    """Whether a clause states an amount that a span of years may be stated for."""
    return any(quantity.unit_class in RATE_UNITS for quantity in scope.quantities)


def _total_starts(prose: _Prose) -> frozenset[int]:
    return frozenset(prose.quantities[index].start for index in prose.totals)


def _side_share_drafts(prose: _Prose, segment: _Segment, drafts: Sequence[_Draft]) -> list[_Draft]:
    """ "2,400 credits were issued; Japan received 1,200 and the partner country 1,200": the bare
    numbers a side names after an amount of credits are that side's share of it."""
    whole = next((draft for draft in drafts if draft.kind == "credits_issued"), None)
    if whole is None:
        return []
    if not _side_mentions(prose.folded, prose.countries, segment.start, segment.end):
        return []
    block = prose.block
    taken = {quantity.number.start for quantity in prose.quantities}
    shares = []
    for found in find_numbers(block.text[segment.start : segment.end]):
        number = replace(found, start=segment.start + found.start, end=segment.start + found.end)
        if (
            number.start in taken
            or block.start + number.start <= whole.evidence.start
            or not any(char.isdigit() for char in number.text)
            or re.fullmatch(r"(?:19|20)[0-9]{2}", number.text)
        ):
            continue
        bare = Quantity(
            number, number.value, whole.unit, "emission", number.start, number.end, number.precision
        )
        if side := _credit_side(prose, segment, bare):
            shares.append(
                replace(
                    whole,
                    value=number.value,
                    precision=number.precision,
                    qualifier=qualifier_around(prose.folded, number.start, (number.end,)),
                    evidence=_evidence(block, block.text[segment.start : segment.end], number, 0),
                    subject=side,
                    is_total=False,
                )
            )
    return shares


@cache
def _credit_transfers() -> tuple[re.Pattern[str], re.Pattern[str]]:
    words = _cues()["credit_transfers"]
    before = re.compile(rf"(?:{_english_aware(words['before'])})\Z", re.I)
    return before, re.compile(_english_aware(words["after"]), re.I)


# What may follow a bare number a transfer word hands over; a noun makes it a count of something else
# ("received 2 awards").
_BARE_END = re.compile(r"\s*(?:\Z|[^\sA-Za-z]|(?:of|into|to|for|and|while|but|as|in|from)(?![A-Za-z]))", re.I)
_TRANSFER_REACH = 40  # characters a transfer word before a number may span: "issued the remaining"


def _transfer_drafts(block: Block, whole: _Draft) -> list[_Draft]:
    """ "Japan issued 31 credits, of which it keeps 27, while four went to the provider" / "Indonesia
    issued the other nine": bare numbers (words too) that a transfer word hands over are parts of the
    credits just stated, in the unit of the whole."""
    before, after = _credit_transfers()
    folded = fold(block.text)
    with_units = {quantity.number.start for quantity in find_quantities(block.text)}  # read already
    parts = []
    for number in find_numbers(block.text):
        if (
            block.start + number.start <= whole.evidence.start
            or number.start in with_units
            or re.fullmatch(r"(?:19|20)[0-9]{2}", number.text)
        ):
            continue
        reach = max(0, number.start - _TRANSFER_REACH)
        handed_over = before.search(folded, reach, number.start) and _BARE_END.match(folded, number.end)
        if not (handed_over or after.match(folded, number.end)):
            continue
        segment = next(seg for seg in _segments(folded) if seg.start <= number.start < seg.end)
        parts.append(
            replace(
                whole,
                value=number.value,
                precision=number.precision,
                qualifier=qualifier_around(folded, number.start, (number.end,)),
                evidence=_evidence(block, block.text[segment.start : segment.end], number, 0),
                subject=_side_after(folded, number.end, segment.end),
                is_total=False,
            )
        )
    return parts


def _side_after(folded: str, start: int, end: int) -> str | None:
    """The side a transfer names after its number: "27 went to Japan"."""
    for side in _side_mentions(folded, country_mentions(folded), start, end):
        if _SIDE_AFTER_GAP.fullmatch(folded, start, side.start):
            return side.value
    return None


def _prose_subject(
    prose: _Prose, segment: _Segment, quantity: Quantity, kind: str, project: str | None
) -> str | None:
    if kind == "credits_issued" and (side := _credit_side(prose, segment, quantity)):
        return side
    if project:
        return project
    if kind == "partner_country_count":  # the countries listed are what is counted, not the subject
        return None
    if kind == "credits_issued" and _split_after(prose, quantity):
        return None  # the amount split between the sides belongs to neither
    return _nearest(_subject_countries(prose, segment, quantity), quantity.number.start)


# Between two countries of one list: "Kenya and Chile", "タイ、ベトナム", "ไทย และเวียดนาม".
_LIST_GAP = re.compile(r"[\s,、・/]*(?:and|or|&|及び|および|と|や|และ|หรือ)?[\s,、・/]*", re.I)


@cache
def _part_markers() -> re.Pattern[str]:
    markers = _cues()["subjects"]["part_markers"]
    return compile_guarded(_english_aware({k: v for k, v in markers.items() if k != "_about"}), re.I)


def _subject_countries(prose: _Prose, segment: _Segment, quantity: Quantity) -> list[_Mention]:
    """The countries that may be a number's subject: not one of a list of countries (the number is about
    them all), nor one named after it as an example or a part ("6 projects, including one in Kenya")."""
    mentions = _within(prose.countries, segment.start, segment.end)
    listed = {
        index
        for index, (first, second) in enumerate(zip(mentions, mentions[1:], strict=False))
        if first.value != second.value and _LIST_GAP.fullmatch(prose.folded, first.end, second.start)
        for index in (index, index + 1)
    }
    marker = _part_markers().search(prose.folded, quantity.end, segment.end)
    return [
        mention
        for index, mention in enumerate(mentions)
        if index not in listed and not (marker and mention.start >= marker.end())
    ]


def _split_after(prose: _Prose, quantity: Quantity) -> bool:
    """Whether "of which", うち... follows the quantity before the next one: "1,000 credits were issued,
    of which 600 to Japan"."""
    following = [other.start for other in prose.quantities if other.start >= quantity.end]
    return bool(split_words().search(prose.folded, quantity.end, min(following, default=len(prose.folded))))


_SIDE_AFTER_GAP = re.compile(
    r"[\s,]*(?:(?:[A-Za-z]+\s+){0,2}?(?:to|for)\s+(?:the\s+)?(?:(?:government|account)\s+of\s+(?:the\s+)?)?"
    r"|を|が|は|ให้(?:แก่|กับ)?(?:รัฐบาล)?|แก่(?:รัฐบาล)?|สำหรับ)?\s*", re.I
)
_SIDE_BEFORE_GAP = 16  # characters between a side named before a share and the share


def _side_mentions(folded: str, countries: Sequence[_Mention], start: int, end: int) -> list[_Mention]:
    names = side_names()
    sides = [
        _Mention(match.start(), match.end(), names[int((match.lastgroup or "s0")[1:])])
        for match in _credit_sides().finditer(folded, start, end)
    ]
    covered = [(side.start, side.end) for side in sides]
    countries = [
        mention
        for mention in _within(countries, start, end)
        if not any(low <= mention.start < high for low, high in covered)
    ]
    return sorted(sides + countries)


def _credit_side(prose: _Prose, segment: _Segment, quantity: Quantity) -> str | None:
    """Who a share of issued credits goes to: "500 to Japan", "日本側に500トン", "ญี่ปุ่น ๕๐๐ ตัน"."""
    others = [
        other for other in _within(prose.quantities, segment.start, segment.end) if other is not quantity
    ]
    after_end = min([other.start for other in others if other.start >= quantity.end] + [segment.end])
    before_start = max([other.end for other in others if other.end <= quantity.start] + [segment.start])
    for side in _side_mentions(prose.folded, prose.countries, quantity.end, after_end):
        if _SIDE_AFTER_GAP.fullmatch(prose.folded, quantity.end, side.start):
            return side.value
    before = _side_mentions(prose.folded, prose.countries, before_start, quantity.start)
    if before and quantity.start - before[-1].end <= _SIDE_BEFORE_GAP:
        return before[-1].value
    return None


def _prose_draft(
    prose: _Prose,
    segment: _Segment,
    scope: _Scope,
    quantity: Quantity,
    kind: str,
    is_total: bool,
    project: str | None,
) -> _Draft:
    block = prose.block
    periods = _within(prose.periods, segment.start, segment.end) or prose.periods
    return _Draft(
        kind=kind,
        value=quantity.value,
        unit=_unit(quantity, _per_year(scope, quantity)),
        unit_class=quantity.unit_class,
        qualifier=quantity.qualifier,
        precision=quantity.precision,
        evidence=_evidence(block, block.text[segment.start : segment.end], quantity.number, 0),
        language=block.language,
        subject=_prose_subject(prose, segment, quantity, kind, project),
        period=_nearest(periods, quantity.number.start),
        is_total=is_total,
        in_list=segment.head is not None,
    )


# --- table rows --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    role: str  # project, country, unit, index, period or ""
    unit: UnitSpec | None
    topics: tuple[str, ...]
    per_year: bool = False


@cache
def _columns(header: tuple[str, ...]) -> tuple[_Column, ...]:
    return tuple(_column(label) for label in header)


def _column(label: str) -> _Column:
    folded = fold(label)
    role = next((role for role, pattern in _header_roles().items() if pattern.fullmatch(folded)), "")
    topics = tuple(cue.topic for cue in find_cues(folded))
    unit = parse_unit_label(label)
    if unit and unit.topic:
        topics = (unit.topic, *topics)
    return _Column(role, unit, topics, bool(per_year_before().search(folded)))


_NUMERIC_RESIDUE = re.compile(r"[\s()\[\]*~≈+\-–—.,:;約]*")


@lru_cache(maxsize=4096)  # a row's cells are read for its labels, subject and numbers in turn
def _bare_number(cell: str) -> ParsedNumber | None:
    """The number of a cell that holds nothing else (signs aside): "3,020", "約 720"."""
    numbers = find_numbers(cell)
    if len(numbers) != 1:
        return None
    folded = fold(cell)
    residue = folded[: numbers[0].start] + folded[numbers[0].end :]
    return numbers[0] if _NUMERIC_RESIDUE.fullmatch(residue) else None


def _cell_offsets(text: str, cells: Sequence[str]) -> list[int | None]:
    """Where each cell's text starts in the row text (None when the reader rewrote it)."""
    offsets: list[int | None] = []
    cursor = 0
    for cell in cells:
        found = text.find(cell, cursor) if cell else -1
        offsets.append(found if found >= 0 else None)
        cursor = found + len(cell) if found >= 0 else cursor
    return offsets


@dataclass(frozen=True)
class _Row:
    block: Block
    cells: list[str]
    columns: tuple[_Column, ...]
    offsets: list[int | None]
    topics: tuple[str, ...]  # cue topics of the row's label cells
    unit: UnitSpec | None  # from a unit column or a cell holding only a unit
    subject: str | None
    is_total: bool
    per_year: bool
    period: str | None


def _row_labels(cells: Sequence[str], columns: Sequence[_Column]) -> list[str]:
    return [
        cell
        for cell, column in zip(cells, columns, strict=False)
        if not column.role and not _bare_number(cell)
    ]


def _read_row(block: Block) -> _Row:
    cells = list(block.cells or [])
    header = tuple(block.header or ())
    columns = _columns(header) + (_Column("", None, ()),) * max(0, len(cells) - len(header))
    labels = _row_labels(cells, columns)
    first = next((cell for cell in cells if cell.strip()), "")
    return _Row(
        block=block,
        cells=cells,
        columns=columns,
        offsets=_cell_offsets(block.text, cells),
        topics=tuple(cue.topic for label in labels for cue in find_cues(fold(label))),
        unit=_row_unit(cells, columns),
        subject=_row_subject(cells, columns),
        is_total=bool(_total_patterns()[2].fullmatch(fold(first))),
        per_year=any(per_year_before().search(fold(label)) for label in labels),
        period=_row_period(cells, columns) or _nearest(_periods(block.text), 0),
    )


_BARE_YEAR = re.compile(r"\s*(?P<year>[0-9]{4})\s*")  # "FY2023" and the like are periods already


def _row_period(cells: Sequence[str], columns: Sequence[_Column]) -> str | None:
    """The row's cell under a Year or Period header: a period it states, or a bare year (a Buddhist Era
    year, as Thai tables give them, made Gregorian)."""
    for cell, column in zip(cells, columns, strict=False):
        if column.role != "period":
            continue
        if periods := find_periods(cell):
            return periods[0].value
        if year := _BARE_YEAR.fullmatch(fold(cell)):
            value = gregorian_year(int(year["year"]))
            return str(value) if 1950 <= value <= 2100 else None
    return None


def _row_unit(cells: Sequence[str], columns: Sequence[_Column]) -> UnitSpec | None:
    for cell, column in zip(cells, columns, strict=False):
        spec = parse_unit_label(cell) if cell.strip() and not find_numbers(cell) else None
        if spec and (column.role == "unit" or len(cell.strip()) <= 24):
            return spec
    return None


def _is_subject_like(cell: str) -> bool:
    """A cell naming something: letters, and neither a number, a cue label, a unit nor a total label."""
    folded = fold(cell)
    if not re.search(r"[^\W\d_]", folded) or _bare_number(cell):
        return False
    return not (find_cues(folded) or parse_unit_label(cell) or _total_patterns()[2].fullmatch(folded))


def _row_subject(cells: Sequence[str], columns: Sequence[_Column]) -> str | None:
    """The row's project (or country) cell, else its first cell that names something."""
    for role in ("project", "country"):
        for cell, column in zip(cells, columns, strict=False):
            if column.role == role and cell.strip():
                mentions = country_mentions(fold(cell)) if role == "country" else []
                return mentions[0].value if mentions else cell.strip()
    for cell, column in zip(cells, columns, strict=False):
        if not column.role and _is_subject_like(cell):
            return cell.strip()
    return None


def _is_header_row(block: Block) -> bool:
    cells = [cell.strip() for cell in block.cells or []]
    return block.row == 0 or bool(block.header and cells == [label.strip() for label in block.header])


def _table_row_drafts(block: Block) -> list[_Draft]:
    if _is_header_row(block):
        return []
    row = _read_row(block)
    drafts: list[_Draft] = []
    for index, cell in enumerate(row.cells):
        if row.columns[index].role not in ("unit", "index", "period") and _may_hold_number().search(cell):
            drafts += _cell_drafts(row, index)
    return drafts


def _cell_drafts(row: _Row, index: int) -> list[_Draft]:
    cell, column = row.cells[index], row.columns[index]
    number = _bare_number(cell)
    if number is not None:
        spec = column.unit or row.unit
        draft = _bare_cell_draft(row, index, number, spec) if spec else None
        return [draft] if draft else []
    folded = fold(cell)
    quantities = find_quantities(cell)
    scope = _Scope(folded, 0, len(folded), quantities, find_cues(folded), column.topics + row.topics)
    drafts = []
    for quantity in quantities:
        kind = _kind(scope, quantity)
        if kind and _has_context(quantity.context, scope.all_topics):
            unit = _unit(quantity, _per_year(scope, quantity))
            drafts.append(_cell_draft(row, index, quantity.number, kind, unit, quantity))
    return drafts


def _bare_cell_draft(row: _Row, index: int, number: ParsedNumber, spec: UnitSpec) -> _Draft | None:
    """A number alone in its cell takes its unit and scale from the column header or the row's unit cell."""
    column = row.columns[index]
    topics = column.topics + row.topics
    if not _has_context(spec.context, topics):
        return None
    kind = next((kind for topic in topics if (kind := _kind_for(topic, spec.unit_class))), None)
    kind = _as_fact_kind(kind or _fallback_kind(spec.unit_class))
    if kind is None:
        return None
    value, precision = scaled(number, spec.factor)
    per_year = spec.unit_class in RATE_UNITS and (spec.per_year or column.per_year or row.per_year)
    quantity = Quantity(
        number=number,
        value=value,
        unit=RATE_UNITS[spec.unit_class] if per_year else spec.unit,
        unit_class=spec.unit_class,
        start=number.start,
        end=number.end,
        precision=precision,
        qualifier=qualifier_around(fold(row.cells[index]), number.start, (number.end,)),
    )
    return _cell_draft(row, index, number, kind, quantity.unit, quantity)


def _cell_draft(
    row: _Row, index: int, number: ParsedNumber, kind: str, unit: str, quantity: Quantity
) -> _Draft:
    block = row.block
    offset = row.offsets[index]
    if offset is None:  # the reader rewrote the cell: point at the number's first occurrence in the row
        found = block.text.find(number.text)
        offset = found - number.start if found >= 0 else -number.start
    return _Draft(
        kind=kind,
        value=quantity.value,
        unit=unit,
        unit_class=quantity.unit_class,
        qualifier=quantity.qualifier,
        precision=quantity.precision,
        evidence=_evidence(block, block.text, number, offset),
        language=block.language,
        subject=row.subject,
        period=row.period,
        is_total=row.is_total and quantity.unit_class != "count",
        in_list=True,
    )


# --- tables a page flattened into lines -------------------------------------------------------

_FLAT_HEADER_MAX = 60  # characters of a header cell left on a line of its own
_FLAT_HEADER_LINES = 5  # header lines up to the unit's whose cues tell what the column holds
_FLAT_REACH = 40  # blocks a flattened table's rows may run below its header
_BARE_LINE = re.compile(r"[ \t]*[0-9][0-9,.]*(?:[ \t]+[0-9][0-9,.]*)*[ \t]*")
_BRACKETED = re.compile(r"[(（\[［][^)）\]］]*[)）\]］]")
_SENTENCE_MARK = re.compile(r"[。！？!?]|\.(?:\s|\Z)")


@dataclass(frozen=True)
class _FlatHeader:
    """A column header that a web page's table left as short lines, its unit in brackets on one of them:
    "Notified amount" / "of credits" / "to be issued (tCO2eq)", "クレジット量" / "(tCO2)"."""

    label: str
    spec: UnitSpec
    kind: str
    block: int


def _is_header_line(block: Block) -> bool:
    text = block.text.strip()
    unbracketed = _BRACKETED.sub("", text)
    short = 0 < len(text) <= _FLAT_HEADER_MAX
    return short and not _DIGIT.search(unbracketed) and not _SENTENCE_MARK.search(text)


def _flat_header(block: Block, lines_above: Sequence[Block]) -> _FlatHeader | None:
    if not _is_header_line(block) or (spec := _bracketed_unit(block.text)) is None:
        return None
    header = [*lines_above, block]
    topics = [cue.topic for line in reversed(header) for cue in reversed(find_cues(fold(line.text)))]
    kind = next((kind for topic in topics if (kind := _kind_for(topic, spec.unit_class))), None)
    if kind is None or _as_fact_kind(kind) is None:
        return None
    label = " ".join(line.text.strip() for line in header)
    return _FlatHeader(label, spec, kind, block.index)


def _bracketed_unit(text: str) -> UnitSpec | None:
    """A unit a header line states in brackets: "(tCO2eq)"; a word of a title is none ("二国間クレジット")."""
    return next((spec for part in _BRACKETED.findall(text) if (spec := parse_unit_label(part))), None)


def _flat_row_drafts(block: Block, header: _FlatHeader) -> list[_Draft]:
    """Lines holding bare numbers only, below a flattened header: its column's values ("144 73")."""
    drafts = []
    offset = 0
    for line in block.text.splitlines(keepends=True):
        if _BARE_LINE.fullmatch(line.rstrip("\r\n")):
            for number in find_numbers(line):
                if re.fullmatch(r"(?:19|20)[0-9]{2}", number.text):
                    continue
                value, precision = scaled(number, header.spec.factor)
                per_year = header.spec.per_year and header.spec.unit_class in RATE_UNITS
                drafts.append(
                    _Draft(
                        kind=header.kind,
                        value=value,
                        unit=RATE_UNITS[header.spec.unit_class] if per_year else header.spec.unit,
                        unit_class=header.spec.unit_class,
                        qualifier="exact",
                        precision=precision,
                        evidence=_evidence(block, f"{header.label}: {line.strip()}", number, offset),
                        language=block.language,
                        in_list=True,
                    )
                )
        offset += len(line)
    return drafts


def _header_lines_above(blocks: Sequence[Block], position: int) -> list[Block]:
    above = []
    for block in reversed(blocks[max(0, position - _FLAT_HEADER_LINES) : position]):
        if not _is_header_line(block) or _bracketed_unit(block.text) is not None:
            break
        above.insert(0, block)
    return above


# --- document level ----------------------------------------------------------------------------


def _annualise_list_parts(drafts: list[_Draft]) -> list[_Draft]:
    """Items of a list or table whose total is stated per year are per-year amounts too."""
    result = list(drafts)
    for position, total in enumerate(drafts):
        if not (total.is_total and total.unit == "tCO2e/yr"):
            continue
        for earlier in range(position - 1, -1, -1):
            part = result[earlier]
            if part.unit_class != "emission":
                continue
            if part.is_total or part.kind != total.kind or not part.in_list:
                break
            if total.evidence.block - part.evidence.block > _BLOCK_GAP:
                break
            result[earlier] = replace(part, unit="tCO2e/yr")
    return result


def fact_id(document_id: str, kind: str, unit: str, value: float, start: int) -> str:
    """A stable id from the document, kind, unit, value and the evidence's start."""
    key = f"{document_id}\x1f{kind}\x1f{unit}\x1f{value:.12g}\x1f{start}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _fact(draft: _Draft, document: DocumentRef) -> Fact:
    return Fact(
        id=fact_id(document.id, draft.kind, draft.unit, draft.value, draft.evidence.start),
        document=document,
        kind=draft.kind,
        value=draft.value,
        unit=draft.unit,
        qualifier=draft.qualifier,
        subject=draft.subject,
        period=draft.period,
        language=draft.language,
        is_total=draft.is_total,
        precision=draft.precision,
        evidence=draft.evidence,
    )


@cache
def _project_heading() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """What a heading naming a project has, and the words of headings that name none."""
    subjects = _cues()["subjects"]
    names = {
        language: words for language, words in subjects["project_headings"].items() if language != "_about"
    }
    generic = subjects["generic_headings"]
    english = _alternation([word for word in generic if word.isascii()])
    others = _alternation([word for word in generic if not word.isascii()])
    return re.compile(_english_aware(names), re.I), re.compile(rf"\b(?:{english})\b|{others}", re.I)


_HEADING_NUMBER = re.compile(r"\s*(?:[0-9]{1,2}(?:\.[0-9]{1,2})*[.)]?\s+|[0-9]{1,2}[.)]\s*)?")


@cache
def _project_label_cell() -> re.Pattern[str]:
    labels = _alternation(_cues()["subjects"]["project_labels"])
    return re.compile(rf"\s*(?:{_ITEM_NUMBER})?(?:{labels})\s*[:：]?\s*", re.I)


def _labelled_row_project(block: Block) -> str | None:
    """A two-cell row "Project | <name>" of a form-like sheet names the document's project."""
    cells = [cell.strip() for cell in block.cells or [] if cell.strip()]
    if block.row == 0 or len(cells) != 2 or not _project_label_cell().fullmatch(fold(cells[0])):
        return None
    name = cells[1]
    return name if _is_subject_like(name) and not find_numbers(name) else None


_LABEL_SIGN = re.compile(r"[:：.]")


def _heading_project(block: Block) -> str | None:
    """The project a heading or a "Project name: ..." line names, for the facts under it.

    "" for a heading that names no project: it ends the section of the heading before.
    """
    if block.kind == "table_row":
        return _labelled_row_project(block)
    if len(block.text) > 200 or "\n" in block.text.strip():
        return None
    # The label is read folded (a full-width ． is a "."), so its sign is looked for in the folded text.
    folded = fold(block.text)
    if block.kind != "heading" and not _LABEL_SIGN.search(folded, 0, 60):
        return None  # no "Project name:" label: the common case, kept cheap
    if label := _project_label().fullmatch(folded):
        start, end = label.span("name")
        return block.text[start:end] if _names_a_project(block.text, start) else None
    if block.kind != "heading":
        return None
    names, generic = _project_heading()
    start = _heading_number_end(block.text, folded)
    if names.search(folded[start:]) and not generic.search(folded) and _names_a_project(block.text, start):
        return block.text[start:].strip()
    return ""


def _heading_number_end(text: str, folded: str) -> int:
    """Where a heading's own number ends: after "2.1 " of "2.1 Project outline", nowhere in "10 MW Solar
    Power Project", whose number is the plant's power."""
    end = _HEADING_NUMBER.match(folded).end()  # type: ignore[union-attr]
    return 0 if end and any(q.start < end for q in find_quantities(text)) else end


# Cues a project's name may hold: "Project" (of project counts) and what the plant does ("Solar Power
# Generation", 太陽光発電); another cue states a fact.
_NAME_TOPICS = frozenset({"projects", "energy"})


def _names_a_project(text: str, start: int) -> bool:
    """The text from `start`, after a project label or a heading's number, is a name, not facts ("Project
    1: 1,200 tCO2e a year"); a name may hold the plant's power ("Introduction of 2.5 MW Solar Power
    System"). The whole text's quantities are asked for: the same look-up reads it as prose next."""
    quantities = [q for q in find_quantities(text) if q.start >= start]
    if not all(q.unit_class == "power" for q in quantities):
        return False
    return not (quantities and any(cue.topic not in _NAME_TOPICS for cue in find_cues(fold(text)[start:])))


def _with_heading_subjects(drafts: list[_Draft], headings: dict[int, str]) -> list[_Draft]:
    """Facts without a subject of their own belong to the project the nearest heading above names; those
    a project's name states (its power) belong to it, whatever country the name mentions."""
    if not any(headings.values()):
        return drafts
    starts = sorted(headings)
    result = []
    for draft in drafts:
        above = bisect_right(starts, draft.evidence.block)  # headings at or before the fact's block
        named_here = headings.get(draft.evidence.block)
        subject = named_here or draft.subject or (headings[starts[above - 1]] if above else None) or None
        result.append(replace(draft, subject=subject) if subject != draft.subject else draft)
    return result


def _document_period(blocks: Sequence[Block]) -> str | None:
    """The period a monitoring report covers, from its "Monitoring period:" line or its title."""
    labels, titles = _period_labels()
    title_blocks = _cues()["document_period"]["title_blocks"]
    is_report = any(titles.search(fold(block.text)) for block in blocks[:title_blocks])
    for position, block in enumerate(blocks):
        folded = fold(block.text)
        if labels.search(folded) or (is_report and position < title_blocks):
            periods = [period.value for period in find_periods(block.text)]
            ranges = [value for value in periods if "/" in value]
            days = [value for value in periods if len(value) == len("2023-04-01")]
            if ranges or len(days) >= 2:  # a form may put start and end in cells of their own
                return ranges[0] if ranges else f"{days[0]}/{days[1]}"
    return None


def _with_document_period(drafts: list[_Draft], period: str | None) -> list[_Draft]:
    if period is None:
        return drafts
    return [draft if draft.period else replace(draft, period=period) for draft in drafts]


def _with_dollars_resolved(drafts: list[_Draft], blocks: Sequence[Block]) -> list[_Draft]:
    """A bare "$" is the dollar the document names when it names only one, else the US dollar."""
    if not any(draft.unit == "$" for draft in drafts):
        return drafts
    named = {
        code
        for code, pattern in _dollar_names().items()
        if any(pattern.search(fold(block.text)) for block in blocks)
    }
    dollar = named.pop() if len(named) == 1 else "USD"
    return [replace(draft, unit=dollar) if draft.unit == "$" else draft for draft in drafts]


def _label_above(previous: Block | None, before: Block | None) -> Block | None:
    """The block whose topics a value may take: the one before it, or the label above a note without
    numbers between them ("Fund Size" / "net of cancellations, revalued at reporting date." / "$97.1
    million")."""
    if previous is None or before is None or _DIGIT.search(previous.text) or _open_topics(previous):
        return previous
    return before if _open_topics(before) else previous


def _still_open(header: _FlatHeader | None, block: Block) -> _FlatHeader | None:
    """A flattened table goes on until a sentence or its reach ends it."""
    if header is None or block.index - header.block > _FLAT_REACH:
        return None
    return None if _SENTENCE_MARK.search(block.text) and len(block.text) > _FLAT_HEADER_MAX else header


def _credits_stated(drafts: Sequence[_Draft], block_before: Block | None = None) -> _Draft | None:
    """The last amount of credits issued among the drafts, when it is in the block before (if given)."""
    whole = next((draft for draft in reversed(drafts) if draft.kind == "credits_issued"), None)
    if whole is None or (block_before is not None and whole.evidence.block != block_before.index):
        return None
    return whole


def extract_facts(blocks: Sequence[Block], document: DocumentRef) -> list[Fact]:
    """The facts the blocks state, in document order. Pure and deterministic."""
    drafts: list[_Draft] = []
    headings: dict[int, str] = {}
    previous: Block | None = None
    before: Block | None = None
    flat: _FlatHeader | None = None
    for position, block in enumerate(blocks):
        heading = _heading_project(block)
        if heading is not None:
            headings[block.index] = heading
        flat = _flat_header(block, _header_lines_above(blocks, position)) or _still_open(flat, block)
        if _may_hold_number().search(block.text):  # a project's name may state its power
            if block.kind == "table_row" and block.cells:
                drafts += _table_row_drafts(block)
            else:
                found = _prose_drafts(block, _label_above(previous, before))
                credits = _credits_stated(found) or _credits_stated(drafts, block_before=previous)
                if credits is not None:
                    found += _transfer_drafts(block, credits)
                if flat is not None:
                    found += _flat_row_drafts(block, flat)
                drafts += found
        previous, before = block, previous
    drafts = _with_heading_subjects(_annualise_list_parts(drafts), headings)
    drafts = _with_dollars_resolved(_with_document_period(drafts, _document_period(blocks)), blocks)
    return [_fact(draft, document) for draft in drafts]
