"""Rules across documents: the same project must state the same numbers everywhere, and what is monitored
is read against the ex-ante estimate of the PDD."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import date

from checks.base import fmt, make_warning, tolerance
from checks.projects import Decisions, DocumentProfile, Signature, project_pairs, signature
from corpus.models import ConsistencyWarning, Fact

SAME_PROJECT = "same_project_values"
MONITORED = "monitored_vs_ex_ante"
RULE_NAMES = (SAME_PROJECT, MONITORED)

# Numbers that describe a project the same way in every document about it.
COMPARED_KINDS = {
    "credits_issued", "project_cost", "subsidy_amount", "subsidy_share", "capacity", "crediting_period",
    "emission_reduction", "reference_emissions", "project_emissions",
}
# Amounts over a period are only compared between documents covering the same monitoring period.
PERIOD_AMOUNT_UNITS = {"tCO2e"}
# Credits are compared per side they went to (Japan's share of an issuance); what was issued in all grows
# with each issuance, so two documents of different years may both be right: the newer one says more.
SIDE_KINDS = {"credits_issued"}
SIDES = {"Japan"}
GROWING_KINDS = {"credits_issued"}
LABELS = {
    "project_cost": "a project cost", "subsidy_amount": "a subsidy", "subsidy_share": "a subsidy rate",
    "capacity": "a capacity", "crediting_period": "a crediting period",
    "emission_reduction": "emission reductions", "reference_emissions": "reference emissions",
    "project_emissions": "project emissions", "credits_issued": "credits issued to Japan",
}
DAYS_PER_YEAR = 365.25

Key = tuple[str, str, str | None]


class _Document:
    """One document's facts, its project signature and the values it states unambiguously."""

    def __init__(self, facts: list[Fact], profile: DocumentProfile | None, found: Signature | None) -> None:
        self.facts = facts
        self.period = profile.monitoring_period if profile else None
        self.year = profile.year if profile else None
        self.signature: Signature = found or signature(facts, profile)
        self.stated = self._single_values()

    def _single_values(self) -> dict[Key, Fact]:
        """Per kind, unit and period: the one value the document states (none when it states several)."""
        grouped: dict[Key, list[Fact]] = defaultdict(list)
        for fact in self.facts:
            if fact.kind in COMPARED_KINDS and not fact.is_total and fact.qualifier in ("exact", "approx"):
                if fact.kind in SIDE_KINDS:
                    if fact.subject in SIDES:
                        grouped[(fact.kind, fact.unit, f"side:{fact.subject}")].append(fact)
                    continue
                period = self.period_of(fact) if fact.unit in PERIOD_AMOUNT_UNITS else None
                if fact.unit in PERIOD_AMOUNT_UNITS and period is None:
                    continue
                grouped[(fact.kind, fact.unit, period)].append(fact)
        return {key: facts[0] for key, facts in grouped.items() if _one_value(facts)}

    def period_of(self, fact: Fact) -> str | None:
        """The monitoring period an amount covers: its own, else the one the document states; none for
        an amount over a lifetime or crediting period (P15Y), which no monitoring covers."""
        if fact.period and fact.period.startswith("P"):
            return None
        return fact.period if fact.period and "/" in fact.period else self.period

    def monitored(self, kind: str) -> list[tuple[str, Fact]]:
        """The amounts of this kind the document states, one per monitoring period."""
        stated = self.stated.items()
        return [(period, f) for (k, unit, period), f in stated if (k, unit) == (kind, "tCO2e") and period]


def _one_value(facts: Sequence[Fact]) -> bool:
    first = facts[0]
    return all(abs(f.value - first.value) <= max(tolerance(f), tolerance(first)) for f in facts[1:])


def check_across_documents(
    facts: Sequence[Fact],
    profiles: Mapping[str, DocumentProfile],
    involving: Collection[str] | None = None,
    signatures: Mapping[str, Signature] | None = None,
    decisions: Decisions | None = None,
) -> list[ConsistencyWarning]:
    """The warnings of every pair of documents about the same project (by the evidence, or by a
    reviewer's decision); with `involving`, of the pairs with at least one of those documents (what a
    change to them can alter). `signatures` are those kept with the documents' profiles; a document
    without one gets it computed from its facts and profile."""
    by_document: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        by_document[fact.document.id].append(fact)
    kept = signatures or {}
    documents = {d: _Document(sorted(f, key=lambda x: x.evidence.start), profiles.get(d), kept.get(d))
                 for d, f in sorted(by_document.items())}
    found: dict[str, ConsistencyWarning] = {}
    signatures = {d: document.signature for d, document in documents.items()}
    for first_id, second_id in project_pairs(signatures, involving, decisions):
        first, second = documents[first_id], documents[second_id]
        pair = _differences(first, second) + _monitored(first, second) + _monitored(second, first)
        for warning in pair:
            found.setdefault(warning.id, warning)
    return list(found.values())


def _differences(first: _Document, second: _Document) -> list[ConsistencyWarning]:
    warnings = []
    for key in sorted(first.stated.keys() & second.stated.keys(), key=str):
        one, other = first.stated[key], second.stated[key]
        allowed = max(tolerance(one), tolerance(other))
        if abs(one.value - other.value) <= allowed:
            continue
        name = one.subject if one.kind not in SIDE_KINDS else None
        project = f"The project “{name}”" if name else "The project"
        message = (
            f"{project} states {LABELS[one.kind]} of {fmt(one.value)} {one.unit} in "
            f"{one.document.filename} but {fmt(other.value)} {other.unit} in {other.document.filename}."
        )
        newer = _newer(first, second)
        severity = "info" if newer and one.kind in GROWING_KINDS else "warning"
        if newer:
            message += f" {newer.facts[0].document.filename} ({newer.year}) is the newer document" + (
                ": a later issuance may explain the difference." if severity == "info" else "."
            )
        pair = [one, other]
        warnings.append(make_warning(SAME_PROJECT, severity, pair, one.value, other.value, allowed, message))
    return warnings


def _newer(first: _Document, second: _Document) -> _Document | None:
    """The document of the later year, when both state their year and the years differ."""
    if first.year is None or second.year is None or first.year == second.year:
        return None
    return first if first.year > second.year else second


def _years(period: str) -> float | None:
    try:
        start, end = (date.fromisoformat(day) for day in period.split("/"))
    except ValueError:
        return None
    days = (end - start).days + 1
    return days / DAYS_PER_YEAR if days > 0 else None


def _monitored(estimate_document: _Document, monitored_document: _Document) -> list[ConsistencyWarning]:
    """Reductions monitored over each period against the annual ex-ante estimate scaled to that period."""
    annual = estimate_document.stated.get(("emission_reduction", "tCO2e/yr", None))
    if annual is None:
        return []
    found = []
    for period, monitored in monitored_document.monitored("emission_reduction"):
        warning = _against_estimate(annual, monitored, period)
        if warning:
            found.append(warning)
    return found


def _against_estimate(annual: Fact, monitored: Fact, period: str) -> ConsistencyWarning | None:
    years = _years(period)
    if years is None:
        return None
    # A day's rounding in the period is not a discrepancy: twelve months are one year.
    years = round(years * 12) / 12
    expected = annual.value * years
    allowed = max(tolerance(monitored), tolerance(annual) * years)
    if abs(monitored.value - expected) <= allowed:
        return None
    above = monitored.value > expected
    message = (
        f"Monitored emission reductions of {fmt(monitored.value)} tCO2e for {period.replace('/', ' to ')} in "
        f"{monitored.document.filename} are {'above' if above else 'below'} the ex-ante estimate of "
        f"{fmt(expected)} tCO2e for that period ({fmt(annual.value)} tCO2e/yr in {annual.document.filename})."
    )
    severity = "warning" if above else "info"
    involved = [annual, monitored]
    return make_warning(MONITORED, severity, involved, expected, monitored.value, allowed, message)
