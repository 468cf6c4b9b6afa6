"""What `jcm serve` adds around the app: deadlines on reading requests and its log (the start-up check of
the search index is application.resources.prepare_index).

uvicorn closes a kept-alive connection left idle (timeout_keep_alive) but sets no deadline on reading a
request: a client that opens a connection and sends nothing, or its headers or body a byte at a time,
holds the connection (and, once its headers are in, a task of the service) as long as it likes; 300
such connections stayed open. Here a request's headers must be complete within header_seconds of the
connection's opening or of the request's first byte, and its body within body_seconds of its headers.
A connection late with its headers gets 408 and is closed; one late with its body is closed, and the
route reading it sees the client gone.
"""

from __future__ import annotations

import asyncio
import logging

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from application.settings import Settings

log = logging.getLogger(__name__)
KEEP_ALIVE_SECONDS = 5  # an idle kept-alive connection is closed after this (uvicorn's default)
OWN_PACKAGES = ("service", "application", "indices", "corpus", "checks", "extractors")
_TIMEOUT_TEXT = b"the request did not arrive in time\n"
TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n"
    b"content-length: %d\r\n\r\n%s" % (len(_TIMEOUT_TEXT), _TIMEOUT_TEXT)
)


class DeadlineProtocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline on each request's headers and on its body."""

    header_seconds: float = 10.0
    body_seconds: float = 300.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._deadline: asyncio.TimerHandle | None = None
        self._awaited: str | None = None  # "headers" or "body": the part of a request still to come
        super().connection_made(transport)
        self._watch(new_request=True)

    def data_received(self, data: bytes) -> None:
        starting = self.conn.their_state is h11.IDLE and self._awaited is None
        super().data_received(data)
        self._watch(new_request=starting)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch(new_request=False)  # an idle kept-alive connection is uvicorn's keep-alive timeout's

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _watch(self, *, new_request: bool) -> None:
        """Arm the deadline of the part of the request still to come, none once the request is in."""
        state = self.conn.their_state
        if state is h11.SEND_BODY:
            awaited: str | None = "body"
        elif state is h11.IDLE and (new_request or self._awaited == "headers"):
            awaited = "headers"
        else:
            awaited = None
        if awaited == self._awaited:
            return  # a deadline runs from the start of its part, not from the latest bytes
        self._disarm()
        self._awaited = awaited
        if awaited is not None:
            seconds = self.header_seconds if awaited == "headers" else self.body_seconds
            self._deadline = self.loop.call_later(seconds, self._expire, awaited, seconds)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self, part: str, seconds: float) -> None:
        self._deadline = None
        if self._awaited != part or self.transport.is_closing():
            return
        client = f"{self.client[0]}:{self.client[1]}" if self.client else "a client"
        log.warning("closed the connection of %s: its request's %s took over %.0f s", client, part, seconds)
        if part == "headers":
            self.transport.write(TIMEOUT_RESPONSE)
        self.transport.close()


def deadline_protocol(settings: Settings) -> type[DeadlineProtocol]:
    """The protocol class with the deadlines the settings give (uvicorn takes a class)."""
    deadlines = {"header_seconds": settings.header_timeout, "body_seconds": settings.body_timeout}
    return type("ConfiguredDeadlineProtocol", (DeadlineProtocol,), deadlines)


def configure_deadlines(settings: Settings) -> None:
    """The settings' deadlines on DeadlineProtocol itself, for the processes uvicorn starts from its name
    (`jcm serve --workers N`), where a class made by deadline_protocol cannot travel."""
    DeadlineProtocol.header_seconds = settings.header_timeout
    DeadlineProtocol.body_seconds = settings.body_timeout


def configure_logging() -> None:
    """The service's own lines (an index rebuilt, a connection closed) beside uvicorn's, in its format;
    other libraries' loggers (the Elasticsearch client logs every request) are left as they are."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s:     %(message)s"))
    for package in OWN_PACKAGES:
        logger = logging.getLogger(package)
        logger.setLevel(logging.INFO)
        logger.addHandler(handler)
