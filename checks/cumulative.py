"""Annual amount times the number of years must give the cumulative amount stated beside them."""
from __future__ import annotations

from collections.abc import Sequence

from checks.base import Rule, fmt, make_warning, span_years, tolerance
from checks.pairing import Candidates, of_kind
from corpus.models import ConsistencyWarning, Fact

NAME = "annual_times_years"
ANNUAL_UNITS = {"tCO2e/yr": "tCO2e"}
YEARS_KINDS = ("crediting_period",)
KIND = "emission_reduction"


class _Annual:
    """One reading of the annual amount a cumulative one is stated for, and the facts it comes from."""

    def __init__(self, facts: Sequence[Fact]) -> None:
        self.facts = list(facts)
        self.value = sum(f.value for f in facts)
        self.tolerance = sum(tolerance(f) for f in facts)


def check_cumulative(facts: Sequence[Fact]) -> list[ConsistencyWarning]:
    warnings = []
    years = Candidates([f for f in facts if f.kind in YEARS_KINDS and f.unit == "year"])
    for annual_unit, cumulative_unit in ANNUAL_UNITS.items():
        annuals = Candidates(of_kind(facts, KIND, annual_unit))
        by_block = _by_block([f for f in facts if f.kind == KIND and f.unit == annual_unit])
        for cumulative in (f for f in facts if f.kind == KIND and f.unit == cumulative_unit):
            nearest = annuals.partner(cumulative)
            if nearest is None:
                continue
            readings = _readings(cumulative, nearest, by_block)
            warning = _check_readings(readings, cumulative, years)
            if warning:
                warnings.append(warning)
    return warnings


def _by_block(facts: Sequence[Fact]) -> dict[int, list[Fact]]:
    grouped: dict[int, list[Fact]] = {}
    for fact in facts:
        grouped.setdefault(fact.evidence.block, []).append(fact)
    return grouped


def _readings(cumulative: Fact, nearest: Fact, annual_by_block: dict[int, list[Fact]]) -> list[_Annual]:
    """The annual amounts a cumulative one may be stated for, the likeliest first: the one nearest it; for
    a cumulative total ("together, 45,000 t over 15 years"), the annual total stated before it in its
    passage, else the sum of the annual amounts listed there."""
    readings = [_Annual([nearest])]
    if not cumulative.is_total:
        return readings
    block = cumulative.evidence.block
    passage = [f for b in (block - 1, block, block + 1) for f in annual_by_block.get(b, ())]
    before = sorted(
        (f for f in passage if f.evidence.start < cumulative.evidence.start), key=lambda f: f.evidence.start
    )
    totals = [f for f in before if f.is_total]
    if totals:
        return [_Annual([totals[-1]]), *readings]
    parts = [f for f in before if not f.is_total]
    return [_Annual(parts), *readings] if len(parts) >= 2 else readings


def _check_readings(
    readings: list[_Annual], cumulative: Fact, years: Candidates
) -> ConsistencyWarning | None:
    """A warning only when no reading of the annual amount agrees: the text may mean either."""
    warnings = [_check_pair(annual, cumulative, years) for annual in readings]
    return None if None in warnings else warnings[0]


def _check_pair(annual: _Annual, cumulative: Fact, years: Candidates) -> ConsistencyWarning | None:
    """The years are those the cumulative amount is stated over, else the crediting period beside it."""
    stated = span_years(cumulative)
    if stated is not None:
        return _compare(annual, stated, [], cumulative) if _same_passage(cumulative, *annual.facts) else None
    span = years.partner(cumulative)
    if span is None or not _same_passage(cumulative, span, *annual.facts):
        return None
    return _compare(annual, span.value, [span], cumulative)


def _same_passage(*facts: Fact) -> bool:
    # A cumulative figure is only read against an annual one and a duration stated with it.
    blocks = [f.evidence.block for f in facts]
    return max(blocks) - min(blocks) <= 1


def _compare(annual: _Annual, years: float, spans: list[Fact], cumulative: Fact) -> ConsistencyWarning | None:
    computed = annual.value * years
    allowed = max(tolerance(cumulative), annual.tolerance * years)
    if abs(computed - cumulative.value) <= allowed:
        return None
    unit = annual.facts[0].unit
    message = (
        f"{fmt(annual.value)} {unit} over {fmt(years)} years gives {fmt(computed)} "
        f"{cumulative.unit}, but the cumulative amount stated is {fmt(cumulative.value)}."
    )
    involved = [*annual.facts, *spans, cumulative]
    return make_warning(NAME, "error", involved, cumulative.value, computed, allowed, message)


RULE = Rule(NAME, "Annual amount times years equals the stated cumulative amount.", check_cumulative)
