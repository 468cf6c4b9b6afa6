"""Settings read from the environment (JCM_*), with defaults that serve one secretariat on one machine.

One model reads them all, so that a bad value stops start-up with the variable's name rather than a bare
``ValueError`` from deep inside; values given in code (the command line's options, tests) win over the
environment.
"""
from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from corpus.database import is_postgres
from corpus.layout import DataLayout
from indices.backends import DEFAULT_ES_INDEX

MB = 1024 * 1024
ENV_PREFIX = "JCM_"
# Settings whose value may hold a password: an error names them but never prints the value.
SECRET_FIELDS = frozenset({"database_url"})


class SettingsError(ValueError):
    """A setting with a value that cannot be used; the message names the variable."""


class Settings(BaseSettings):
    # An empty variable is as good as an unset one, as it always was.
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_ignore_empty=True, frozen=True)

    data_dir: Path = Path("jcm-data")
    # The catalog's database: unset, the SQLite file in data_dir; postgresql://... for a PostgreSQL server
    # that several service and worker processes share. The original files and the index stay in data_dir.
    database_url: str | None = None
    max_file_mb: int = Field(default=200, ge=0)
    # Extraction runs in worker processes, each file within these limits.
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=0)
    file_seconds: int = Field(default=300, ge=0)
    worker_memory_mb: int = Field(default=4096, ge=0)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    # Search backend: "embedded" (an index under data_dir) or "elasticsearch" (at es_url); an unknown
    # name is refused when the index is opened, with the backends there are.
    search_backend: str = "embedded"
    es_url: str | None = None
    es_index: str = DEFAULT_ES_INDEX
    # Without an API key a request may read public documents only when this is on; else it gets 401.
    anonymous_read: bool = False
    # Uploads waiting to be ingested at most; more are refused (503) until the queue drains.
    max_queued_jobs: int = Field(default=1000, ge=0)
    # Reverse proxies whose X-Forwarded-Proto is believed (a request came over https when they say so);
    # from anyone else the header is ignored. None by default: the service itself is the edge.
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = ()
    # A login on the web pages lasts this many hours; then the browser is asked for its key again.
    session_hours: int = Field(default=12, ge=0)
    # `jcm serve` closes a connection whose request's headers take longer than this (from the connection's
    # opening or the request's first byte), or whose body takes longer than body_timeout after them.
    header_timeout: int = Field(default=10, ge=0)
    body_timeout: int = Field(default=300, ge=0)
    # `jcm serve` ingests the uploads itself (one ingest thread in its process), unless this is off
    # (`jcm serve --no-ingest`, and its API processes when started with --workers N > 1): then it only
    # queues them in the catalog for `jcm worker`.
    serve_ingests: bool = True
    # A process running an upload holds it this long at a time and renews it every third of that: a
    # job whose holder died (kill -9, a lost machine) is taken again this long after its last renewal.
    job_lease_seconds: float = Field(default=30.0, gt=0)
    # For tests of crashes only: an ingest waits this long after marking its jobs running and again after
    # storing each file, so a test can kill the process mid-job. Never set it in production.
    test_pause_seconds: float = Field(default=0.0, ge=0)

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as error:
            raise SettingsError(describe_errors(error, given=set(values))) from None

    @property
    def layout(self) -> DataLayout:
        """Where in data_dir each part of the archive lives."""
        return DataLayout(self.data_dir)

    @property
    def max_file_bytes(self) -> int:
        return self.max_file_mb * MB

    @property
    def worker_memory_bytes(self) -> int:
        return self.worker_memory_mb * MB

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _networks(cls, value: object) -> object:
        """IP addresses or networks, separated by commas or spaces; a typo stops start-up rather than
        silently trusting no one (or the wrong one)."""
        entries = value.replace(",", " ").split() if isinstance(value, str) else value
        if not isinstance(entries, list | tuple):
            return value
        return tuple(str(ipaddress.ip_network(entry, strict=False)) for entry in entries)

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str | None) -> str | None:
        if value is not None and not is_postgres(value):
            raise ValueError("a postgresql:// URL, or unset for the SQLite catalog in the data folder")
        return value

    @field_validator("anonymous_read", "serve_ingests", mode="before")
    @classmethod
    def _flag(cls, value: object) -> object:
        # Spelled the way people switch things on in an environment, in any case.
        return value.strip().lower() if isinstance(value, str) else value


def env_name(field: str) -> str:
    """The environment variable a setting is read from."""
    return f"{ENV_PREFIX}{field.upper()}"


def describe_errors(error: ValidationError, given: set[str]) -> str:
    """One line per bad value, each naming the variable (or the argument, for a value given in code)."""
    lines = []
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else ""
        name = field if field in given else env_name(field)
        message = problem["msg"].removeprefix("Value error, ")
        shown = "value not shown" if field in SECRET_FIELDS else f"got {problem.get('input')!r}"
        lines.append(f"{name}: {message} ({shown})")
    return "; ".join(lines)
