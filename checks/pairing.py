"""Finding the facts that belong together: the same subject first, then the nearest in the text."""
from __future__ import annotations

from collections.abc import Sequence

from corpus.models import Fact


def partner(anchor: Fact, candidates: Sequence[Fact]) -> Fact | None:
    """The candidate about the same subject as the anchor, nearest to it in the document."""
    same_subject = [c for c in candidates if c.subject == anchor.subject]
    if not same_subject and anchor.subject is not None:
        # Prose often names the project once and states its numbers without repeating the name.
        same_subject = [c for c in candidates if c.subject is None]
    if not same_subject:
        return None
    return min(same_subject, key=lambda c: abs(c.evidence.start - anchor.evidence.start))


def of_kind(facts: Sequence[Fact], kind: str, unit: str | None = None) -> list[Fact]:
    return [f for f in facts if f.kind == kind and (unit is None or f.unit == unit) and not f.is_total]
