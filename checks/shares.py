"""Subsidy shares: a stated rate must match the amounts, and support must stay within the programme cap."""
from __future__ import annotations

from collections.abc import Sequence

from checks.base import Rule, fmt, implied_precision, make_warning
from checks.pairing import Candidates, candidates, of_kind
from corpus.models import ConsistencyWarning, Fact

SHARE_NAME = "stated_share"
CAP_NAME = "programme_cap"
# JCM model-project financing supports at most half of the initial investment cost.
DEFAULT_CAP_PERCENT = 50.0
# Amounts stated "about" may be off by this much of themselves.
APPROX_RELATIVE = 0.05


def subsidy_pairs(facts: Sequence[Fact]) -> list[tuple[Fact, Fact]]:
    """Each subsidy amount with the project cost of the same subject and currency."""
    pairs = []
    costs: dict[str, Candidates] = {}
    for subsidy in of_kind(facts, "subsidy_amount"):
        if subsidy.unit not in costs:
            costs[subsidy.unit] = candidates(facts, "project_cost", subsidy.unit)
        cost = costs[subsidy.unit].partner(subsidy)
        if cost is not None and cost.value > 0:
            pairs.append((subsidy, cost))
    return pairs


def percent(subsidy: Fact, cost: Fact) -> float:
    return 100 * subsidy.value / cost.value


def share_tolerance(stated: Fact, subsidy: Fact, cost: Fact) -> float:
    """Half the stated rate's rounding unit, widened when either amount is only approximate."""
    allowed = max(implied_precision(stated), 1.0) / 2
    if "approx" in (subsidy.qualifier, cost.qualifier):
        allowed += percent(subsidy, cost) * 2 * APPROX_RELATIVE
    return allowed


def check_stated_shares(facts: Sequence[Fact]) -> list[ConsistencyWarning]:
    warnings = []
    stated_rates = Candidates([f for f in of_kind(facts, "subsidy_share", "%") if f.qualifier == "exact"])
    for subsidy, cost in subsidy_pairs(facts):
        stated = stated_rates.partner(subsidy)
        if stated is None:
            continue
        computed = percent(subsidy, cost)
        allowed = share_tolerance(stated, subsidy, cost)
        if abs(computed - stated.value) <= allowed:
            continue
        message = (
            f"A subsidy of {fmt(subsidy.value)} {subsidy.unit} on a cost of {fmt(cost.value)} is "
            f"{computed:.1f}%, but the rate stated is {fmt(stated.value)}%."
        )
        warnings.append(make_warning(SHARE_NAME, "warning", [subsidy, cost, stated], stated.value,
                                     round(computed, 2), allowed, message))
    return warnings


def cap_of(facts: Sequence[Fact]) -> tuple[float, Fact | None]:
    """The cap the document states ("up to 50%"), else the programme's default."""
    caps = [f for f in of_kind(facts, "subsidy_share", "%") if f.qualifier == "at_most"]
    if caps:
        return caps[0].value, caps[0]
    return DEFAULT_CAP_PERCENT, None


def check_caps(facts: Sequence[Fact]) -> list[ConsistencyWarning]:
    warnings = []
    cap, cap_fact = cap_of(facts)
    for subsidy, cost in subsidy_pairs(facts):
        computed = percent(subsidy, cost)
        approximate = "approx" in (subsidy.qualifier, cost.qualifier)
        if computed <= cap + 0.05 or (approximate and computed <= cap * (1 + APPROX_RELATIVE)):
            continue
        source = "the cap the document states" if cap_fact else "the JCM model-project cap"
        message = (
            f"Support of {fmt(subsidy.value)} {subsidy.unit} is {computed:.1f}% of the project cost of "
            f"{fmt(cost.value)}, above {source} of {fmt(cap)}%."
        )
        involved = [subsidy, cost, *([cap_fact] if cap_fact else [])]
        warnings.append(make_warning(CAP_NAME, "warning", involved, cap, round(computed, 2), 0.05, message))
    return warnings


SHARE_RULE = Rule(SHARE_NAME, "A stated subsidy rate matches the amounts.", check_stated_shares)
CAP_RULE = Rule(CAP_NAME, "Support stays within the programme cap on the share of the cost.", check_caps)
