"""Consistency rules over extracted facts. Pure: facts in, warnings out."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence

from checks import (
    arithmetic,
    counts,
    credits,
    crossdoc,
    cumulative,
    currency,
    separators,
    shares,
    sums,
    units,
)
from checks.base import Rule
from checks.projects import Decisions, DocumentProfile, Signature
from corpus.models import ConsistencyWarning, Fact

DOCUMENT_RULES: list[Rule] = [
    sums.RULE,
    arithmetic.RULE,
    shares.SHARE_RULE,
    shares.CAP_RULE,
    counts.RULE,
    cumulative.RULE,
    credits.RULE,
    currency.RULE,
    separators.RULE,
    units.RULE,
]
CROSS_DOCUMENT_RULE_NAMES: tuple[str, ...] = crossdoc.RULE_NAMES
# The only facts the rules across documents read, besides the documents' signatures.
CROSS_DOCUMENT_KINDS: frozenset[str] = frozenset(crossdoc.COMPARED_KINDS)


def run_checks(facts: Sequence[Fact]) -> list[ConsistencyWarning]:
    """Every rule over the facts of each document; one warning per distinct finding."""
    by_document: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        by_document[fact.document.id].append(fact)
    found: dict[str, ConsistencyWarning] = {}
    for document_facts in by_document.values():
        ordered = sorted(document_facts, key=lambda f: f.evidence.start)
        for rule in DOCUMENT_RULES:
            for warning in rule.check(ordered):
                found.setdefault(warning.id, warning)
    return list(found.values())


def run_cross_document_checks(
    facts: Sequence[Fact],
    profiles: Mapping[str, DocumentProfile] | None = None,
    involving: Collection[str] | None = None,
    signatures: Mapping[str, Signature] | None = None,
    decisions: Decisions | None = None,
) -> list[ConsistencyWarning]:
    """Rules comparing documents about the same project; `profiles` adds what a document says beyond its
    numbers (title, host country, monitoring period), keyed by document id. With `involving`, only the
    pairs of documents that hold one of those; `signatures`, the project signatures kept with the
    profiles, spare computing them again from every fact; `decisions`, the reviewers' on which documents
    are one project, outweigh the evidence."""
    return crossdoc.check_across_documents(facts, profiles or {}, involving, signatures, decisions)


__all__ = [
    "DocumentProfile", "run_checks", "run_cross_document_checks", "CROSS_DOCUMENT_KINDS",
    "CROSS_DOCUMENT_RULE_NAMES",
]
