"""Reading one clause (a list item or sentence, or a table cell): where clauses start, which cue names
each quantity's kind, per-year and total words, and amounts stated over an N-year span."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

from extractors.facts.lexicon import (
    _KIND_NAMING_TOPICS,
    Cue,
    _alternation,
    _as_fact_kind,
    _base_of_relation,
    _cues,
    _english_aware,
    _fallback_kind,
    _kind_for,
    _total_patterns,
)
from extractors.numbers import compile_guarded
from extractors.quantities import (
    _LOOKBEHIND,
    RATE_UNITS,
    Quantity,
    list_gap,
    per_year_before,
    split_words,
    stated_yearly,
)

_WINDOW = 80  # characters a per-year or total word may stand before its number


@dataclass(slots=True)  # not frozen: a frozen one costs several times as much to build
class _Segment:
    """A list item or sentence of a block; `head` is where an item's text starts after its marker."""

    start: int
    end: int
    head: int | None = None


_ITEM_MARKER = re.compile(
    r"(?=[\d(①-⑳ \t•●▪■◆・\-–])"  # what a marker starts with: skips most positions in one test
    # numbered items may run on in a line, and start after a Japanese full stop: "採択した。1)…"
    r"(?:(?:(?<=[\s。])|^)(?:\(?\d{1,2}\)|\d{1,2}\.(?=\s)|[①-⑳])\s*"
    r"|(?:(?<=\n)|^)[ \t]*(?:[•●▪■◆\-–][ \t]+|[・•][ \t]*))"  # bullets start a line; ・ needs no space
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
    equals: int = field(init=False)  # where the clause's first "=" stands, -1 when it has none
    left_sides: list[Cue] | None = field(init=False)  # cues before an "=", found when first asked for
    coordinators: list[int] = field(init=False)  # where an "and" may stand: most clauses have none
    # nearest_cue() of each quantity: a kind is chosen with it, then a money draft weighs its cue
    nearest: dict[tuple[int, int, str, bool], tuple[int, str] | None] = field(init=False)

    def __post_init__(self) -> None:
        self.all_topics = frozenset([cue.topic for cue in self.cues] + list(self.topics))
        self.splits = [m.span() for m in split_words().finditer(self.folded, self.start, self.end)]
        self.equals = self.folded.find("=", self.start, self.end)
        self.coordinators = [match.start() for match in _AND.finditer(self.folded, self.start, self.end)]
        self.left_sides = None
        self.nearest = {}


_CROSSING = 1000  # what a cue's distance gains for each other quantity between it and its number


def _cue_distance(scope: _Scope, cue: Cue, quantity: Quantity) -> int | None:
    """How far a cue stands from a quantity; cues after it and cues past other quantities count as farther.

    None for a cue after the quantity that names its base: "40% of the project cost", "จากมูลค่าโครงการ".
    """
    if cue.end <= quantity.start:
        if scope.coordinators and _names_the_one_before(scope, cue, quantity):
            return None
        gap, low, high = quantity.start - cue.end, cue.end, quantity.start
    elif cue.start >= quantity.end:
        if _source_link().fullmatch(scope.folded, quantity.end, cue.start):
            return 0  # "$6 million from the Japan Fund for the JCM", "50%の補助金": what is named after it
        if _MODIFIERS.fullmatch(scope.folded, quantity.end, cue.start) and _HEAD_NOUN.fullmatch(
            scope.folded, cue.start, cue.end
        ):
            return 0  # "a $15 million concessional loan", "a $10 million JCM grant": what the amount is
        if cue.topic == _STORAGE and _ADJOINING.fullmatch(scope.folded, quantity.end, cue.start):
            return 0  # "太陽光発電・80MWh蓄電池", "5.6MWh of battery storage": what the battery holds
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
    return gap + _CROSSING * len(crossed)


_COORDINATOR = re.compile(r"(?<![a-z])and(?![a-z])", re.I)
_AND = re.compile(r"(?<![a-z])and", re.I)  # where a coordinator may stand, whatever follows
_PASSIVE_GAP = re.compile(r"\s+(?:will\s+be|is|are|was|were|ha(?:s|ve)\s+been)\s+", re.I)


def _names_the_one_before(scope: _Scope, cue: Cue, quantity: Quantity) -> bool:
    """ "201kW will be consumed in house and 1.615MW will be sold": the verb after one quantity, with an
    "and" between it and the next, says what the first one is, not the next."""
    between = [at for at in scope.coordinators if cue.end <= at]
    if not any(_COORDINATOR.match(scope.folded, at, quantity.start) for at in between):
        return False
    return any(_PASSIVE_GAP.fullmatch(scope.folded, other.end, cue.start) for other in scope.quantities
               if other.end <= cue.start)


# Words between an amount and a noun after it that qualify no noun: the amount is not of that noun.
_NO_MODIFIER = (
    r"(?!(?:and|or|of|for|to|from|with|by|in|on|at|as|the|an?|its|their|which|that|is|are|was|were|will|per)"
    r"(?![a-z]))"
)
# One or two words that qualify the noun after an amount, and the nouns an amount is of.
_MODIFIERS = re.compile(rf"\s+(?:{_NO_MODIFIER}[a-z][a-z-]*\s+){{1,2}}", re.I)
_HEAD_NOUN = re.compile(r"loans?|grants?|subsid(?:y|ies)", re.I)
_STORAGE = "storage"
_ADJOINING = re.compile(r"\s*(?:の|of\s+)?", re.I)


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


# "the rest or Rp510.4 billion", 残りの3億円: the part of a whole left after the parts named before it
_REMAINDER = re.compile(
    r"(?:(?<![a-z])(?:the\s+)?(?:rest|remainder|balance)(?:\s*,)?\s*(?:or|of|at|:)?|残(?:り|額)(?:の|は)?"
    r"|ส่วนที่เหลือ)\s*(?:[A-Z]{3}|Rp|\$|US\$|¥)?\s*\Z",
    re.I,
)


def _is_remainder(scope: _Scope, quantity: Quantity) -> bool:
    low = max(scope.start, quantity.start - _LOOKBEHIND)
    return bool(_REMAINDER.search(scope.folded, low, quantity.start))


# "Rp127.6 billion of the cost": an amount that is a part of the whole named after it
_PART_OF_THE = re.compile(r"\s*of\s+(?:the|its|their)\s+(?:total\s+)?", re.I)


def _names_base(scope: _Scope, cue: Cue, quantity: Quantity) -> bool:
    """ "40% of the project cost" names the base of a share, and "Rp127.6 billion of the cost" the whole
    an amount is part of; but an amount's bare "of" and の name what it is: "1,200 tCO2 of emission
    reductions", "$5 million of funding", "3億円の補助金", "500トンのクレジット"."""
    if quantity.unit_class == "money":
        return bool(_PART_OF_THE.fullmatch(scope.folded, quantity.end, cue.start))
    return quantity.unit_class == "percent" and bool(
        _base_of_relation().fullmatch(scope.folded, quantity.end, cue.start)
    )


# "3,018 ล้านบาท และการลงทุนร่วม ... 9,806 ล้านบาท": a cue after "and" opens the next item.
_AND_BEFORE = re.compile(r"[\s,、]*(?:and|as\s+well\s+as|และ|รวมถึง|及び|および|並びに|ならびに)\s*", re.I)


def _labels_next(scope: _Scope, cue: Cue, quantity: Quantity) -> bool:
    """A cue after the quantity that stands closer to the next quantity, or opens the next item after
    "and", names that one instead."""
    following = [  # only a quantity the cue can name: "a ¥2 billion grant to a 100 MW plant" keeps the grant
        other.start for other in scope.quantities
        if other.start >= cue.end and _kind_for(cue.topic, other.unit_class)
    ]
    if not following:
        return False
    return min(following) - cue.end <= cue.start - quantity.end or bool(
        _AND_BEFORE.fullmatch(scope.folded, quantity.end, cue.start)
    )


_PLANT_KINDS = frozenset({"capacity", "energy"})
_THRESHOLD = "threshold"  # the cue topic of eligibility criteria and thresholds


# Words that name only a number near them, as far as _cue_distance counts: one for what stands there
# already names the number next to it, never one past another number nor a clause away ("replaces the
# existing 2 MW generators with a 3 MW plant", but not "Dole's existing operation ... to produce 5.7
# megawatts"); a storage word what a battery holds ("5.6MWh of battery storage"), not the yearly
# generation a clause away; a demand what is used ("need an electricity supply of around 130 megawatts",
# 電力需要は約50MW), not the plant that meets it.
_REACH = {"existing_plant": 12, "storage": 20, "demand": 40}
# The cue topic of amounts a day, which are no facts; a yearly amount beside one still is one.
_PER_DAY = "per_day"


def nearest_cue(scope: _Scope, quantity: Quantity) -> tuple[int, str] | None:
    """How far the cue that names the quantity stands from it, and the kind it gives."""
    key = (quantity.start, quantity.end, quantity.unit, quantity.per_year)
    if key not in scope.nearest:
        scope.nearest[key] = _nearest_cue(scope, quantity)
    return scope.nearest[key]


def _nearest_cue(scope: _Scope, quantity: Quantity) -> tuple[int, str] | None:
    counts = _other_counts(scope, quantity)
    scored = [
        (distance, cue.start, kind)
        for cue in scope.cues
        if (kind := _kind_for(cue.topic, quantity.unit_class))
        and not (counts and any(start <= cue.start < end for start, end in counts))  # mostly no counts
        and (distance := _cue_distance(scope, cue, quantity)) is not None
        and distance <= _REACH.get(cue.topic, distance)
        and not (cue.topic == _PER_DAY and quantity.per_year)  # "38,760 kW a day, 12,700 MWh a year"
    ]
    if scope.splits:
        # "a cost of JPY 500 million, of which JPY 200 million is covered by the subsidy": the part is
        # what the words after it name, when they name anything, not the whole before "of which".
        own = [entry for entry in scored if not _names_the_whole(scope, entry[1], quantity)]
        scored = own or scored
    if not scored:
        return None
    distance, _, kind = min(scored)
    return distance, kind


def _names_the_whole(scope: _Scope, cue_start: int, quantity: Quantity) -> bool:
    return any(cue_start < start and end <= quantity.start for start, end in scope.splits)


_NEAR = 12  # characters after a count searched for a word that makes its countries no partners
_MEMBERS = re.compile(
    r"加盟|(?<![a-z])member(?:s|ship)?(?![a-z])|ประเทศสมาชิก|(?:and|&)\s+regions|[・/／]\s*地域", re.I
)


def _counts_members(scope: _Scope, quantity: Quantity) -> bool:
    return bool(_MEMBERS.search(scope.folded, quantity.start, quantity.end + _NEAR))


_EQUALS_AFTER = re.compile(r"\s*(?:[(（][^()（）]{0,20}[)）])?\s*=")


def _is_operand(folded: str, position: int) -> bool:
    """A cue right after an operator is a term of the right-hand side ("= RE - PE"), no left-hand side."""
    index = position - 1
    while index >= 0 and folded[index].isspace():
        index -= 1
    return index >= 0 and folded[index] in "=+-−×*/("


def _equation_kind(scope: _Scope, quantity: Quantity) -> str | None:
    """ "ER = RE - PE = 3,120 tCO2": the result of an equation is what its left-hand side names, the last
    one before it when a line holds several ("RE = ... = 15,034 PE = ... = 288 ER = RE-PE = 14,746")."""
    if scope.equals < 0 or scope.equals >= quantity.start:
        return None
    if scope.left_sides is None:
        scope.left_sides = [
            cue for cue in scope.cues
            if _EQUALS_AFTER.match(scope.folded, cue.end) and not _is_operand(scope.folded, cue.start)
        ]
    sides = [cue for cue in scope.left_sides
             if cue.end <= quantity.start and _kind_for(cue.topic, quantity.unit_class)]
    if sides:
        return _kind_for(sides[-1].topic, quantity.unit_class)
    left = _within(scope.cues, scope.start, scope.equals)
    return next((kind for cue in left if (kind := _kind_for(cue.topic, quantity.unit_class))), None)


def _kind(scope: _Scope, quantity: Quantity) -> str | None:
    """Its count noun's or unit's kind, else its equation's or nearest compatible cue's, else the scope's
    topics', else the unit's default; then what a goal makes of it."""
    if quantity.topic:
        kind = _as_fact_kind(_kind_for(quantity.topic, quantity.unit_class))
    else:
        from_topics = (kind for topic in scope.topics if (kind := _kind_for(topic, quantity.unit_class)))
        kind = _as_fact_kind(
            _equation_kind(scope, quantity)
            or _cue_or_sized_kind(scope, quantity)
            or next(from_topics, None)
            or _fallback_kind(quantity.unit_class)
        )
    if kind == "credits_issued" and _is_target(scope, quantity):
        return "emission_reduction"  # a goal of credits is reductions to reach, no credits issued
    if kind in _PLANT_KINDS and quantity.qualifier != "exact" and _THRESHOLD in scope.all_topics:
        return None  # "出力500kW以上であること" among eligibility criteria: a bound set, no plant's size
    if quantity.unit_class == "money" and _is_condition(scope, quantity):
        return None  # "when the subsidized expenses are 100 million yen or less": a case, not an amount
    if quantity.unit_class == "money" and _is_remainder(scope, quantity):
        return None  # "Semen Indonesia putting up the rest or Rp510.4 billion": a part, no project's amount
    if kind == "project_cost" and stated_yearly(scope.folded, quantity):
        return None  # "at the cost of Rp1 trillion per year": a running cost, a bill, no project's cost
    if kind == "partner_country_count" and _counts_members(scope, quantity):
        return None  # "67か国/地域が加盟", "68 member countries", "200 countries and regions": no partners
    # A counter of cases (件) near a word for countries counts projects per country, never countries:
    # "対象国の内訳は、モンゴル:3件".
    return "project_count" if kind == "partner_country_count" and not quantity.topic else kind


# "MetPower's Php1 billion waste-to-energy project", "a $30 million solar plant": an amount right before
# the project or plant it sizes, when no word names its role, is what that project costs.
_SIZED_NOUN = re.compile(
    rf"\s+(?:(?:{_NO_MODIFIER}[\w-]+|\((?-i:[A-Z]{{2,6}})\))\s+){{0,3}}?(?:project|plant|facility|factory|station)s?(?![a-z])",
    re.I
)


def _cue_or_sized_kind(scope: _Scope, quantity: Quantity) -> str | None:
    """The nearest cue's kind; an amount right before the project or plant it sizes is that project's cost
    unless a cue stands next to it ("a grant to fund a $151m waste-to-energy (WTE) facility")."""
    nearest = nearest_cue(scope, quantity)
    sized = _sized_noun_kind(scope, quantity)
    if sized and (nearest is None or nearest[0] > _NEXT_TO):
        return sized
    return nearest[1] if nearest else None


_NEXT_TO = 12  # characters between a cue and the amount it names outright


def _sized_noun_kind(scope: _Scope, quantity: Quantity) -> str | None:
    sized = quantity.unit_class == "money" and _SIZED_NOUN.match(scope.folded, quantity.end)
    return "project_cost" if sized and sized.end() <= scope.end else None


@cache
def _condition_words() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    conditions = _cues()["conditions"]
    bound = re.compile(rf"\s*(?:{_alternation(conditions['bound_after'])})", re.I)
    before = re.compile(_alternation(conditions["before"]), re.I)
    return bound, before, re.compile(_alternation(conditions["after"]))


def _is_condition(scope: _Scope, quantity: Quantity) -> bool:
    """A bound written after the amount, in a clause opened by a condition word or followed by one: the
    amount selects a case ("1億円以下は1/3", "when ... are 100 million yen or less")."""
    bound, before, after = _condition_words()
    written = bound.match(scope.folded, quantity.end) or bound.match(scope.folded, quantity.number.end)
    if not written:
        return False
    opened = before.search(scope.folded, scope.start, quantity.start)
    return bool(opened or after.match(scope.folded, written.end()))


@cache
def _target_words() -> tuple[re.Pattern[str], re.Pattern[str]]:
    targets = _cues()["targets"]
    return compile_guarded(_english_aware(targets), re.I), re.compile(_english_aware(targets["issued"]), re.I)


_RANGE_GAP = re.compile(r"\s*(?:-|–|~|～|〜|to|から|ถึง)\s*", re.I)  # "50-100 million": one amount's bounds


def _is_target(scope: _Scope, quantity: Quantity) -> bool:
    """ "targeting 100 Mt CO2e of JCM credits by 2030", "the 100 million tCO2e target", "1億トンのクレジット
    獲得を目標": a target word with no other number between it and the amount (the other bound of its range
    aside), after it only with no word of issuance in its clause."""
    targets, issued = _target_words()
    others = [other for other in scope.quantities if not _one_range(scope.folded, other, quantity)]
    before = max([other.end for other in others if other.end <= quantity.start] + [scope.start])
    if targets.search(scope.folded, before, quantity.start):
        return True
    after = min([other.start for other in others if other.start >= quantity.end] + [scope.end])
    target = targets.search(scope.folded, quantity.end, after)
    return bool(target) and not issued.search(scope.folded, before, target.start())


def _one_range(folded: str, first: Quantity, second: Quantity) -> bool:
    """Whether the two are one amount's bounds ("50-100 million"), or the same quantity."""
    low, high = sorted((first, second), key=lambda quantity: quantity.start)
    return first is second or bool(_RANGE_GAP.fullmatch(folded, low.number.end, high.start))


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
    return _with_equivalents(scope, kinds)


# "6.9 billion JPY (approx. USD 69 million)", "USD 20 million (約20億円)": the same amount in another currency
_EQUIVALENT_OPENS = re.compile(
    r"\s*[(（]\s*(?:approx(?:imately|\.)?|about|around|equivalent\s+to|約|ประมาณ)?\s*", re.I
)


# "20 percent or Rp127.6 billion of the cost", "50%（1億円）": a share and the amount it comes to
_SHARE_THEN_AMOUNT = re.compile(r"\s*(?:,\s*)?(?:or|i\.e\.|that\s+is)\s+|\s*[(（]\s*", re.I)
_AMOUNT_OF_SHARE = {"subsidy_share": "subsidy_amount"}


def _with_equivalents(scope: _Scope, kinds: list[str | None]) -> list[str | None]:
    """An amount in brackets right after an amount of money in another currency is that amount again,
    of its kind, whatever cue stands nearer the brackets; an amount after a share it restates is what
    that share is of: a subsidy's share and its amount."""
    quantities = scope.quantities
    for index in range(1, len(quantities)):
        first, second = quantities[index - 1], quantities[index]
        if (
            first.unit_class == second.unit_class == "money"
            and first.unit != second.unit
            and _EQUIVALENT_OPENS.fullmatch(scope.folded, first.end, second.start)
        ):
            kinds[index] = kinds[index - 1]
        elif (
            first.unit_class == "percent"
            and second.unit_class == "money"
            and kinds[index - 1] in _AMOUNT_OF_SHARE
            and _SHARE_THEN_AMOUNT.fullmatch(scope.folded, first.end, second.start)
        ):
            kinds[index] = _AMOUNT_OF_SHARE[kinds[index - 1]]
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
    # the lower bound of its own range is no other amount: "年間1,000～2,000トン" is per year at both ends;
    # nor is a quantity of another kind the word may govern too ("Every year, the plant will use 18,216t of
    # rice hulls and sell 12,790,800kWh")
    between = [
        other for other in marked
        if other.unit_class == quantity.unit_class and not _one_range(scope.folded, other, quantity)
    ]
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
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")  # a number written as a year: no share, part or cell value


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
