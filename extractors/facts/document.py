"""Facts of a whole document: blocks in order, each read as prose, a table row or a flattened table row,
then what the document as a whole settles: subjects from headings, per-year lists, its period, dollars."""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import replace
from functools import cache

from corpus.models import Block, DocumentRef, Fact
from extractors.facts.clause import _DIGIT
from extractors.facts.drafts import _Draft
from extractors.facts.lexicon import (
    _ITEM_NUMBER,
    _alternation,
    _cues,
    _dollar_names,
    _english_aware,
    _may_hold_number,
    _period_labels,
    _project_label,
    find_cues,
)
from extractors.facts.prose import _BLOCK_GAP, _open_topics, _prose_drafts, _transfer_drafts
from extractors.facts.tables import (
    _flat_header,
    _flat_row_drafts,
    _FlatHeader,
    _is_subject_like,
    _still_open,
    _table_row_drafts,
)
from extractors.numbers import find_numbers, find_periods, fold
from extractors.quantities import RATE_UNITS, find_quantities


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


def _reductions_listed(drafts: list[_Draft]) -> list[_Draft]:
    """In a document that states reductions, the yearly tonnes of CO2 each item of a list gives with no
    word for them are reductions too: a selection notice lists its projects as "(A Ltd., 2,454 t-CO2/yr)"."""
    if not any(draft.kind == "emission_reduction" for draft in drafts):
        return drafts
    return [
        replace(draft, kind="emission_reduction")
        if draft.kind == "other" and draft.unit == "tCO2e/yr" and draft.in_list
        else draft
        for draft in drafts
    ]


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
    generic = subjects["generic_headings"]
    english = _alternation([word for word in generic if word.isascii()])
    others = _alternation([word for word in generic if not word.isascii()])
    names = re.compile(_english_aware(subjects["project_headings"]), re.I)
    return names, re.compile(rf"\b(?:{english})\b|{others}", re.I)


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
    if not quantities:
        return True
    return all(cue.topic in _NAME_TOPICS for cue in find_cues(fold(text)) if cue.start >= start)


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


# A block that starts as an item of a list, by the kind of its marker: "(a) 1/2: ...", "b) ...",
# "2. ...", "・...", "①...". Items are one list's when their markers are of one kind.
_LIST_ITEM = re.compile(
    r"\s*(?:(?P<bracketed>[(（]?(?:[a-zA-Zก-ฮア-ン]|[0-9]{1,2})[)）])|(?P<dotted>(?:[a-z]|[0-9]{1,2})\.\s)"
    r"|(?P<bullet>[・•●▪■◆\-–])|(?P<circled>[①-⑳]))"
)


def _marker(block: Block | None) -> str | None:
    item = _LIST_ITEM.match(block.text) if block is not None else None
    return item.lastgroup if item else None


def _list_label(
    block: Block, previous: Block | None, before: Block | None, label: Block | None
) -> Block | None:
    """For an item after another item of one list, the label the first item took: every item of "Support
    is capped as below:" / "(a) 1/2: ..." / "(b) 2/3: ..." is a subsidy share. None otherwise."""
    marker = _marker(block)
    if marker is None:
        return None
    if previous is not None and previous.page == block.page and _marker(previous) == marker:
        return label
    return _label_above(previous, before)


def _last_credits(drafts: Sequence[_Draft]) -> _Draft | None:
    return next((draft for draft in reversed(drafts) if draft.kind == "credits_issued"), None)


def _block_drafts(
    block: Block, label_above: Block | None, flat: _FlatHeader | None, credits_before: _Draft | None
) -> list[_Draft]:
    """A block's facts: a table row's, or its prose's with the credits it hands over (of an amount it
    states or the block before stated) and the rows of a flattened table it continues."""
    if block.kind == "table_row" and block.cells:
        return _table_row_drafts(block)
    found = _prose_drafts(block, label_above)
    credits = _last_credits(found) or credits_before
    if credits is not None:
        found += _transfer_drafts(block, credits)
    if flat is not None:
        found += _flat_row_drafts(block, flat)
    return found


def extract_facts(blocks: Sequence[Block], document: DocumentRef) -> list[Fact]:
    """The facts the blocks state, in document order. Pure and deterministic."""
    drafts: list[_Draft] = []
    headings: dict[int, str] = {}
    previous: Block | None = None
    before: Block | None = None
    flat: _FlatHeader | None = None
    credits: _Draft | None = None  # the last credits issued, whose parts the block after may hand over
    list_label: Block | None = None  # what introduced the list the current block is an item of
    for position, block in enumerate(blocks):
        heading = _heading_project(block)
        if heading is not None:
            headings[block.index] = heading
        flat = _flat_header(blocks, position) or _still_open(flat, block)
        list_label = _list_label(block, previous, before, list_label)
        if _may_hold_number().search(block.text):  # a project's name may state its power
            just_before = credits and previous and credits.evidence.block == previous.index
            credits_before = credits if just_before else None
            found = _block_drafts(block, list_label or _label_above(previous, before), flat, credits_before)
            credits = _last_credits(found) or credits
            drafts += found
        previous, before = block, previous
    drafts = _with_heading_subjects(_annualise_list_parts(_reductions_listed(drafts)), headings)
    drafts = _annual_when_restated(drafts)
    drafts = _with_dollars_resolved(_with_document_period(drafts, _document_period(blocks)), blocks)
    return [_fact(draft, document) for draft in _one_kind_per_sum(drafts) if _plausible(draft)]


def _annual_when_restated(drafts: list[_Draft]) -> list[_Draft]:
    """ "reductions of 1,518 tCO2/year" ... "ER = 2,265 MWh x 0.67 tCO2/MWh = 1,518 tCO2": an amount the
    document states per year, restated with no period, is the same yearly amount."""
    yearly = {(draft.kind, draft.value, draft.unit) for draft in drafts if draft.unit in _YEARLY_UNITS}
    return [
        replace(draft, unit=annual)
        if draft.unit_class in RATE_UNITS
        and (annual := RATE_UNITS[draft.unit_class]) != draft.unit
        and not (draft.period or draft.is_total)
        and (draft.kind, draft.value, annual) in yearly
        else draft
        for draft in drafts
    ]


_YEARLY_UNITS = frozenset(RATE_UNITS.values())


_STATED_AT = 4  # a cue this near an amount states what it is: "予算規模は4.4億円", "budget: JPY 6.9 billion"


def _one_kind_per_sum(drafts: list[_Draft]) -> list[_Draft]:
    """A sum of money stated again (a headline, a caption) is the same sum: where one statement names it
    outright and all such statements agree, the others take that kind."""
    named: dict[tuple[float, str], set[str]] = {}
    for draft in drafts:
        if _names_outright(draft):
            named.setdefault((draft.value, draft.unit), set()).add(draft.kind)
    return [
        replace(draft, kind=next(iter(kinds)))
        if draft.unit_class == "money" and not _names_outright(draft)
        and len(kinds := named.get((draft.value, draft.unit), set())) == 1
        else draft
        for draft in drafts
    ]


def _names_outright(draft: _Draft) -> bool:
    return draft.unit_class == "money" and draft.named_at is not None and draft.named_at <= _STATED_AT


# A project's cost, a subsidy or a budget is never a few hundred in any currency: such an amount lost its
# scale word to a typo or a page's layout ("$6.0 from the Japan Fund", "USD 56 ... million").
_PROGRAMME_MONEY = frozenset({"project_cost", "subsidy_amount", "budget"})
_LEAST_PROGRAMME_MONEY = 1000


# A gigawatt and more is a country's or a grid's power ("plans to build plants with a total capacity of
# 103 GW"): the plants the JCM supports are of kilowatts to a few hundred megawatts.
_MOST_PLANT_KW = 1_000_000


def _plausible(draft: _Draft) -> bool:
    if draft.kind == "capacity":
        return draft.value < _MOST_PLANT_KW
    return draft.kind not in _PROGRAMME_MONEY or draft.value >= _LEAST_PROGRAMME_MONEY
