"""Who may do what: API keys with roles, and the viewer every read is filtered for.

Keys are high-entropy random strings shown once when created; the catalog keeps only their SHA-256,
so a leaked catalog reveals no key. A request names its key as ``Authorization: Bearer KEY``.
Without a key a request is refused (401), unless settings allow anonymous reading of public
documents (service.dependencies turns these answers into a request's viewer, or 401 and 403). What a
viewer may see is decided below HTTP: catalog and index queries take
``include_confidential`` (``viewer.sees_confidential``), so every way out goes through it.

The web pages log a browser in with a session (``Sessions``): a signed token that names the key by its
id, never the key itself, and ends when it expires, when the browser logs out or when the key is revoked.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from application.settings import Settings
from corpus.layout import DataLayout
from corpus.store import Catalog, KeyRecord

KEY_PREFIX = "jcm_"


class Role(StrEnum):
    ADMIN = "admin"
    SECRETARIAT = "secretariat"
    REVIEWER = "reviewer"
    PUBLIC = "public"


class Action(StrEnum):
    """What a role may be allowed to do."""

    READ = "read"
    READ_CONFIDENTIAL = "read_confidential"
    UPLOAD = "upload"
    REVIEW = "review"
    DELETE = "delete"
    MANAGE_KEYS = "manage_keys"


ACTIONS = frozenset(Action)
PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.ADMIN: ACTIONS,
    Role.SECRETARIAT: frozenset({Action.READ, Action.READ_CONFIDENTIAL, Action.UPLOAD}),
    Role.REVIEWER: frozenset({Action.READ, Action.READ_CONFIDENTIAL, Action.REVIEW}),
    Role.PUBLIC: frozenset({Action.READ}),
}


@dataclass(frozen=True)
class Viewer:
    """Who is asking: a key's role and id, or an anonymous reader (public role, no key id)."""

    role: Role
    key_id: str | None

    @property
    def sees_confidential(self) -> bool:
        return self.may(Action.READ_CONFIDENTIAL)

    def may(self, action: Action) -> bool:
        # A misspelt action is a bug to hear about, not a refusal to pass on.
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


# ---------------------------------------------------------------- web sessions

SESSION_VERSION = "s1"
SECRET_BYTES = 32


def active_key(catalog: Catalog, key_id: str) -> KeyRecord | None:
    """The key with this id while it is not revoked: a session lives no longer than its key."""
    return next((r for r in catalog.api_keys() if r.id == key_id and r.revoked_at is None), None)


def session_secret(path: Path) -> bytes:
    """The secret that signs sessions, made on first use and readable by the service's user only.

    Written to a private temporary file and linked into place, so two processes starting at once agree
    on one secret and none ever reads a half-written one."""
    if not path.exists():
        partial = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(secrets.token_bytes(SECRET_BYTES))
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(partial, path)
        except FileExistsError:
            pass  # another process made it first: theirs is the one
        finally:
            partial.unlink()
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)  # copied in with looser permissions: whoever reads it can forge a login
    secret = path.read_bytes()
    if len(secret) < SECRET_BYTES:
        raise ValueError(f"{path} is damaged (too short); delete it (every browser logs in again)")
    return secret


@dataclass(frozen=True)
class SessionClaims:
    key_id: str
    expires: int  # Unix time
    nonce: str  # tells one login apart from another of the same key, so a logout ends only itself


class Sessions:
    """Logins of the web pages. The cookie holds ``s1.KEY_ID.EXPIRES.NONCE.MAC``, with an HMAC-SHA256 over
    the rest under a secret kept in the data folder: it names the key, never holds it, and cannot be
    forged or extended. Logging out records the nonce as ended (in a small SQLite file beside the
    catalog, so that a restart does not revive it); revoking the key ends all its sessions."""

    def __init__(self, data_dir: Path, lifetime_seconds: int) -> None:
        layout = DataLayout(data_dir)
        self.secret = session_secret(layout.session_secret)
        self.lifetime = lifetime_seconds
        self.ended_path = layout.ended_sessions
        with closing(self._connect()) as db, db:
            db.execute("CREATE TABLE IF NOT EXISTS ended (nonce TEXT PRIMARY KEY, expires INTEGER NOT NULL)")

    def start(self, key_id: str) -> str:
        """A new session of this key: the token the login cookie holds."""
        body = f"{SESSION_VERSION}.{key_id}.{int(time.time()) + self.lifetime}.{secrets.token_urlsafe(16)}"
        return f"{body}.{self._mac(body)}"

    def viewer(self, catalog: Catalog, token: str) -> Viewer | None:
        """The viewer of a session; None when the token is forged, expired or ended, or its key revoked."""
        claims = self.claims(token)
        if claims is None or self._ended(claims.nonce):
            return None
        record = active_key(catalog, claims.key_id)
        return Viewer(Role(record.role), record.id) if record else None

    def end(self, token: str) -> None:
        """Log out: the token no longer opens anything, even if a copy of it was kept."""
        claims = self.claims(token)
        if claims is None:
            return
        with closing(self._connect()) as db, db:
            db.execute("DELETE FROM ended WHERE expires < ?", (int(time.time()),))  # expired ones end anyway
            db.execute("INSERT OR IGNORE INTO ended VALUES (?, ?)", (claims.nonce, claims.expires))

    def claims(self, token: str) -> SessionClaims | None:
        """What a genuine, unexpired token says; None for anything else."""
        body, _, mac = token.rpartition(".")
        parts = body.split(".")
        if len(parts) != 4 or parts[0] != SESSION_VERSION or not parts[2].isdigit():
            return None
        if not hmac.compare_digest(mac.encode(), self._mac(body).encode()):
            return None
        claims = SessionClaims(parts[1], int(parts[2]), parts[3])
        return claims if claims.expires > time.time() else None

    def _mac(self, body: str) -> str:
        digest = hmac.new(self.secret, body.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def _ended(self, nonce: str) -> bool:
        with closing(self._connect()) as db:
            return db.execute("SELECT 1 FROM ended WHERE nonce = ?", (nonce,)).fetchone() is not None

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.ended_path, timeout=30)


class Refused(PermissionError):
    """A viewer asked a front door for what its role does not allow. ``status`` is what HTTP answers:
    401 for an anonymous reader, whom a key could allow, 403 for a key, whose role cannot."""

    def __init__(self, viewer: Viewer, action: Action) -> None:
        self.status = viewer.refusal_status
        self.action = action
        super().__init__(f"the {viewer.role.value} role may not {action.replace('_', ' ')}")


def require(viewer: Viewer, action: Action) -> Viewer:
    """The viewer, when its role may do ``action``; else Refused."""
    if not viewer.may(action):
        raise Refused(viewer, action)
    return viewer
