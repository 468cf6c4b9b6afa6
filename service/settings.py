"""Settings read from the environment, with defaults that serve one secretariat on one machine."""
from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

MB = 1024 * 1024


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _env_networks(name: str) -> tuple[str, ...]:
    """IP addresses or networks, separated by commas or spaces; a typo stops start-up rather than
    silently trusting no one (or the wrong one)."""
    entries = os.environ.get(name, "").replace(",", " ").split()
    try:
        return tuple(str(ipaddress.ip_network(entry, strict=False)) for entry in entries)
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=lambda: Path(os.environ.get("JCM_DATA_DIR", "jcm-data")))
    max_file_bytes: int = field(default_factory=lambda: _env_int("JCM_MAX_FILE_MB", 200) * MB)
    # Extraction runs in worker processes, each file within these limits.
    workers: int = field(default_factory=lambda: _env_int("JCM_WORKERS", os.cpu_count() or 1))
    file_seconds: int = field(default_factory=lambda: _env_int("JCM_FILE_SECONDS", 300))
    worker_memory_bytes: int = field(default_factory=lambda: _env_int("JCM_WORKER_MEMORY_MB", 4096) * MB)
    host: str = field(default_factory=lambda: os.environ.get("JCM_HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: _env_int("JCM_PORT", 8000))
    # Search backend: "embedded" (an index under data_dir) or "elasticsearch" (at es_url).
    search_backend: str = field(default_factory=lambda: os.environ.get("JCM_SEARCH_BACKEND", "embedded"))
    es_url: str | None = field(default_factory=lambda: os.environ.get("JCM_ES_URL") or None)
    es_index: str = field(default_factory=lambda: os.environ.get("JCM_ES_INDEX", "jcm-passages"))
    # Without an API key a request may read public documents only when this is on; else it gets 401.
    anonymous_read: bool = field(default_factory=lambda: _env_flag("JCM_ANONYMOUS_READ"))
    # Uploads waiting to be ingested at most; more are refused (503) until the queue drains.
    max_queued_jobs: int = field(default_factory=lambda: _env_int("JCM_MAX_QUEUED_JOBS", 1000))
    # Reverse proxies whose X-Forwarded-Proto is believed (a request came over https when they say so);
    # from anyone else the header is ignored. None by default: the service itself is the edge.
    trusted_proxies: tuple[str, ...] = field(default_factory=lambda: _env_networks("JCM_TRUSTED_PROXIES"))
    # A login on the web pages lasts this many hours; then the browser is asked for its key again.
    session_hours: int = field(default_factory=lambda: _env_int("JCM_SESSION_HOURS", 12))
    # `jcm serve` closes a connection whose request's headers take longer than this (from the connection's
    # opening or the request's first byte), or whose body takes longer than body_timeout after them.
    header_timeout: int = field(default_factory=lambda: _env_int("JCM_HEADER_TIMEOUT", 10))
    body_timeout: int = field(default_factory=lambda: _env_int("JCM_BODY_TIMEOUT", 300))
    page_size: int = 50
    max_page_size: int = 1000
