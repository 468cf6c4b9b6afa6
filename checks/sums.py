"""Sum of parts: the items a document lists must add up to the total it states."""
from __future__ import annotations

from collections.abc import Sequence

from checks.base import Rule, fmt, make_warning, span_years, tolerance
from corpus.models import ConsistencyWarning, Fact

NAME = "sum_of_parts"


def parts_of(total: Fact, facts: Sequence[Fact]) -> list[Fact]:
    """The facts of the same kind and unit stated after the previous such total and before this one; for
    counts, only those of the total's own sentence: a document counts projects in many contexts ("12
    selected in 2023", "250 since 2013") that no total adds up; for a total over the years of a lifetime
    or crediting period, only amounts over years of their own, not those of a year or a monitoring period."""
    same = [
        f
        for f in facts
        if f.kind == total.kind
        and f.unit == total.unit
        and f.evidence.start < total.evidence.start
        and (total.unit != "count" or _same_sentence(f, total))
        and (span_years(total) is None or span_years(f) is not None)
    ]
    earlier_totals = [f.evidence.start for f in same if f.is_total]
    since = max(earlier_totals, default=-1)
    parts = [f for f in same if not f.is_total and f.evidence.start > since]
    return _distinct(_listed_before(total, parts))


def _listed_before(total: Fact, parts: list[Fact]) -> list[Fact]:
    """The parts in the run of blocks that ends at the total's, each holding one: a list stands together,
    so a figure a paragraph without one before it (a plant already running, the country's potential)
    is no item of the total."""
    blocks = {part.evidence.block for part in parts}
    first = total.evidence.block
    while first - 1 in blocks:
        first -= 1
    return [part for part in parts if part.evidence.block >= first]


def _same_sentence(fact: Fact, other: Fact) -> bool:
    return fact.evidence.block == other.evidence.block and fact.evidence.text == other.evidence.text


def _distinct(parts: list[Fact]) -> list[Fact]:
    # The same item restated (same subject, same value) is one part, not two.
    seen: set[tuple[str, float]] = set()
    distinct = []
    for part in sorted(parts, key=lambda f: f.evidence.start):
        key = (part.subject or f"#{part.evidence.start}", part.value)
        if key not in seen:
            seen.add(key)
            distinct.append(part)
    return distinct


def check_sums(facts: Sequence[Fact]) -> list[ConsistencyWarning]:
    warnings = []
    # A bound ("a minimum of 21 MWp", "up to 100") states no sum to check the items against.
    for total in (f for f in facts if f.is_total and f.qualifier in ("exact", "approx")):
        parts = parts_of(total, facts)
        if len(parts) < 2:
            continue
        computed = sum(p.value for p in parts)
        allowed = tolerance(total)
        if abs(computed - total.value) <= allowed or _last_parts_add_up(parts, total.value, allowed):
            continue
        unit = "" if total.unit == "count" else f" {total.unit}"
        message = (
            f"The {len(parts)} items listed add up to {fmt(computed)}{unit}, "
            f"but the total stated is {fmt(total.value)}."
        )
        warnings.append(make_warning(NAME, "error", [*parts, total], total.value, computed, allowed, message))
    return warnings


def _last_parts_add_up(parts: list[Fact], total: float, allowed: float) -> bool:
    """The items after the first few add up: the first ones set the scene ("72 proposals were received;
    1) studies: 5, 2) feasibility: 17, 3) REDD+: 3, 25 in total"), they are no items of the sum."""
    firsts = range(1, len(parts) - 1)
    return any(abs(sum(part.value for part in parts[first:]) - total) <= allowed for first in firsts)


RULE = Rule(NAME, "The items a document lists add up to the total it states.", check_sums)
