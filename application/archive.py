"""The archive: the data folder opened (application.resources) with the two ways it changes, ingestion
(application.ingest) and the state derived from the catalog (application.refresh). What the entry
points may do with it, they do through the front doors (application.front)."""
from __future__ import annotations

from application.ingest import Ingestion
from application.refresh import DerivedState
from application.resources import Resources
from application.settings import Settings


class Archive(Resources):
    """The catalog, index, workers and writers' lock of one data folder, with ``ingestion`` (files in,
    documents out) and ``derived`` (warnings across documents and the index, kept in step)."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.derived = DerivedState(self)
        self.ingestion = Ingestion(self, self.derived)
