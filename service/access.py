"""Who may do what: API keys with roles, and the viewer every read is filtered for.

Keys are high-entropy random strings shown once when created; the catalog keeps only their SHA-256,
so a leaked catalog reveals no key. A request names its key as ``Authorization: Bearer KEY``.
Without a key a request is refused (401), unless settings allow anonymous reading of public
documents. What a viewer may see is decided below HTTP: catalog and index queries take
``include_confidential`` (``viewer.sees_confidential``), so every way out goes through it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from corpus.store import Catalog, KeyRecord
from service.settings import Settings

KEY_PREFIX = "jcm_"


class Role(StrEnum):
    ADMIN = "admin"
    SECRETARIAT = "secretariat"
    REVIEWER = "reviewer"
    PUBLIC = "public"


ACTIONS = frozenset({"read", "read_confidential", "upload", "review", "delete", "manage_keys"})
PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.ADMIN: ACTIONS,
    Role.SECRETARIAT: frozenset({"read", "read_confidential", "upload"}),
    Role.REVIEWER: frozenset({"read", "read_confidential", "review"}),
    Role.PUBLIC: frozenset({"read"}),
}


@dataclass(frozen=True)
class Viewer:
    """Who is asking: a key's role and id, or an anonymous reader (public role, no key id)."""

    role: Role
    key_id: str | None

    @property
    def sees_confidential(self) -> bool:
        return self.may("read_confidential")

    def may(self, action: str) -> bool:
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}; known: {', '.join(sorted(ACTIONS))}")
        return action in PERMISSIONS[self.role]

    @property
    def refusal_status(self) -> int:
        """The status of a refused action: 401 for an anonymous reader, whom a key could allow; 403 for
        a key, whose role cannot."""
        return 401 if self.key_id is None else 403


ANONYMOUS = Viewer(Role.PUBLIC, None)
OPERATOR = Viewer(Role.ADMIN, None)  # the command line, run by whoever runs the service


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(catalog: Catalog, role: Role | str, name: str | None = None) -> tuple[KeyRecord, str]:
    """A new key of this role: its record (stored, hashed) and the key itself (shown once)."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    record = KeyRecord(
        id=secrets.token_hex(6),
        name=name,
        role=Role(role).value,
        key_hash=hash_key(key),
        created_at=datetime.now(UTC).isoformat(),
    )
    catalog.add_key(record)
    return record, key


def viewer_for(catalog: Catalog, authorization: str | None, settings: Settings) -> Viewer | None:
    """The viewer an Authorization header names; None when the request may not read at all."""
    if not authorization:
        return viewer_of_key(catalog, None, settings)
    scheme, _, key = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return None
    return viewer_of_key(catalog, key.strip(), settings)


def viewer_of_key(catalog: Catalog, key: str | None, settings: Settings) -> Viewer | None:
    """The viewer a key names; without a key, an anonymous reader when settings allow anonymous reading.
    None when the key is unknown or revoked, or reading needs a key."""
    if not key:
        return ANONYMOUS if settings.anonymous_read else None
    record = catalog.key_with_hash(hash_key(key))
    if record is None or record.revoked_at is not None:
        return None
    return Viewer(Role(record.role), record.id)


_bearer = HTTPBearer(auto_error=False, description="an API key: `jcm keys create --role ROLE` prints one")


def current_viewer(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None
) -> Viewer:
    """FastAPI dependency: the viewer of this request, or 401."""
    authorization = request.headers.get("authorization")
    viewer = viewer_for(request.app.state.archive.catalog, authorization, request.app.state.settings)
    if viewer is None:
        message = "an API key is required" if not authorization else "the API key is not valid"
        raise HTTPException(401, message, headers={"WWW-Authenticate": "Bearer"})
    return viewer


def require(action: str) -> Callable[[Viewer], Viewer]:
    """FastAPI dependency factory: the viewer, when its role may do ``action``; else 403 (401 for an
    anonymous reader, whom a key could allow)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")

    def allowed(viewer: Annotated[Viewer, Depends(current_viewer)]) -> Viewer:
        if viewer.may(action):
            return viewer
        doing = action.replace("_", " ")
        if viewer.refusal_status == 401:
            raise HTTPException(
                401, f"an API key is required to {doing}", headers={"WWW-Authenticate": "Bearer"}
            )
        raise HTTPException(403, f"the {viewer.role.value} role may not {doing}")

    return allowed
