"""The front door for reviewers: a warning acknowledged, dismissed or reopened with a note, and the
decision that two documents are (not) one project, which the warnings across documents follow at once."""
from __future__ import annotations

from datetime import UTC, datetime

from application.access import Action, Viewer, require
from application.archive import Archive
from corpus.models import ConsistencyWarning, ProjectDecision, WarningStatus


class Reviewing:
    """What one viewer may decide as a reviewer; Refused for a viewer whose role may not review."""

    def __init__(self, archive: Archive, viewer: Viewer) -> None:
        self.viewer = require(viewer, Action.REVIEW)
        self.archive = archive

    def review_warning(
        self, warning_id: str, status: WarningStatus, note: str | None
    ) -> ConsistencyWarning | None:
        """The warning with its new review status, or None when there is no such warning."""
        return self.archive.catalog.review_warning(warning_id, status, note)

    def decide(self, decision: ProjectDecision) -> ProjectDecision:
        """Keep a reviewer's decision that two documents are (not) one project; their warnings across
        documents follow it at once. It outweighs the evidence and outlives re-ingestion."""
        update = {"documents": sorted(decision.documents), "decided_at": datetime.now(UTC)}
        kept = decision.model_copy(update=update)
        with self.archive.writing:  # the warnings it changes are written as an ingest writes them
            self.archive.catalog.save_decision(kept)
            self.archive.derived.refresh(set(kept.documents))
        return kept

    def undecide(self, first: str, second: str) -> bool:
        """Withdraw a reviewer's decision: the evidence decides the pair again. False when there was none."""
        with self.archive.writing:
            removed = self.archive.catalog.delete_decision(first, second)
            if removed:
                self.archive.derived.refresh({first, second})
        return removed
