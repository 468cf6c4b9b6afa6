"""What every consistency rule shares: tolerance from a number's own precision, and warning construction."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from corpus.models import ConsistencyWarning, DocumentRef, Fact, Severity

# A fact list of one document in, warnings out.
RuleCheck = Callable[[Sequence[Fact]], list[ConsistencyWarning]]

# A stated figure is trusted to its own rounding, but never beyond this share of its size:
# "10,000" next to 9,600 is a discrepancy, not rounding.
MAX_EXACT_TOLERANCE = 0.01
MAX_APPROX_TOLERANCE = 0.05
# Things counted one by one (credits are issued by the tonne): a small count is not rounded, whatever its
# trailing zero suggests, so 150 credits against 151 is a discrepancy.
COUNTED_KINDS = frozenset({"credits_issued", "project_count", "partner_country_count"})
UNROUNDED_COUNT_BELOW = 1000


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    check: RuleCheck


def implied_precision(fact: Fact) -> float:
    """The rounding unit of a stated number: what the text showed, else the value's trailing zeros."""
    value = abs(fact.value)
    counted = fact.kind in COUNTED_KINDS and fact.unit != "%" and value == int(value)
    if counted and value < UNROUNDED_COUNT_BELOW:
        return 1.0
    if fact.precision:
        return fact.precision
    if value != int(value) or value == 0:
        return 0.0
    unit = 1.0
    while value % (unit * 10) == 0:
        unit *= 10
    return unit


def tolerance(stated: Fact) -> float:
    """How far a computed value may sit from a stated one and still agree with it (XBRL Calc 1.1 style)."""
    precision = implied_precision(stated)
    if stated.qualifier == "approx":
        return min(precision, MAX_APPROX_TOLERANCE * abs(stated.value))
    return min(precision / 2, MAX_EXACT_TOLERANCE * abs(stated.value))


def make_warning(
    rule: str,
    severity: Severity,
    facts: Sequence[Fact],
    expected: float,
    found: float,
    tolerance_used: float,
    message: str,
) -> ConsistencyWarning:
    documents = list({f.document.id: f.document for f in facts}.values())
    return ConsistencyWarning(
        id=warning_id(rule, documents, facts[0].kind, expected, found),
        rule=rule,
        severity=severity,
        documents=documents,
        facts=list(facts),
        expected=expected,
        found=found,
        tolerance=tolerance_used,
        message=message,
    )


def warning_id(rule: str, documents: Sequence[DocumentRef], kind: str, expected: float, found: float) -> str:
    # Built from the numbers, not from offsets, so a reviewer's decision survives re-ingestion
    # of a document whose numbers did not change.
    key = "|".join([rule, ",".join(sorted(d.id for d in documents)), kind, f"{expected:g}", f"{found:g}"])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def fmt(value: float) -> str:
    """A number as a reviewer reads it: thousands separators, no float noise."""
    return f"{value:,.0f}" if value == int(value) else f"{value:,.4g}"


# The period of an amount stated over N years (a lifetime, a crediting period): an ISO 8601 duration.
_SPAN = re.compile(r"P(?P<years>[0-9]+(?:\.[0-9]+)?)Y")


def span_years(fact: Fact) -> float | None:
    """The years an amount is stated over ("18,000 t over its 15-year lifetime" -> 15), if it says."""
    match = _SPAN.fullmatch(fact.period or "")
    return float(match["years"]) if match else None
