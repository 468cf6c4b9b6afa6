"""Consistency rules over extracted facts. Pure: facts in, warnings out."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from checks import arithmetic, shares, sums
from checks.base import Rule
from corpus.models import Fact, Warning

DOCUMENT_RULES: list[Rule] = [sums.RULE, arithmetic.RULE, shares.SHARE_RULE, shares.CAP_RULE]


def run_checks(facts: Sequence[Fact]) -> list[Warning]:
    """Every rule over the facts of each document; one warning per distinct finding."""
    by_document: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        by_document[fact.document.id].append(fact)
    found: dict[str, Warning] = {}
    for document_facts in by_document.values():
        ordered = sorted(document_facts, key=lambda f: f.evidence.start)
        for rule in DOCUMENT_RULES:
            for warning in rule.check(ordered):
                found.setdefault(warning.id, warning)
    return list(found.values())
