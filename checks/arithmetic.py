"""Reference emissions minus project emissions must equal the emission reductions stated beside them."""
from __future__ import annotations

from collections.abc import Sequence

from checks.base import Rule, fmt, make_warning, tolerance
from checks.pairing import Candidates, candidates, of_kind
from corpus.models import ConsistencyWarning, Fact

NAME = "reference_minus_project"


def check_reductions(facts: Sequence[Fact]) -> list[ConsistencyWarning]:
    warnings = []
    references: dict[str, Candidates] = {}
    projects: dict[str, Candidates] = {}
    for reduction in of_kind(facts, "emission_reduction"):
        unit = reduction.unit
        if unit not in references:
            references[unit] = candidates(facts, "reference_emissions", unit)
            projects[unit] = candidates(facts, "project_emissions", unit)
        reference = references[unit].partner(reduction)
        project = projects[unit].partner(reduction)
        if reference is not None and project is not None:
            warnings += _checked(reference, project, reduction)
    return warnings + [
        warning for reference, project, reduction in _total_rows(facts)
        for warning in _checked(reference, project, reduction)
    ]


def _total_rows(facts: Sequence[Fact]) -> list[tuple[Fact, Fact, Fact]]:
    """The totals of reference emissions, project emissions and reductions one block (a table's total
    row) states together, in one unit: the sums hold the same arithmetic as each year's row."""
    totals: dict[tuple[int, str, str], Fact] = {}
    for fact in facts:
        if fact.is_total:
            totals.setdefault((fact.evidence.block, fact.unit, fact.kind), fact)
    rows = []
    for (block, unit, kind), reduction in totals.items():
        reference = totals.get((block, unit, "reference_emissions"))
        project = totals.get((block, unit, "project_emissions"))
        if kind == "emission_reduction" and reference is not None and project is not None:
            rows.append((reference, project, reduction))
    return rows


def _checked(reference: Fact, project: Fact, reduction: Fact) -> list[ConsistencyWarning]:
    computed = reference.value - project.value
    allowed = max(tolerance(reduction), tolerance(reference), tolerance(project))
    if abs(computed - reduction.value) <= allowed:
        return []
    message = (
        f"Reference emissions of {fmt(reference.value)} minus project emissions of {fmt(project.value)} "
        f"give {fmt(computed)} {reduction.unit}, but the emission reductions stated are "
        f"{fmt(reduction.value)}."
    )
    involved = [reference, project, reduction]
    return [make_warning(NAME, "error", involved, reduction.value, computed, allowed, message)]


RULE = Rule(NAME, "Reference minus project emissions equal the stated reductions.", check_reductions)
