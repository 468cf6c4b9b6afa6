"""Who is asking: roles, viewers and what each may do.

No key store exists yet, so every request is served as an administrator. The contract below
(Role, Viewer, viewer_for) is what the API and the web pages rely on; a key store replaces the body
of viewer_for without changing its callers.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from corpus.store import Catalog
from service.settings import Settings


class Role(StrEnum):
    admin = "admin"
    secretariat = "secretariat"
    reviewer = "reviewer"
    public = "public"


ACTIONS = {
    Role.admin: {"read", "read_confidential", "upload", "review", "delete", "manage_keys"},
    Role.secretariat: {"read", "read_confidential", "upload", "review"},
    Role.reviewer: {"read", "read_confidential", "review"},
    Role.public: {"read"},
}


@dataclass(frozen=True)
class Viewer:
    role: Role
    key_id: str | None

    @property
    def sees_confidential(self) -> bool:
        return self.may("read_confidential")

    def may(self, action: str) -> bool:
        return action in ACTIONS[self.role]


def viewer_for(catalog: Catalog, authorization: str | None, settings: Settings) -> Viewer | None:
    """The viewer an Authorization header value names; None for a key that is not valid.

    Without a key store every request, with or without a key, is an administrator's.
    """
    return Viewer(Role.admin, None)
