"""How to reach an Elasticsearch cluster: its address, credentials and TLS trust, timeouts and retries;
and the text of a message about it, with no credential in it.

Kept apart from indices.elasticsearch so that settings can name these options without loading the client.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# user:password@ (or a token@) in a URL: what a message must never show
_URL_CREDENTIALS = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]+@")
REDACTED = "***"


def redact_url(text: str) -> str:
    """The text with the credentials of every URL in it replaced (https://***@host:9200)."""
    return _URL_CREDENTIALS.sub(rf"\g<scheme>{REDACTED}@", text)


@dataclass(frozen=True)
class ElasticsearchOptions:
    """Everything the client needs; secrets (api_key, password) are never part of a message."""

    url: str
    api_key: str | None = None  # the encoded key as Elasticsearch gives it, or "id:key"
    username: str | None = None
    password: str | None = None
    ca_certs: Path | None = None  # the cluster's CA certificate (a default 8.x/9.x install: http_ca.crt)
    cert_fingerprint: str | None = None  # SHA-256 of the CA or server certificate, when no CA file is at hand
    verify_certs: bool = True
    request_timeout: float = 30.0
    max_retries: int = 3
    retry_on_timeout: bool = False
    bulk_chunk: int = 500  # passages sent per bulk request; writes are buffered up to this many

    def __repr__(self) -> str:  # a dataclass's repr would print the secrets
        return f"ElasticsearchOptions(url={self.shown_url!r})"

    @property
    def shown_url(self) -> str:
        return redact_url(self.url)

    def client_arguments(self) -> dict[str, Any]:
        """The keyword arguments of elasticsearch.Elasticsearch besides the URL."""
        arguments: dict[str, Any] = {
            "request_timeout": self.request_timeout,
            "max_retries": self.max_retries,
            "retry_on_timeout": self.retry_on_timeout,
        }
        if self.api_key:
            key_id, colon, key = self.api_key.partition(":")  # an encoded key holds no colon (base64)
            arguments["api_key"] = (key_id, key) if colon else self.api_key
        if self.username:
            arguments["basic_auth"] = (self.username, self.password or "")
        if self.url.lower().startswith("https://"):  # TLS options are refused for an http:// node
            arguments["verify_certs"] = self.verify_certs
            if self.ca_certs is not None:
                arguments["ca_certs"] = str(self.ca_certs)
            if self.cert_fingerprint:
                arguments["ssl_assert_fingerprint"] = self.cert_fingerprint
            if not self.verify_certs:
                arguments["ssl_show_warn"] = False  # turned off on purpose: logged once at open instead
        return arguments

    def redact(self, text: str) -> str:
        """The text with URL credentials and every secret value of these options replaced."""
        text = redact_url(text)
        for secret in (self.api_key, self.password):
            if secret:
                text = text.replace(secret, REDACTED)
        return text


__all__ = ["REDACTED", "ElasticsearchOptions", "redact_url"]
