"""Credits shared between the sides (or among participants) must add up to the credits issued."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from checks.base import Rule, fmt, make_warning, tolerance
from corpus.models import ConsistencyWarning, Fact, Severity

NAME = "credit_shares"
KIND = "credits_issued"


def _whole_and_shares(stated: list[Fact]) -> tuple[Fact, list[Fact]] | None:
    """The issued amount and its shares in one sentence: the total, else a first figure above the rest."""
    totals = [f for f in stated if f.is_total]
    if len(totals) == 1:
        whole = totals[0]
    elif not totals and all(stated[0].value > f.value for f in stated[1:]):
        whole = stated[0]
    else:
        return None
    shares = [f for f in stated if f is not whole]
    return (whole, shares) if len(shares) >= 2 else None


def check_credit_shares(facts: Sequence[Fact]) -> list[ConsistencyWarning]:
    per_sentence: dict[tuple[int, str, str], list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.kind == KIND and fact.unit != "%":
            per_sentence[(fact.evidence.block, fact.evidence.text, fact.unit)].append(fact)
    warnings = []
    for stated in per_sentence.values():
        split = _whole_and_shares(sorted(stated, key=lambda f: f.evidence.start))
        if split is None:
            continue
        whole, shares = split
        computed = sum(f.value for f in shares)
        allowed = max(tolerance(whole), sum(tolerance(f) for f in shares))
        if abs(computed - whole.value) <= allowed:
            continue
        severity, message = _finding(len(shares), computed, whole)
        involved = [*shares, whole]
        warnings.append(make_warning(NAME, severity, involved, whole.value, computed, allowed, message))
    return warnings


def _finding(count: int, computed: float, whole: Fact) -> tuple[Severity, str]:
    """More shared than issued is an error; less may be right, the rest going to project participants
    that the text does not name, so it is only noted."""
    stated = f"The {count} shares of credits add up to {fmt(computed)} {whole.unit}, but {fmt(whole.value)}"
    stated += " were issued"
    if computed > whole.value:
        return "error", stated + "."
    return "info", stated + ": the rest may go to project participants the text does not name."


RULE = Rule(NAME, "Credit shares add up to the credits issued.", check_credit_shares)
