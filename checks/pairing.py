"""Finding the facts that belong together: the same subject first, then the nearest in the text."""
from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence

from corpus.models import Fact


class _Ordered:
    """Facts in document order, for the one nearest a position."""

    def __init__(self) -> None:
        self.facts: list[Fact] = []
        self.starts: list[int] = []

    def add(self, fact: Fact) -> None:  # facts come in document order
        self.facts.append(fact)
        self.starts.append(fact.evidence.start)

    def nearest(self, start: int) -> Fact:
        at = bisect_left(self.starts, start)
        around = self.facts[max(at - 1, 0) : at + 1]
        return min(around, key=lambda c: abs(c.evidence.start - start))


class Candidates:
    """Facts of one kind, grouped by subject and ordered by position, for nearest-fact look-ups."""

    def __init__(self, facts: Sequence[Fact]) -> None:
        self.by_subject: dict[str | None, _Ordered] = defaultdict(_Ordered)
        self.by_block: dict[tuple[str | None, int], _Ordered] = defaultdict(_Ordered)
        self.by_period: dict[tuple[str | None, str], _Ordered] = defaultdict(_Ordered)
        for fact in sorted(facts, key=lambda f: f.evidence.start):
            self.by_subject[fact.subject].add(fact)
            self.by_block[fact.subject, fact.evidence.block].add(fact)
            if fact.period is not None:
                self.by_period[fact.subject, fact.period].add(fact)

    def partner(self, anchor: Fact) -> Fact | None:
        """The candidate about the same subject as the anchor: in the same block (a table's row), else of
        the same period (a year's row), else the nearest in the document."""
        subject = anchor.subject
        if subject not in self.by_subject and subject is not None:
            # Prose often names the project once and states its numbers without repeating the name.
            subject = None
        if subject not in self.by_subject:
            return None
        group = (
            self.by_block.get((subject, anchor.evidence.block))
            or (self.by_period.get((subject, anchor.period)) if anchor.period is not None else None)
            or self.by_subject[subject]
        )
        return group.nearest(anchor.evidence.start)


def of_kind(facts: Sequence[Fact], kind: str, unit: str | None = None) -> list[Fact]:
    return [f for f in facts if f.kind == kind and (unit is None or f.unit == unit) and not f.is_total]


def candidates(facts: Sequence[Fact], kind: str, unit: str) -> Candidates:
    return Candidates(of_kind(facts, kind, unit))
