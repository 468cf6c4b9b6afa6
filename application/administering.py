"""The front door for administration: deleting documents, API keys, rebuilding the index from the
catalog, and verifying that what is kept agrees with the catalog."""
from __future__ import annotations

from application.access import Action, Role, Viewer, create_key, require
from application.archive import Archive
from application.verify import Report, verify_archive
from corpus.store import KeyRecord


class Administering:
    """What one viewer may administer: each action is Refused to a role that may not do it."""

    def __init__(self, archive: Archive, viewer: Viewer) -> None:
        self.archive = archive
        self.viewer = viewer

    def delete_document(self, document_id: str) -> bool:
        """Remove a document: catalog, file (unless another document has the same bytes), index, and the
        warnings it was part of, recomputed. False when there is no such document."""
        require(self.viewer, Action.DELETE)
        with self.archive.writing:
            return self.archive.ingestion.delete(document_id)

    def api_keys(self) -> list[KeyRecord]:
        """The API keys' records (never the keys: only their hashes are kept)."""
        require(self.viewer, Action.MANAGE_KEYS)
        return self.archive.catalog.api_keys()

    def create_key(self, role: Role | str, name: str | None = None) -> tuple[KeyRecord, str]:
        """A new key's record and the key itself, which is shown this once."""
        require(self.viewer, Action.MANAGE_KEYS)
        return create_key(self.archive.catalog, role, name)

    def revoke_key(self, key_id: str) -> bool:
        require(self.viewer, Action.MANAGE_KEYS)
        return self.archive.catalog.revoke_key(key_id)

    def rebuild_index(self) -> int:
        """Recompute every warning and rebuild the index from the catalog; the passages indexed."""
        require(self.viewer, Action.MANAGE_KEYS)  # the operator's work, as keys are
        with self.archive.writing:
            return self.archive.derived.rebuild_index()

    def verify(self) -> Report:
        require(self.viewer, Action.MANAGE_KEYS)
        return verify_archive(self.archive)
