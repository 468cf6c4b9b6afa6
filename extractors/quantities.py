"""Quantities: numbers with unit, scale, per-year marker and qualifier, found by extractors.pipeline in spaCy.

Units, count nouns, qualifiers and per-year markers come from the lexicons in extractors/data.
All scanning is regex over the folded text (see numbers.fold), which keeps offsets of the input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache, lru_cache

from extractors.numbers import (
    LabelledAlternation,
    ParsedNumber,
    compile_guarded,
    find_numbers,
    fold,
    gregorian_year,
    last_chars,
    read_json,
    read_tsv,
)

Qualifier = str  # exact | approx | at_most | at_least


@dataclass(frozen=True)
class UnitRule:
    unit_class: str  # emission, money, percent, power, duration, count
    unit: str  # canonical unit
    factor: Decimal
    context: str  # "emission" when the unit counts only in a clause about emissions (bare "tons")
    topic: str | None = None  # what a count noun counts: projects, countries


@dataclass(frozen=True)
class Quantity:
    number: ParsedNumber
    value: float
    unit: str
    unit_class: str
    start: int  # the whole quantity, unit and qualifier-free prefix included
    end: int
    precision: float
    qualifier: Qualifier = "exact"
    per_year: bool = False
    context: str = ""
    topic: str | None = None
    factor: Decimal = Decimal(1)  # the unit's own scale: ktCO2 -> 1000


@dataclass(frozen=True)
class UnitSpec:
    """The unit a label (a table header, a unit cell) gives to the bare numbers it governs."""

    unit_class: str
    unit: str
    factor: Decimal
    per_year: bool = False
    context: str = ""
    topic: str | None = None  # what a count label counts: "Number of projects" -> projects

    @property
    def rule(self) -> UnitRule:
        return UnitRule(self.unit_class, self.unit, self.factor, self.context, self.topic)


# --- lexicon -> compiled patterns --------------------------------------------------------------


def _rules(position: str) -> list[tuple[UnitRule, str]]:
    return [
        (
            UnitRule(row["class"], row["unit"], Decimal(row["factor"]), row["context"], row["topic"] or None),
            row["pattern"],
        )
        for row in read_tsv("units.tsv")
        if row["position"] == position
    ]


def _named_alternation(patterns: Iterable[str]) -> str:
    return "|".join(f"(?P<r{index}>{pattern})" for index, pattern in enumerate(patterns))


@cache
def _after_units() -> tuple[LabelledAlternation, list[UnitRule]]:
    """The units written after a number, labelled by their index in the rules."""
    rules = _rules("after")
    labelled = [(str(index), pattern) for index, (_, pattern) in enumerate(rules)]
    alternation = LabelledAlternation(labelled, re.I)
    return alternation, [rule for rule, _ in rules]


# Where a unit after a number may start: past up to three spaces, inside the brackets JCM monitoring
# spreadsheets put units in ("1,225 [tCO2]"), or past the hyphen of a compound adjective ("a 5-megawatt
# plant", "a 10-year period"). No unit starts with a space or a bracket, so these are the only starts.
_UNIT_BRACKET = re.compile(r"\s{0,3}\[\s?")
_UNIT_SPACES = re.compile(r"\s{0,3}")
_UNIT_HYPHEN = re.compile(r"-(?=[A-Za-z])")


def _unit_after(folded: str, position: int) -> tuple[UnitRule, re.Match[str]] | None:
    """The unit written after the position, and its match."""
    alternation, rules = _after_units()
    for start in (_UNIT_BRACKET, _UNIT_SPACES, _UNIT_HYPHEN):
        if (before := start.match(folded, position)) and (found := alternation.match(folded, before.end())):
            label, match = found
            return rules[int(label)], match
    return None


@cache
def _before_units() -> tuple[LabelledAlternation, list[UnitRule], frozenset[str] | None]:
    """The units written right before a number (up to three spaces between), labelled by their index,
    and the characters they can end with (None: any)."""
    rules = _rules("before")
    labelled = [(str(index), pattern) for index, (_, pattern) in enumerate(rules)]
    ends = [last_chars(pattern, re.I) for _, pattern in rules]
    either_end = None if any(chars is None for chars in ends) else frozenset().union(*ends)
    suffix = rf"\s{{0,{_SPACES_BEFORE_NUMBER}}}\Z"
    return LabelledAlternation(labelled, re.I, suffix=suffix), [rule for rule, _ in rules], either_end


_SPACES_BEFORE_NUMBER = 3  # most spaces a unit written before a number may stand apart from it


def _may_end_before(folded: str, position: int, ends: frozenset[str] | None) -> bool:
    """Whether a unit can end right before the position or up to three spaces before it: most numbers
    have none of the characters a unit before them ends with there, and the search costs more."""
    if ends is None:
        return True
    for at in range(position - 1, max(-1, position - _SPACES_BEFORE_NUMBER - 2), -1):
        if folded[at] in ends:
            return True
        if not folded[at].isspace():
            return False
    return False


def _count_noun_rules() -> list[tuple[UnitRule, str]]:
    cues = read_json("fact_cues.json")
    stop = "|".join(cues["count_noun_modifier_stopwords"])
    # English count nouns may follow a few modifiers: "15 registered projects", "25 partner countries".
    modifiers = rf"(?:(?!(?:{stop})\b)[A-Za-z][A-Za-z+-]*\s+){{0,3}}?"
    rules = []
    for topic, by_language in cues["count_nouns"].items():
        rule = UnitRule("count", "count", Decimal(1), "", topic or None)
        for language, nouns in by_language.items():
            nouns_pattern = "|".join(nouns)
            if language == "en":
                # a footnote's digit may touch the noun: "in 29 partner countries1"
                rules.append((rule, rf"{modifiers}(?:{nouns_pattern})(?![A-Za-z])"))
            else:
                rules.append((rule, rf"(?:กว่า\s*)?(?:{nouns_pattern})"))
    return rules


@cache
def _count_nouns() -> tuple[re.Pattern[str], list[UnitRule]]:
    """Count nouns, matched where the spaces after a number end (see _after_spaces)."""
    rules = _count_noun_rules()
    pattern = compile_guarded(_named_alternation(p for _, p in rules), re.I)
    return pattern, [rule for rule, _ in rules]


_SPACES = re.compile(r"\s{0,2}")


def _after_spaces(folded: str, position: int) -> int:
    return _SPACES.match(folded, position).end()  # type: ignore[union-attr]


@cache
def _count_reference() -> re.Pattern[str]:
    """ "between the two countries": a count the sentence refers back to rather than states."""
    prefixes = "|".join(read_json("fact_cues.json")["count_reference_prefixes"])
    return compile_guarded(rf"(?<![A-Za-z])(?:{prefixes})\Z", re.I)


def _count_label_groups() -> str:
    labels = read_json("fact_cues.json")["count_labels"]
    return "|".join(f"(?P<{topic}>{'|'.join(words)})" for topic, words in labels.items())


@cache
def count_labels() -> re.Pattern[str]:
    """Labels naming a count, by what they count: "Number of projects", "件数", "จำนวนประเทศ"."""
    return compile_guarded(_count_label_groups(), re.I)


# What joins a count's label to its number in prose: "the number of JCM projects reached 219".
_COUNT_LABEL_VERBS = ("to", "is", "was", "at", "reach", "reaches", "reached", "totals", "totalled")


@cache
def _count_label_before() -> re.Pattern[str]:
    verbs = "|".join(_COUNT_LABEL_VERBS)
    auxiliary = r"(?:(?:has|have|had|now)\s+)?"  # "the number of projects has reached 207"
    moved = r"(?:(?:increased|grown|grew|risen|rose|climbed|expanded|jumped)\s+)?"  # "has increased to 17"
    return compile_guarded(
        rf"(?:{_count_label_groups()})(?:\s*[:：=]|\s+{auxiliary}{moved}(?:{verbs}))\s*\Z", re.I
    )


def _after_filler(markers: Sequence[str]) -> re.Pattern[str]:
    """One of the markers after a unit, past a few words that restate what the unit counts: "tonnes of
    carbon dioxide (CO2) emissions yearly", "38,760 kilowatts of its energy a day"."""
    filler = "|".join(read_json("fact_cues.json")["per_year"]["filler"])
    return re.compile(rf"(?:\s*(?:{filler})){{0,3}}\s*(?:{'|'.join(markers)})", re.I)


@cache
def _per_year_after() -> re.Pattern[str]:
    return _after_filler(read_json("fact_cues.json")["per_year"]["after"])


@cache
def _per_day_after() -> re.Pattern[str]:
    return _after_filler([rf"(?:of\s+)?(?:{'|'.join(read_json('fact_cues.json')['per_day_after'])})"])


def stated_yearly(folded: str, quantity: Quantity) -> bool:
    """A per-year marker within the quantity's span: for money, whose unit has no per-year form, the only
    trace of "Rp1 trillion per year" (the span runs over the marker)."""
    return quantity.per_year or bool(_per_year_after().search(folded, quantity.number.end, quantity.end))


@cache
def _per_unit() -> re.Pattern[str]:
    """ "tCO2/MWh", "円/t-CO2", "USD 10 per tonne": a rate, not an amount."""
    return re.compile(r"\s*(?:" + "|".join(read_json("fact_cues.json")["per_unit_markers"]) + ")", re.I)


@cache
def per_year_before() -> re.Pattern[str]:
    return compile_guarded("|".join(read_json("fact_cues.json")["per_year"]["before"]), re.I)


@cache
def _qualifier_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    qualifiers = read_json("fact_cues.json")["qualifiers"]

    def groups(by_kind: dict[str, list[str]]) -> str:
        return "|".join(f"(?P<{kind}>{'|'.join(words)})" for kind, words in by_kind.items())

    before = compile_guarded(rf"(?<![A-Za-z])(?:{groups(qualifiers['before'])})\s*\Z", re.I)
    after = re.compile(rf"[ \t]*(?:{groups(qualifiers['after'])})", re.I)
    return before, after


# --- finding quantities ------------------------------------------------------------------------

_LOOKBEHIND = 24  # characters before a number searched for a currency sign or a qualifier
_FRACTION_AS_SHARE = UnitRule("percent", "%", Decimal(100), "")
_AMOUNTS = ("emission", "money", "energy")  # classes whose "per <unit>" makes a rate
# The unit per year of the amounts that have one: tonnes of CO2 and electricity.
RATE_UNITS = {"emission": "tCO2e/yr", "energy": "MWh/yr"}


def _rule_at(match: re.Match[str] | None, rules: list[UnitRule]) -> UnitRule | None:
    return rules[int(match.lastgroup[1:])] if match and match.lastgroup else None


def _looks_like_year(number: ParsedNumber) -> bool:
    """A four-digit year, Gregorian or Buddhist Era (Thai documents write 2566 for 2023)."""
    if not (number.text.isdigit() and len(number.text) == 4):
        return False
    return 1900 <= gregorian_year(int(number.value)) <= 2100


def _counts_words(rule: UnitRule) -> bool:
    """Units that are words counting things, which a year before them does not mean: "2016 projects"."""
    return rule.unit_class in ("count", "duration") or rule.topic is not None


# The scales money is abbreviated with after a currency ("$6m", "EUR 10.7m", "$1.2bn"): only there,
# where "m" cannot be metres.
_MONEY_SCALES = {"k": Decimal(10**3), "m": Decimal(10**6), "mn": Decimal(10**6), "mln": Decimal(10**6),
                 "b": Decimal(10**9), "bn": Decimal(10**9), "thousand": Decimal(10**3), "千": Decimal(10**3),
                 "million": Decimal(10**6), "百万": Decimal(10**6)}
_MONEY_SCALE = re.compile(r"\s?(k|m|mn|mln|b|bn)(?![A-Za-z0-9])", re.I)
# A form's scale in brackets after the amount: "JPY 393,000 (K)", "USD 1,200 (thousand)".
_BRACKET_SCALE = re.compile(r"[ \t]*[(（](k|thousand|千|m|million|百万)[)）]", re.I)


def _unit_of(folded: str, number: ParsedNumber) -> tuple[UnitRule, int, int] | None:
    """The unit written around the number: (rule, quantity start, unit end)."""
    before_units, before_rules, before_ends = _before_units()
    if _may_end_before(folded, number.start, before_ends) and (
        found := before_units.search(folded, max(0, number.start - _LOOKBEHIND), number.start)
    ):
        label, prefix = found
        prefix_rule = before_rules[int(label)]
        money = prefix_rule.unit_class == "money"
        abbreviated = (_MONEY_SCALE.match(folded, number.end) or _BRACKET_SCALE.match(folded, number.end)
                       if money else None)
        if abbreviated and number.scale == 1:
            factor = prefix_rule.factor * _MONEY_SCALES[abbreviated.group(1).lower()]
            return replace(prefix_rule, factor=factor), prefix.start(), abbreviated.end()
        return prefix_rule, prefix.start(), number.end
    unit_at = _past_plus(folded, number.end)
    if suffix := _unit_after(folded, unit_at):
        suffix_rule, match = suffix
        return (suffix_rule, number.start, match.end()) if _plausible(folded, number, suffix_rule) else None
    count_pattern, count_rules = _count_nouns()
    noun = count_pattern.match(folded, _after_spaces(folded, unit_at))
    if (count_rule := _rule_at(noun, count_rules)) and _plausible(folded, number, count_rule):
        return count_rule, number.start, noun.end()
    if number.fraction:  # 2分の1, 1/2, one half state a share
        return _FRACTION_AS_SHARE, number.start, number.end
    return None


# "18,000-plus tonnes", "50 plus projects": a bound between the number and its unit (qualifiers.after
# reads it as at_least).
_PLUS = re.compile(r"(?:-|\s)plus\s+", re.I)


def _past_plus(folded: str, position: int) -> int:
    plus = _PLUS.match(folded, position)
    return plus.end() if plus else position


def _plausible(folded: str, number: ParsedNumber, rule: UnitRule) -> bool:
    if _counts_words(rule) and _looks_like_year(number):
        return False
    if (
        rule.unit_class == "count" and not float(number.value).is_integer()
    ):  # "2.1 Biogas Project" numbers a section
        return False
    if rule.unit_class != "count":
        return True
    if number.text.lower() == "one":
        return False  # "by which one country can trade", "one of the projects": a single thing, no tally
    low = max(0, number.start - _LOOKBEHIND)
    if number.value == 2 and _THE_BEFORE.search(folded, low, number.start):
        return False  # "the two countries will set up a committee": the pair a text is about, no count
    return not _count_reference().search(folded, low, number.start)


_THE_BEFORE = re.compile(r"(?<![A-Za-z])the\s*\Z", re.I)


def qualifier_around(folded: str, start: int, ends: Sequence[int]) -> Qualifier:
    """The qualifier written just before `start` or just after one of `ends` (the number's, the unit's)."""
    before, after = _qualifier_patterns()
    match = before.search(folded, max(0, start - _LOOKBEHIND), start)
    if match and match.lastgroup:
        return match.lastgroup
    for end in ends:
        match = after.match(folded, end)
        if match and match.lastgroup:
            return match.lastgroup
    return "exact"


def scaled(number: ParsedNumber, factor: Decimal) -> tuple[float, float]:
    """Value and precision of the number times a unit or header factor, without float noise."""
    if factor == 1:
        return number.value, number.precision
    return (
        float(Decimal(repr(number.value)) * factor),
        float(Decimal(repr(number.precision)) * factor),
    )


_LABELLED = re.compile(r"[(（\[]([^()（）\[\]]{1,40})[)）\]]\s*[:：=]?\s*\Z")


_LABEL_ENDS = (")", "）", "]", ":", "：", "=")  # what both label patterns end with, but for spaces


def _labelled_unit(folded: str, number: ParsedNumber) -> UnitSpec | None:
    """A label right before the number naming its unit: "Emission reductions (tCO2e/y): 1,234", "国数:29"."""
    low = max(0, number.start - 2 * _LOOKBEHIND)
    head = folded[low : number.start].rstrip()
    ends_a_label = head.endswith(_LABEL_ENDS)
    if not ends_a_label and head.rpartition(" ")[2].lower() not in _COUNT_LABEL_VERBS:
        return None  # most numbers: no label ends right before them, and the scans below cost more
    if ends_a_label and (match := _LABELLED.search(folded, low, number.start)):
        return parse_unit_label(match.group(1))
    if match := _count_label_before().search(folded, low, number.start):
        return UnitSpec("count", "count", Decimal(1), topic=match.lastgroup)
    return None


# An ordinal numbers one thing rather than counting or measuring: "the 17th country", 第3回, 16カ国目,
# ประเทศที่ 17. A Thai ที่ is an ordinal only after what it numbers: "อยู่ที่ 1,000 ตัน" is "stands at".
_ORDINAL_AFTER = re.compile(r"(?:st|nd|rd|th)(?![A-Za-z])|番目|(?:件|[カかヶケヵ箇]国|国)目", re.I)
_ORDINAL_BEFORE = re.compile(r"(?:第|(?:ประเทศ|โครงการ|ลำดับ|อันดับ|ครั้ง)\s?ที่\s?)\Z")


def _is_ordinal(folded: str, number: ParsedNumber) -> bool:
    before = _ORDINAL_BEFORE.search(folded, max(0, number.start - 12), number.start)
    return bool(before or _ORDINAL_AFTER.match(folded, number.end))


def _quantity(folded: str, number: ParsedNumber) -> Quantity | None:
    if _is_ordinal(folded, number):
        return None
    found = _unit_of(folded, number)
    if found is None:
        spec = _bracketed_unit(folded, number) or _labelled_unit(folded, number)
        return _quantity_from_spec(folded, number, spec) if spec else None
    rule, start, end = found
    per_year = False
    if rule.unit_class == "power" and _per_day_after().match(folded, end):
        return None  # "38,760 kilowatts of its energy a day": a day's energy, no plant's power
    if rule.unit_class in (*_AMOUNTS, "power") and (marker := _per_year_after().match(folded, end)):
        if rule.unit_class == "power":  # "12 million kilowatts annually": the energy its writer meant
            rule = UnitRule("energy", "MWh", rule.factor / 1000, "")
        per_year, end = rule.unit_class in RATE_UNITS, marker.end()
    if rule.unit_class in _AMOUNTS and _per_unit().match(folded, end):
        return None  # "12 USD per tCO2", and per year too: "4 tCO2/yr/project", "4tCO2/年/システム"
    value, precision = scaled(number, rule.factor)
    return Quantity(
        number=number,
        value=value,
        unit=rule.unit,
        unit_class=rule.unit_class,
        start=start,
        end=end,
        precision=precision,
        qualifier=qualifier_around(folded, start, (end, number.end)),
        per_year=per_year,
        context=rule.context,
        topic=rule.topic,
        factor=rule.factor,
    )


_BRACKET_AFTER = re.compile(r"[ \t]*[(（]([^()（）\n]{1,16})[)）]")


def _bracketed_unit(folded: str, number: ParsedNumber) -> UnitSpec | None:
    """A unit in brackets right after a bare number, as a form's cell writes it: "800,000 (千円)"."""
    bracket = _BRACKET_AFTER.match(folded, number.end)
    if bracket is None or _looks_like_year(number):
        return None
    spec = _label_spec(bracket.group(1))
    return spec if spec and spec.unit_class != "count" else None


def _quantity_from_spec(folded: str, number: ParsedNumber, spec: UnitSpec) -> Quantity | None:
    if _counts_words(spec.rule) and _looks_like_year(number):
        return None
    value, precision = scaled(number, spec.factor)
    return Quantity(
        number=number,
        value=value,
        unit=spec.unit,
        unit_class=spec.unit_class,
        start=number.start,
        end=number.end,
        precision=precision,
        qualifier=qualifier_around(folded, number.start, (number.end,)),
        per_year=spec.per_year,
        context=spec.context,
        topic=spec.topic,
    )


def find_quantities(text: str, numbers: Sequence[ParsedNumber] | None = None) -> list[Quantity]:
    """Numbers of the text that carry a unit (tCO2e, money, %, kW, years) or count something.

    Numbers joined into a list or range share a scale word and a unit ("JPY 3 and 5 million",
    "10-20 MW"), and the numbers a split lists ("1,000 tCO2, of which 600 ... and 400 ...") take
    the unit of the amount split.
    """
    if numbers is None:
        return list(_text_quantities(text))
    return _quantities(text, numbers)


@lru_cache(maxsize=16)  # a "Project name:" line is checked for quantities, then read for them as prose
def _text_quantities(text: str) -> tuple[Quantity, ...]:
    return tuple(_quantities(text, find_numbers(text)))


def _quantities(text: str, numbers: Sequence[ParsedNumber]) -> list[Quantity]:
    folded = fold(text)
    links = _links(folded, numbers)
    found = _shared_scales(folded, list(numbers), links)
    by_start = {number.start: quantity for number in found if (quantity := _quantity(folded, number))}
    _share_units(folded, found, by_start, links)
    _item_units(folded, found, by_start)
    _split_units(folded, found, by_start)
    _subset_counts(folded, found, by_start)
    return [by_start[number.start] for number in found if number.start in by_start]


# "four of 15 projects", "4 จาก 15 โครงการ": a number right before "of" and a count counts the same things.
_SUBSET_OF = re.compile(r"\s*(?:(?:out\s+)?of(?:\s+the)?|จาก)\s*", re.I)


def _subset_counts(folded: str, numbers: Sequence[ParsedNumber], by_start: dict[int, Quantity]) -> None:
    for first, second in zip(numbers, numbers[1:], strict=False):
        whole = by_start.get(second.start)
        if (
            whole is not None
            and whole.unit_class == "count"
            and first.start not in by_start
            and first.value != 1  # "one of four projects" points at an item; it counts nothing
            and not _looks_like_year(first)
            and _SUBSET_OF.fullmatch(folded, first.end, second.start)
        ):
            by_start[first.start] = _like(whole, first, None)


# An enumerated item's mark and what may stand between it and the item's number: "(2)は815",
# "(1)が最も多く36,597t", "② 815", "(2) 815"; or after the number: "815 for (2)".
_ITEM_BEFORE = re.compile(r"(?:[(（]\s*[0-9a-z]{1,2}\s*[)）]|[①-⑳])[^0-9、,;；。()（）]{0,8}\Z", re.I)
_ITEM_AFTER = re.compile(r"\s*(?:for|in)\s+[(（]\s*[0-9a-z]{1,2}\s*[)）]", re.I)
_SENTENCE_END = re.compile(r"[。！？!?]|\.\s")
_ITEM_MARK = re.compile(r"[(（①-⑳]")


def _item_units(folded: str, numbers: Sequence[ParsedNumber], by_start: dict[int, Quantity]) -> None:
    """The numbered items of one sentence state one measure: a bare item takes the unit of the nearest
    item that states it, before it else after it ("(1)が36,597tCO2/年、(2)は815、(3)は2,121")."""
    if not _ITEM_MARK.search(folded):  # most blocks enumerate nothing
        return
    ends = {n.start: by_start[n.start].end if n.start in by_start else n.end for n in numbers}
    items = [n for n in numbers if _is_item(folded, n, ends[n.start])]
    for group in _sentence_groups(folded, items):
        stated = [n for n in group if n.start in by_start]
        if not stated or len(stated) == len(group):
            continue
        for number in group:
            if number.start not in by_start:
                before = [n for n in stated if n.start < number.start]
                model = by_start[(before[-1] if before else stated[0]).start]
                by_start[number.start] = _like(model, number, None)


def _is_item(folded: str, number: ParsedNumber, end: int) -> bool:
    """Whether the number (its quantity ending at `end`) is an enumerated item's."""
    if folded[number.start - 1 : number.start] in "(（" and folded[number.end : number.end + 1] in ")）":
        return False  # the item's mark itself
    mark = _ITEM_BEFORE.search(folded, max(0, number.start - 16), number.start)
    return bool(mark or _ITEM_AFTER.match(folded, end))


def _sentence_groups(folded: str, items: list[ParsedNumber]) -> list[list[ParsedNumber]]:
    groups: list[list[ParsedNumber]] = []
    for number in items:
        if groups and not _SENTENCE_END.search(folded, groups[-1][-1].end, number.start):
            groups[-1].append(number)
        else:
            groups.append([number])
    return [group for group in groups if len(group) >= 2]


# --- lists, ranges and splits of numbers -------------------------------------------------------


@cache
def _joiners() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """What may stand between two numbers of one list or range, what marks a range's start, and what
    separates the items of a list before its last joining word (a comma, 、, a space)."""
    joins = read_json("fact_cues.json")["number_joins"]
    join = re.compile(rf"\s*(?:(?P<range>{'|'.join(joins['range'])})|{'|'.join(joins['list'])})\s*", re.I)
    range_start = re.compile(rf"(?:{'|'.join(joins['range_start'])})\s*\Z", re.I)
    separator = re.compile(rf"\s*(?:{'|'.join(joins['separators'])})\s*", re.I)
    return join, range_start, separator


@cache
def list_gap() -> re.Pattern[str]:
    """What stands between two items of one list: "1,000トン、2,000トン", "1,000 t and 2,000 t"; not an
    alternative ("1,200 t a year, or 18,000 t over its lifetime" states one amount two ways)."""
    joins = read_json("fact_cues.json")["number_joins"]
    words = [word for word in joins["list"] if word not in joins["alternatives"]]
    return re.compile(rf"\s*(?:{'|'.join(joins['separators'])})?\s*(?:{'|'.join(words)})?\s*", re.I)


# How each number is joined to the next, by the first one's start: True for a range, False for a list.
Links = dict[int, bool]


def _links(folded: str, numbers: Sequence[ParsedNumber]) -> Links:
    """The joins between neighbouring numbers: a list or range word ("3 and 5", "3 to 5"), or a bare
    separator ("1,000, 2,000 and 3,000", "1,000 2,000 และ 3,000") in a list that goes on to close with a
    list word. A separator alone joins nothing: "In 2023, 1,200 t" or "Of 12, 3" are no lists."""
    join, _, separator = _joiners()
    links: Links = {}
    closes = False  # whether the pair after the current one belongs to a list closed by a list word
    for first, second in reversed(list(zip(numbers, numbers[1:], strict=False))):
        if word := join.fullmatch(folded, first.end, second.start):
            links[first.start] = bool(word["range"])
            closes = not word["range"]
        elif closes and separator.fullmatch(folded, first.end, second.start):
            links[first.start] = False
        else:
            closes = False
    return links


_BARE_DIGITS = re.compile(r"[0-9]{1,3}(?:\.[0-9]+)?")


def _shared_scales(folded: str, numbers: list[ParsedNumber], links: Links) -> list[ParsedNumber]:
    """ "3 and 5 million", "3～5億": a bare number before a scaled one it is joined to takes its scale."""
    shared = list(numbers)
    for index in range(len(shared) - 2, -1, -1):
        number, following = shared[index], shared[index + 1]
        if (
            following.scale > 1
            and number.scale == 1
            and _BARE_DIGITS.fullmatch(folded, number.start, number.end)
            and number.start in links
        ):
            value, precision = scaled(number, Decimal(repr(following.scale)))
            shared[index] = replace(number, value=value, precision=precision, scale=following.scale)
    return shared


_JOIN_GAP = 16  # characters a joiner may take between two numbers: " and ", " ถึง ", "から"


def _share_units(
    folded: str, numbers: list[ParsedNumber], by_start: dict[int, Quantity], links: Links
) -> None:
    """Joined numbers share the unit one of them has: forward from a prefix unit, back from a suffix."""
    pairs = [
        (first, second)
        for first, second in zip(numbers, numbers[1:], strict=False)
        if second.start - (by_start[first.start].end if first.start in by_start else first.end) <= _JOIN_GAP
    ]
    pairs = [pair for pair in pairs if not any(_looks_like_year(number) for number in pair)]
    pairs = [(first, second) for first, second in pairs if not _is_label_number(folded, first)]
    _lend_units(folded, pairs, by_start, links, forward=False)
    _lend_units(folded, pairs, by_start, links, forward=True)
    for first, second in pairs:  # a range stated with units on both ends: "10 MW to 20 MW"
        both = first.start in by_start and second.start in by_start
        join = _joiners()[0].fullmatch(folded, by_start[first.start].end, second.start) if both else None
        if (
            join
            and _range_bound(folded, first, bool(join["range"]), "at_least")
            and by_start[first.start].unit == by_start[second.start].unit
        ):
            by_start[first.start] = replace(by_start[first.start], qualifier="at_least")
            by_start[second.start] = replace(by_start[second.start], qualifier="at_most")


def _lend_units(
    folded: str,
    pairs: Sequence[tuple[ParsedNumber, ParsedNumber]],
    by_start: dict[int, Quantity],
    links: Links,
    forward: bool,
) -> None:
    """A number without a unit takes that of the number it is joined to: the one before it when going
    forward (a prefix unit, "JPY 3 and 5"), the one after it going back (a suffix, "3 and 5 MW").

    A range's second number is its upper bound, its first the lower one.
    """
    bound: Qualifier = "at_most" if forward else "at_least"
    for first, second in pairs if forward else pairs[::-1]:  # a unit passes along a whole list
        lender, borrower = (first, second) if forward else (second, first)
        if (
            lender.start in by_start
            and borrower.start not in by_start
            and (is_range := links.get(first.start)) is not None
        ):
            by_start[borrower.start] = _like(
                by_start[lender.start], borrower, _range_bound(folded, first, is_range, bound)
            )


@cache
def _label_before() -> re.Pattern[str]:
    words = "|".join(read_json("fact_cues.json")["number_joins"]["not_after"])
    return compile_guarded(rf"(?<![A-Za-z])(?:{words})\s*\Z", re.I)


def _is_label_number(folded: str, number: ParsedNumber) -> bool:
    """ "Table 3", "第3", "No. 3": a number that names something rather than measures it."""
    return bool(_label_before().search(folded, max(0, number.start - 12), number.start))


def _range_bound(folded: str, first: ParsedNumber, is_range: bool, bound: Qualifier) -> Qualifier | None:
    """`bound` when the numbers joined make a range ("3 to 5", "between 3 and 5"), else None."""
    range_start = _joiners()[1].search(folded, max(0, first.start - _LOOKBEHIND), first.start)
    return bound if is_range or range_start else None


def _like(model: Quantity, number: ParsedNumber, qualifier: Qualifier | None) -> Quantity:
    """A quantity for the number in the unit of `model`, with the qualifier of a range bound if any."""
    value, precision = scaled(number, model.factor)
    qualifier = qualifier or model.qualifier
    return replace(
        model,
        number=number,
        value=value,
        precision=precision,
        start=number.start,
        end=number.end,
        qualifier=qualifier,
    )


def _has_digits(number: ParsedNumber) -> bool:
    """Written in digits: "one" in "to one side" is no part of a split."""
    return any(char.isdigit() for char in number.text)


@cache
def split_marker() -> re.Pattern[str]:
    markers = "|".join(read_json("fact_cues.json")["split_markers"])
    return re.compile(rf"\s*[,，、(（]?\s*(?:{markers})", re.I)


@cache
def split_words() -> re.Pattern[str]:
    """The split markers alone, to search a clause for where a whole's parts start."""
    return compile_guarded("|".join(read_json("fact_cues.json")["split_markers"]), re.I)


_SPLIT_END = re.compile(r"[.。;；\n]")
_SPLIT_REACH = 40  # characters between an amount and the split of it: "300 credits were issued, of which"


def _split_after(folded: str, whole: Quantity, following: Sequence[ParsedNumber]) -> re.Match[str] | None:
    """The split word after the amount, right after it or later in its clause before the next number."""
    limit = min(following[0].start if following else len(folded), whole.end + _SPLIT_REACH)
    stop = _SPLIT_END.search(folded, whole.end, limit)
    return split_words().search(folded, whole.end, stop.start() if stop else limit)


def _split_units(folded: str, numbers: list[ParsedNumber], by_start: dict[int, Quantity]) -> None:
    """ "1,000 tCO2, of which 600 to Japan and 400 to ...": the parts take the unit of the amount split."""
    for index, number in enumerate(numbers):
        whole = by_start.get(number.start)
        marker = _split_after(folded, whole, numbers[index + 1 : index + 2]) if whole else None
        if whole is None or marker is None:
            continue
        stop = _SPLIT_END.search(folded, marker.end())
        limit = stop.start() if stop else len(folded)
        for part in numbers[index + 1 :]:
            if part.start >= limit or (
                part.start in by_start and by_start[part.start].unit_class != whole.unit_class
            ):
                break
            if part.start not in by_start and not _looks_like_year(part) and _has_digits(part):
                by_start[part.start] = _like(whole, part, None)


# --- unit labels (table headers, unit cells) ---------------------------------------------------


@cache
def _label_patterns() -> tuple[re.Pattern[str], list[UnitRule], re.Pattern[str]]:
    rules = _rules("before") + _rules("after")
    units = re.compile(r"(?<![A-Za-z])(?:" + _named_alternation(p for _, p in rules) + ")", re.I)
    scales = re.compile(r"\b(?:thousands?|millions?|billions?)\b|'000|百万|千|万|億|ล้าน|พัน(?!ธ)|แสน", re.I)
    return units, [rule for rule, _ in rules], scales


_LABEL_SCALES = {
    "thousand": 1000,
    "'000": 1000,
    "million": 10**6,
    "billion": 10**9,
    "百万": 10**6,
    "千": 1000,
    "万": 10**4,
    "億": 10**8,
    "ล้าน": 10**6,
    "พัน": 1000,
    "แสน": 10**5,
}
BRACKETED = re.compile(r"[(（\[［]([^)）\]］]*)[)）\]］]")  # its group: what the brackets hold


def parse_unit_label(label: str) -> UnitSpec | None:
    """The unit and scale a label states: "(JPY million)" -> JPY x 10^6, "(tCO2/year)" -> tCO2e/yr,
    "Number of projects" -> a count of projects."""
    folded = fold(label)
    for part in [match.group(1) for match in BRACKETED.finditer(folded)][::-1] + [folded]:
        if spec := _label_spec(part):
            return spec
    if count := count_labels().search(folded):
        return UnitSpec("count", "count", Decimal(1), topic=count.lastgroup)
    return None


def _label_spec(text: str) -> UnitSpec | None:
    units, rules, scales = _label_patterns()
    match = units.search(text)
    rule = _rule_at(match, rules)
    if match is None or rule is None or rule.unit_class == "duration":
        return None
    if rule.unit_class in _AMOUNTS and _is_rate(text, match.end()):
        return None
    factor = rule.factor
    for scale in scales.findall(text):
        factor *= _LABEL_SCALES[scale.lower().rstrip("s")]
    per_year = bool(
        rule.unit_class in RATE_UNITS and (_per_year_after().search(text) or per_year_before().search(text))
    )
    return UnitSpec(rule.unit_class, rule.unit, factor, per_year, rule.context)


def _is_rate(text: str, unit_end: int) -> bool:
    return bool(_per_unit().match(text, unit_end)) and not _per_year_after().match(text, unit_end)
