"""`jcm serve` does not wait for ever for a request (issue 15, finding 5): 300 connections sending their
headers a byte at a time stayed open. Now a request's headers must arrive within JCM_HEADER_TIMEOUT of
the connection's opening (or of the request's first byte) and its body within JCM_BODY_TIMEOUT of its
headers; requests that keep to that, kept-alive connections included, are served as before."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from tests.robustness.served import Served, served

HEADER_SECONDS = 1
BODY_SECONDS = 2
SLACK = 2.5  # the deadline, then the server's and this machine's delays


@pytest.fixture(scope="module")
def service(tmp_path_factory) -> Iterator[Served]:
    data = tmp_path_factory.mktemp("timeouts") / "data"
    deadlines = {"JCM_HEADER_TIMEOUT": str(HEADER_SECONDS), "JCM_BODY_TIMEOUT": str(BODY_SECONDS)}
    with served(data, **deadlines) as running:
        yield running


def connect(service: Served) -> socket.socket:
    connection = socket.create_connection(("127.0.0.1", service.port), timeout=10)
    connection.settimeout(10)
    return connection


def closed_after(connection: socket.socket, started: float) -> tuple[float, bytes]:
    """Seconds from ``started`` until the server closed the connection, and what it sent before."""
    received = b""
    try:
        while chunk := connection.recv(4096):
            received += chunk
    except (TimeoutError, ConnectionResetError):
        if not received:
            raise AssertionError("the server kept the connection open") from None
    return time.monotonic() - started, received


def test_connections_sending_their_headers_slowly_are_closed_with_408(service: Served):
    started = time.monotonic()
    connections = [connect(service) for _ in range(50)]
    for connection in connections:
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: jcm\r\n")  # and the last line never comes
    for connection in connections:
        seconds, received = closed_after(connection, started)
        assert seconds < HEADER_SECONDS + SLACK
        assert received.startswith(b"HTTP/1.1 408 ")
        connection.close()
    assert service.alive()
    assert "took over 1 s" in service.log_text()


def test_a_connection_that_sends_nothing_is_closed(service: Served):
    connection = connect(service)
    seconds, received = closed_after(connection, time.monotonic())
    assert seconds < HEADER_SECONDS + SLACK and received.startswith(b"HTTP/1.1 408 ")
    connection.close()


def test_headers_trickling_a_byte_at_a_time_are_cut_off_at_the_deadline(service: Served):
    connection = connect(service)
    started = time.monotonic()
    request = b"GET /health HTTP/1.1\r\nHost: jcm\r\nX-Padding: " + b"a" * 1000
    try:
        for byte in request:  # each byte well within any idle timeout, the whole far beyond the deadline
            connection.sendall(bytes([byte]))
            time.sleep(0.05)
        raise AssertionError("the server kept reading the headers")
    except (BrokenPipeError, ConnectionResetError):
        pass
    assert time.monotonic() - started < HEADER_SECONDS + SLACK
    connection.close()


def test_a_body_sent_too_slowly_is_cut_off(service: Served):
    connection = connect(service)
    head = (
        b"POST /documents HTTP/1.1\r\nHost: jcm\r\nContent-Type: multipart/form-data; boundary=b\r\n"
        b"Content-Length: 100000\r\n\r\n"
    )
    connection.sendall(head + b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n')
    started = time.monotonic()
    try:
        while time.monotonic() - started < BODY_SECONDS + SLACK + 5:
            connection.sendall(b"x" * 10)
            time.sleep(0.2)
        raise AssertionError("the server kept reading the body")
    except (BrokenPipeError, ConnectionResetError):
        pass
    assert time.monotonic() - started < BODY_SECONDS + SLACK
    connection.close()


def test_requests_within_the_deadlines_are_served_on_a_kept_alive_connection(service: Served):
    connection = connect(service)
    # Headers in two pieces, then a pause on the kept-alive connection longer than the header deadline.
    connection.sendall(b"GET /health HTTP/1.1\r\n")
    time.sleep(0.3)
    connection.sendall(b"Host: jcm\r\n\r\n")
    assert read_response(connection).startswith(b"HTTP/1.1 200 ")
    time.sleep(HEADER_SECONDS + 0.5)
    connection.sendall(b"GET /health HTTP/1.1\r\nHost: jcm\r\n\r\n")
    assert read_response(connection).startswith(b"HTTP/1.1 200 ")
    connection.close()


def read_response(connection: socket.socket) -> bytes:
    """One whole response: its head, then as many bytes of body as its content-length says."""
    received = b""
    while b"\r\n\r\n" not in received:
        received += connection.recv(4096)
    head, _, body = received.partition(b"\r\n\r\n")
    fields = dict(line.split(b":", 1) for line in head.split(b"\r\n")[1:])
    length = int({name.lower(): value for name, value in fields.items()}[b"content-length"])
    while len(body) < length:
        body += connection.recv(4096)
    return received
