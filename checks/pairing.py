"""Finding the facts that belong together: the same subject first, then the nearest in the text."""
from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence

from corpus.models import Fact


class Candidates:
    """Facts of one kind, grouped by subject and ordered by position, for nearest-fact look-ups."""

    def __init__(self, facts: Sequence[Fact]) -> None:
        self.by_subject: dict[str | None, list[Fact]] = defaultdict(list)
        for fact in sorted(facts, key=lambda f: f.evidence.start):
            self.by_subject[fact.subject].append(fact)
        self.starts = {s: [f.evidence.start for f in group] for s, group in self.by_subject.items()}

    def partner(self, anchor: Fact) -> Fact | None:
        """The candidate about the same subject as the anchor, nearest to it in the document."""
        subject = anchor.subject
        if subject not in self.by_subject and subject is not None:
            # Prose often names the project once and states its numbers without repeating the name.
            subject = None
        group = self.by_subject.get(subject)
        if not group:
            return None
        at = bisect_left(self.starts[subject], anchor.evidence.start)
        around = group[max(at - 1, 0) : at + 1]
        return min(around, key=lambda c: abs(c.evidence.start - anchor.evidence.start))


def of_kind(facts: Sequence[Fact], kind: str, unit: str | None = None) -> list[Fact]:
    return [f for f in facts if f.kind == kind and (unit is None or f.unit == unit) and not f.is_total]


def candidates(facts: Sequence[Fact], kind: str, unit: str) -> Candidates:
    return Candidates(of_kind(facts, kind, unit))
