"""Facts of prose blocks: each clause's quantities through the spaCy pipeline, exchange rates, totals of
listed items, and the credits a sentence hands over."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

from corpus.models import Block
from extractors.facts.clause import (
    _YEAR,
    _clause_kinds,
    _cumulative,
    _has_context,
    _index_of,
    _is_operand,
    _per_year,
    _Scope,
    _Segment,
    _segments,
    _spanned_amounts,
    _totals,
    _unit,
    _within,
    nearest_cue,
)
from extractors.facts.drafts import _Draft, _evidence, _item_project, _nearest, _periods
from extractors.facts.lexicon import (
    Cue,
    _alternation,
    _credit_sides,
    _cues,
    _english_aware,
    _exchange_rate,
    _fallback_kind,
    _Mention,
    _pipeline_language,
    country_mentions,
    find_cues,
    side_names,
)
from extractors.numbers import (
    ParsedNumber,
    compile_guarded,
    find_numbers,
    fold,
)
from extractors.quantities import (
    RATE_UNITS,
    Quantity,
    find_quantities,
    qualifier_around,
    split_words,
)

_BLOCK_GAP = 3  # blocks that may separate the items of one list from its total


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


# "one carbon credit equal to one ton of CO2", "1 เครดิต เท่ากับ 1 ตัน", "one credit is issued for each
# tonne": a unit defined, no amount stated.
_DEFINITION = compile_guarded(  # scanned over every block with a number: the guard skips most positions
    r"(?<![\w.,])(?:one|an?|1)\s*(?:(?:JCM|carbon)\s+)?(?:credit|offset|CER|tonne|ton|クレジット|เครดิต)s?"
    r"[^\d.;。]{0,20}?\s*(?:is\s+|are\s+)?(?:"
    r"(?:equals?\s+to|equals|equivalent\s+to|corresponds?\s+to|=|＝|เท่ากับ)\s*(?:one|an?|1)(?![\d.,])"
    r"|(?:issued\s+|awarded\s+|given\s+)?(?:for\s+(?:each|every)|per)\s)"
    r"|(?<![\w.,])1\s*[A-Za-z]{1,6}\s*[:：=＝]\s*[\d.,]+",  # a unit's conversion: "1USRt:3.5163kW"
    re.I,
)


def _read_prose(block: Block) -> _Prose | None:
    # Imported here: spaCy (two seconds to import) loads only in the processes that extract facts,
    # not in every process that needs this module's lexicons.
    from extractors.facts.pipeline import fact_pipeline

    doc = fact_pipeline(_pipeline_language(block.language, block.text))(block.text)
    marks = doc._  # spaCy builds a new accessor object on every doc._
    folded = fold(block.text)
    rates = _exchange_rates(block.text, folded)
    definitions = [match.span() for match in _DEFINITION.finditer(folded)]
    quantities: list[Quantity] = marks.jcm_quantities
    if rates or definitions:  # mostly neither: every quantity is kept
        quantities = [
            quantity
            for quantity in quantities
            if not _inside_rate(quantity.number, rates)
            and not any(start <= quantity.number.start < end for start, end in definitions)
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
    before: _Segment | None = None
    for segment in prose.segments:
        if before is None:
            carried = _carried_topics(prose, segment, previous)
        else:
            carried = _referred(prose, before, segment)
        before = segment
        if segment.head is None:
            lead = segment.start
        else:  # an item goes on with what introduced the list: "削減量は (1) 36,597t (2) 815"
            carried += tuple(cue.topic for cue in reversed(_within(prose.cues, lead, segment.start)))
        drafts += _segment_drafts(prose, segment, carried)
    drafts = _periods_closing_sentences(prose, _annualise_like_the_first(prose, drafts))
    if not prose.totals:  # most blocks state no total
        return drafts
    return _annualise_sentence_parts(prose, _totals_named_by_parts(drafts))


@cache
def _same_below() -> re.Pattern[str]:
    words = _english_aware(_cues()["same_below"])
    # after the number: its unit and period first ("t=以下同", "tCO2e per year, hereinafter the same")
    return re.compile(rf"[^。.;]{{0,{_SAME_BELOW_REACH}}}?(?:{words})", re.I)


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


_CLOSING_WORD = 16  # characters at a sentence's end that hold its closing period word


@cache
def _sentence_end_periods() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A per-year and a per-day word closing a sentence."""
    words = _cues()["sentence_end_periods"]
    return tuple(  # type: ignore[return-value]
        re.compile(rf"(?<![A-Za-z])(?:{'|'.join(words[period])})\s*[.。!]?\s*\Z", re.I)
        for period in ("per_year", "per_day")
    )


def _periods_closing_sentences(prose: _Prose, drafts: list[_Draft]) -> list[_Draft]:
    """ "...will reduce emissions by around 25,000 tons and save 355 million liters of water annually": a
    period word closing a sentence states the period of its last emission or energy amount when that has
    none of its own, unless a cumulative word stands between; a day's amount ("generate 38,760kWh ... per
    day") is no fact."""
    per_year, per_day = _sentence_end_periods()
    offset, result, dropped = prose.block.start, list(drafts), set()
    for segment in prose.segments:
        amounts = [
            index
            for index, draft in enumerate(result)
            if segment.start <= draft.evidence.start - offset < segment.end and draft.unit_class in RATE_UNITS
        ]
        if not amounts:
            continue
        last = result[amounts[-1]]  # a later amount with a period of its own ends with the word itself
        if last.unit == RATE_UNITS[last.unit_class] or last.period or last.is_total:
            continue
        tail = max(last.evidence.end - offset, segment.end - _CLOSING_WORD)
        yearly = per_year.search(prose.folded, tail, segment.end)
        if not (yearly or per_day.search(prose.folded, tail, segment.end)):
            continue
        if not _cumulative_in(prose, last.evidence.end, segment.end + offset):
            if yearly:
                result[amounts[-1]] = replace(last, unit=RATE_UNITS[last.unit_class])
            else:
                dropped.add(amounts[-1])
    return [draft for index, draft in enumerate(result) if index not in dropped]


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
    return _cumulative_in(prose, first.evidence.end, later.evidence.end + _CUMULATIVE_AFTER)


def _cumulative_between(prose: _Prose, first: _Draft, last: _Draft) -> bool:
    return _cumulative_in(prose, first.evidence.end, last.evidence.start)


def _cumulative_in(prose: _Prose, start: int, end: int) -> bool:
    """A cumulative word between two offsets of the document, within the block."""
    offset = prose.block.start
    return bool(_cumulative().search(prose.folded, start - offset, end - offset))


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


def _referred(prose: _Prose, before: _Segment, segment: _Segment) -> tuple[str, ...]:
    """The cue topics of the sentence before, nearest first, for a sentence that refers back to it:
    "クレジットは40㌧。このうち31㌧を日本政府が取得した"."""
    if not _back_reference().match(prose.folded, segment.start):
        return ()
    return tuple(cue.topic for cue in reversed(_within(prose.cues, before.start, before.end)))


@cache
def _back_reference() -> re.Pattern[str]:
    return re.compile(rf"\s*(?:{_alternation(_cues()['back_references'])})", re.I)


_CLAUSE_END = re.compile(r"[.。!?！？:：;；)）]\s*\Z")


@cache
def _list_lead() -> re.Pattern[str]:
    """The end of a sentence that announces the list below it, whose items its cues still name."""
    return re.compile(rf"(?:{_english_aware(_cues()['list_leads'])})\s*[.:：。]?\s*\Z", re.I)


def _open_topics(block: Block) -> tuple[str, ...]:
    """Cue topics of the last clause of a block that stops mid-sentence, nearest first.

    A reader may hand over a wrapped line as its own block ("...expected to reduce" / "12,400 tCO2e");
    its cues then still tell what the next line's number is.
    """
    folded = fold(block.text)
    if block.kind == "table_row" or (_CLAUSE_END.search(folded) and not _list_lead().search(folded)):
        return ()
    tail = _segments(folded)[-1]
    cues = _within(find_cues(folded), tail.start, tail.end)
    # "... Emission Reduction = RE-PE" / "= 15,034-288 = 14,746": the terms after an operator name no result
    return tuple(cue.topic for cue in reversed(cues) if not _is_operand(folded, cue.start))


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
    kinds = _without_shared_grants(scope.quantities, _clause_kinds(scope))
    for quantity, kind in zip(scope.quantities, kinds, strict=True):
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


def _without_shared_grants(quantities: Sequence[Quantity], kinds: list[str | None]) -> list[str | None]:
    """ "$55 million in grants: $38 million from the Asian Development Fund, $12 million from the Strategic
    Climate Fund and $5 million from the Japan Fund for the JCM": grants that the amounts after them add
    up to, some of those from other funders, are no JCM subsidy; the JCM's part is."""
    result = list(kinds)
    for index, (total, kind) in enumerate(zip(quantities, kinds, strict=True)):
        if kind != "subsidy_amount":
            continue
        parts = _parts_adding_up(total, quantities[index + 1 :])
        if any(part_kind != "subsidy_amount" for part_kind in kinds[index + 1 : index + 1 + parts]):
            result[index] = None
    return result


def _parts_adding_up(total: Quantity, later: Sequence[Quantity]) -> int:
    """How many of the amounts right after a total, in its unit, add up to it: two or more, else 0."""
    running = 0.0
    for count, part in enumerate(later, start=1):
        if part.unit != total.unit:
            return 0
        running += part.value
        if running >= total.value - total.precision / 2:
            return count if count >= 2 and abs(running - total.value) <= total.precision / 2 else 0
    return 0


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
            or _YEAR.fullmatch(number.text)
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
    segments, countries = _segments(folded), country_mentions(folded)
    parts = []
    for number in find_numbers(block.text):
        if (
            block.start + number.start <= whole.evidence.start
            or number.start in with_units
            or _YEAR.fullmatch(number.text)
        ):
            continue
        reach = max(0, number.start - _TRANSFER_REACH)
        handed_over = before.search(folded, reach, number.start) and _BARE_END.match(folded, number.end)
        if not (handed_over or after.match(folded, number.end)):
            continue
        segment = next(seg for seg in segments if seg.start <= number.start < seg.end)
        parts.append(
            replace(
                whole,
                value=number.value,
                precision=number.precision,
                qualifier=qualifier_around(folded, number.start, (number.end,)),
                evidence=_evidence(block, block.text[segment.start : segment.end], number, 0),
                subject=_side_after(folded, countries, number.end, segment.end),
                is_total=False,
            )
        )
    return parts


def _side_after(folded: str, countries: Sequence[_Mention], start: int, end: int) -> str | None:
    """The side named right after a number, up to `end`: "500 to Japan", "27 went to Japan"."""
    for side in _side_mentions(folded, countries, start, end):
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
    if kind == "credits_issued" and (_split_after(prose, quantity) or _shared_out(prose, segment, quantity)):
        return None  # the amount split between the sides belongs to neither
    return _nearest(_subject_countries(prose, segment, quantity), quantity.number.start)


# Between two countries of one list: "Kenya and Chile", "タイ、ベトナム", "ไทย และเวียดนาม".
_LIST_GAP = re.compile(r"[\s,、・/]*(?:and|or|&|及び|および|と|や|และ|หรือ)?[\s,、・/]*", re.I)


@cache
def _part_markers() -> re.Pattern[str]:
    return compile_guarded(_english_aware(_cues()["subjects"]["part_markers"]), re.I)


def _subject_countries(prose: _Prose, segment: _Segment, quantity: Quantity) -> list[_Mention]:
    """The countries that may be a number's subject: not one of a list of countries (the number is about
    them all), nor one named after it as an example or a part ("6 projects, including one in Kenya")."""
    mentions = _within(prose.countries, segment.start, segment.end)
    if not mentions:
        return []
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


def _shared_out(prose: _Prose, segment: _Segment, quantity: Quantity) -> bool:
    """Whether the amounts right after it in its clause add up to it: "1,245 tCO2e (Japan: 623 tCO2e,
    Indonesia: 622 tCO2e)" states the whole and its shares."""
    later = [other for other in _within(prose.quantities, quantity.end, segment.end) if other is not quantity]
    return _parts_adding_up(quantity, later) > 0


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
    before = _side_mentions(prose.folded, prose.countries, before_start, quantity.start)
    if before and _SIDE_LABEL.fullmatch(prose.folded, before[-1].end, quantity.start):
        return before[-1].value  # "(Japan: 623 tCO2e, Indonesia: 622 tCO2e)": the side labels its share
    if side := _side_after(prose.folded, prose.countries, quantity.end, after_end):
        return side
    if before and quantity.start - before[-1].end <= _SIDE_BEFORE_GAP:
        return before[-1].value
    return None


_SIDE_LABEL = re.compile(r"\s*[:：]\s*")


def _named_at(scope: _Scope, quantity: Quantity, kind: str) -> int | None:
    """For money, how far the cue that gave its kind stands (document._one_kind_per_sum weighs it)."""
    if quantity.unit_class != "money":
        return None
    nearest = nearest_cue(scope, quantity)
    return nearest[0] if nearest and nearest[1] == kind else None


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
        named_at=_named_at(scope, quantity, kind),
        is_total=is_total,
        in_list=segment.head is not None,
    )
