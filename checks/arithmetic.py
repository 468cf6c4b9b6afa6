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
        if reference is None or project is None:
            continue
        computed = reference.value - project.value
        allowed = max(tolerance(reduction), tolerance(reference), tolerance(project))
        if abs(computed - reduction.value) <= allowed:
            continue
        message = (
            f"Reference emissions of {fmt(reference.value)} minus project emissions of {fmt(project.value)} "
            f"give {fmt(computed)} {reduction.unit}, but the emission reductions stated are "
            f"{fmt(reduction.value)}."
        )
        involved = [reference, project, reduction]
        warnings.append(make_warning(NAME, "error", involved, reduction.value, computed, allowed, message))
    return warnings


RULE = Rule(NAME, "Reference minus project emissions equal the stated reductions.", check_reductions)
