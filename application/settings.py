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

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from corpus.database import is_postgres
from corpus.layout import DataLayout
from indices.backends import DEFAULT_ES_INDEX
from indices.es_options import ElasticsearchOptions, redact_url

MB = 1024 * 1024
ENV_PREFIX = "JCM_"
# Settings whose value may hold a password: an error names them but never prints the value.
SECRET_FIELDS = frozenset({"database_url", "es_api_key", "es_password"})
# Settings whose value is a URL that may hold credentials: an error prints it with them replaced.
URL_FIELDS = frozenset({"es_url"})


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
    # How to reach a secured cluster (8.x and 9.x are secured by default): an API key, or a user and a
    # password; the cluster's CA certificate file or the SHA-256 fingerprint of its certificate. Turning
    # verification off is for a test cluster only.
    es_api_key: str | None = None
    es_username: str | None = None
    es_password: str | None = None
    es_ca_certs: Path | None = None
    es_cert_fingerprint: str | None = None
    es_verify_certs: bool = True
    # Each request waits this long; a refused or failed request (429, 502, 503, 504, a lost connection)
    # is tried again up to es_max_retries times, and so is a bulk request's passages the cluster was too
    # busy to take (429), with a growing pause. A timed-out request is tried again only when asked.
    es_request_timeout: float = Field(default=30.0, gt=0)
    es_max_retries: int = Field(default=3, ge=0)
    es_retry_on_timeout: bool = False
    # Passages written per bulk request; a process buffers no more than this many before sending them.
    es_bulk_chunk: int = Field(default=500, ge=1, le=10_000)
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
    def elasticsearch(self) -> ElasticsearchOptions | None:
        """How to reach the Elasticsearch cluster; None without es_url."""
        if not self.es_url:
            return None
        return ElasticsearchOptions(
            url=self.es_url, api_key=self.es_api_key, username=self.es_username, password=self.es_password,
            ca_certs=self.es_ca_certs, cert_fingerprint=self.es_cert_fingerprint,
            verify_certs=self.es_verify_certs, request_timeout=self.es_request_timeout,
            max_retries=self.es_max_retries, retry_on_timeout=self.es_retry_on_timeout,
            bulk_chunk=self.es_bulk_chunk,
        )

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

    @field_validator("es_url")
    @classmethod
    def _es_url(cls, value: str | None) -> str | None:
        if value is not None and not value.lower().startswith(("http://", "https://")):
            raise ValueError("an http:// or https:// URL of the Elasticsearch cluster")
        return value

    @field_validator("es_cert_fingerprint")
    @classmethod
    def _fingerprint(cls, value: str | None) -> str | None:
        """The SHA-256 fingerprint as Elasticsearch prints it (hex, with or without colons)."""
        if value is None:
            return None
        digits = value.replace(":", "").strip().lower()
        if len(digits) != 64 or any(c not in "0123456789abcdef" for c in digits):
            raise ValueError("the certificate's SHA-256 fingerprint: 64 hexadecimal digits, colons allowed")
        return digits

    @field_validator("es_username")
    @classmethod
    def _one_kind_of_credentials(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value and info.data.get("es_api_key"):
            raise ValueError("either an API key (JCM_ES_API_KEY) or a user and a password, not both")
        return value

    @field_validator(
        "anonymous_read", "es_verify_certs", "es_retry_on_timeout", "serve_ingests", mode="before"
    )
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
        if field in URL_FIELDS:
            shown = f"got {redact_url(str(problem.get('input')))!r}"
        lines.append(f"{name}: {message} ({shown})")
    return "; ".join(lines)
