"""Annual amount times the number of years must give the cumulative amount stated beside them."""
from __future__ import annotations

from collections.abc import Sequence

from checks.base import Rule, fmt, make_warning, tolerance
from checks.pairing import Candidates, of_kind
from corpus.models import Fact, Warning

NAME = "annual_times_years"
ANNUAL_UNITS = {"tCO2e/yr": "tCO2e"}
YEARS_KINDS = ("crediting_period",)


def check_cumulative(facts: Sequence[Fact]) -> list[Warning]:
    warnings = []
    years = Candidates([f for f in facts if f.kind in YEARS_KINDS and f.unit == "year"])
    for annual_unit, cumulative_unit in ANNUAL_UNITS.items():
        annuals = Candidates(of_kind(facts, "emission_reduction", annual_unit))
        for cumulative in (f for f in facts if f.kind == "emission_reduction" and f.unit == cumulative_unit):
            annual, span = annuals.partner(cumulative), years.partner(cumulative)
            if annual is None or span is None or not _same_passage(cumulative, annual, span):
                continue
            warning = _compare(annual, span, cumulative)
            if warning:
                warnings.append(warning)
    return warnings


def _same_passage(*facts: Fact) -> bool:
    # A cumulative figure is only read against an annual one and a duration stated with it.
    blocks = [f.evidence.block for f in facts]
    return max(blocks) - min(blocks) <= 1


def _compare(annual: Fact, span: Fact, cumulative: Fact) -> Warning | None:
    computed = annual.value * span.value
    allowed = max(tolerance(cumulative), tolerance(annual) * span.value)
    if abs(computed - cumulative.value) <= allowed:
        return None
    message = (
        f"{fmt(annual.value)} {annual.unit} over {fmt(span.value)} years gives {fmt(computed)} "
        f"{cumulative.unit}, but the cumulative amount stated is {fmt(cumulative.value)}."
    )
    involved = [annual, span, cumulative]
    return make_warning(NAME, "error", involved, cumulative.value, computed, allowed, message)


RULE = Rule(NAME, "Annual amount times years equals the stated cumulative amount.", check_cumulative)
