"""A scripted Elasticsearch server for failure paths a real cluster cannot be made to show on demand (a
429 from bulk, a 5xx in the middle of a search, an 8.x version, refused credentials).

A real HTTP server on loopback, spoken to by the real client library over real HTTP. It answers canned
Elasticsearch JSON with the X-Elastic-Product header the client requires, keeps just enough state
(indices and aliases) for an index to open, and records every request. A test scripts the answers of
the requests it is about; everything else gets the default answer of a healthy, empty cluster. What the
behaviour of a real cluster is checked against is test_conformance.py, with JCM_TEST_ES_URL set.
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import re
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Answer = tuple[int, Any]  # status, JSON body (None: no body)
COMPATIBLE_9 = "compatible-with=9"


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: list[Any]  # one JSON value, or each line of an ndjson body

    @property
    def documents(self) -> list[Any]:
        """The documents of a bulk request (every second line)."""
        return self.body[1::2]


@dataclass
class ScriptedCluster:
    version: str = "9.1.0"
    indices: dict[str, dict] = field(default_factory=dict)  # concrete index -> its mapping
    aliases: dict[str, set[str]] = field(default_factory=dict)  # alias -> concrete indices
    requests: list[Request] = field(default_factory=list)
    connections: list[socket.socket] = field(default_factory=list)  # closed when the server stops
    scripts: list[tuple[str, re.Pattern, list[Answer | Callable[[Request], Answer]]]] = field(
        default_factory=list
    )

    def script(self, method: str, path: str, *answers: Answer | Callable[[Request], Answer]) -> None:
        """Answer requests matching ``method`` and the ``path`` pattern with ``answers`` in turn, the last
        one again and again."""
        self.scripts.append((method, re.compile(path), list(answers)))

    def sent(self, method: str, path: str) -> list[Request]:
        pattern = re.compile(path)
        return [r for r in self.requests if r.method == method and pattern.fullmatch(r.path)]

    def answer(self, request: Request) -> Answer:
        self.requests.append(request)
        for method, pattern, answers in self.scripts:
            if method == request.method and pattern.fullmatch(request.path):
                chosen = answers.pop(0) if len(answers) > 1 else answers[0]
                return chosen(request) if callable(chosen) else chosen
        return self.default(request)

    # ------------------------------------------------------------ a healthy, empty cluster

    def default(self, request: Request) -> Answer:
        method, parts = request.method, [p for p in request.path.split("/") if p]
        if not parts:
            return self.info(request)
        if parts[0] == "_alias":
            status, body = self._get_alias(parts[1])
            return (status, None) if method == "HEAD" else (status, body)
        if parts[0] == "_aliases":
            return self._update_aliases(request.body[0]["actions"])
        if parts[0] == "_bulk" or parts[-1] == "_bulk":
            return 200, bulk_ok(request)
        if parts[0] == "_msearch":
            return 200, {"responses": [empty_hits() for _ in request.body[1::2]]}
        name, action = parts[0], parts[1] if len(parts) > 1 else None
        return self._on_index(method, name, action, request)

    def info(self, request: Request) -> Answer:
        if self.version.startswith("8.") and COMPATIBLE_9 in request.headers.get("accept", ""):
            return 400, media_type_error()
        return 200, {"name": "scripted", "cluster_name": "scripted", "tagline": "You Know, for Search",
                     "version": {"number": self.version, "build_flavor": "default"}}

    def _on_index(self, method: str, name: str, action: str | None, request: Request) -> Answer:
        known = name in self.indices or name in self.aliases
        if action is None and method == "HEAD":  # an alias exists as an index name too
            return (200 if name in self.indices or self.aliases.get(name) else 404), None
        if action is None and method == "PUT":
            return self._create(name, request.body[0] if request.body else {})
        if action is None and method == "GET":  # the indices a name or pattern matches
            return 200, {index: {"mappings": mapping} for index, mapping in self.indices.items()
                         if fnmatch.fnmatchcase(index, name)}
        if action is None and method == "DELETE":
            for index in name.split(","):  # its aliases go with it
                self.indices.pop(index, None)
                for pointed in self.aliases.values():
                    pointed.discard(index)
            return 200, {"acknowledged": True}
        if not known and action not in ("_search", "_count", "_refresh"):
            return 404, index_not_found(name)
        if action == "_mapping" and method == "GET":
            concrete = sorted(self.aliases.get(name, {name}))[0]
            return 200, {concrete: {"mappings": self.indices[concrete]}}
        if action == "_count":
            return 200, {"count": 0}
        if action == "_search":
            return 200, empty_hits()
        if action == "_mget":
            return 200, {"docs": []}
        return 200, {"acknowledged": True, "_shards": {"total": 1, "successful": 1, "failed": 0}}

    def _create(self, name: str, body: dict) -> Answer:
        if name in self.indices:
            return 400, {"error": {"type": "resource_already_exists_exception", "reason": f"[{name}] exists"},
                         "status": 400}
        self.indices[name] = body.get("mappings", {})
        for alias in body.get("aliases", {}):
            self.aliases.setdefault(alias, set()).add(name)
        return 200, {"acknowledged": True, "index": name}

    def _get_alias(self, alias: str) -> Answer:
        if not self.aliases.get(alias):
            return 404, {"error": f"alias [{alias}] missing", "status": 404}
        return 200, {index: {"aliases": {alias: {}}} for index in self.aliases[alias]}

    def _update_aliases(self, actions: list[dict]) -> Answer:
        for action in actions:
            (kind, target), = action.items()
            if kind == "add":
                self.aliases.setdefault(target["alias"], set()).add(target["index"])
            elif kind == "remove":
                self.aliases.get(target["alias"], set()).discard(target["index"])
            elif kind == "remove_index":
                self.indices.pop(target["index"], None)
        return 200, {"acknowledged": True}


def empty_hits() -> dict:
    return {"took": 1, "timed_out": False, "hits": {"total": {"value": 0, "relation": "eq"}, "hits": []}}


def bulk_ok(request: Request, status: int = 201) -> dict:
    """Every action of a bulk request done (``status``), or refused when status is 429."""
    items = []
    for action in request.body[0::2]:
        (kind, meta), = action.items()
        item: dict[str, Any] = {"_index": meta.get("_index"), "_id": meta.get("_id"), "status": status}
        if status >= 300:
            item["error"] = {"type": "es_rejected_execution_exception", "reason": "rejected execution"}
        items.append({kind: item})
    return {"took": 1, "errors": status >= 300, "items": items}


def index_not_found(name: str) -> dict:
    error = {"type": "index_not_found_exception", "reason": f"no such index [{name}]"}
    return {"error": error, "status": 404}


def media_type_error() -> dict:
    """What an 8.x server answers a 9.x client's compatible-with=9 headers."""
    reason = "Invalid media-type value on headers [Accept, Content-Type]"
    return {
        "error": {
            "root_cause": [{"type": "media_type_header_exception", "reason": reason}],
            "type": "media_type_header_exception", "reason": reason,
            "caused_by": {"type": "status_exception",
                          "reason": "Accept version must be either version 8 or 7, but found 9."},
        },
        "status": 400,
    }


def server_error(status: int = 500) -> Answer:
    return status, {"error": {"type": "search_phase_execution_exception", "reason": "all shards failed"},
                    "status": status}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the client's connection pool expects
    cluster: ScriptedCluster

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no 40 ms per answer
        self.cluster.connections.append(self.connection)

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        url = urlsplit(self.path)
        lines = [json.loads(line) for line in raw.splitlines() if line.strip()]
        request = Request(self.command, url.path, parse_qs(url.query),
                          {k.lower(): v for k, v in self.headers.items()}, lines)
        status, body = self.cluster.answer(request)
        payload = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        pass


@contextmanager
def scripted_elasticsearch(cluster: ScriptedCluster | None = None) -> Iterator[tuple[str, ScriptedCluster]]:
    """The URL of a scripted server on loopback, and the cluster whose answers it sends."""
    cluster = cluster or ScriptedCluster()
    handler = type("Handler", (_Handler,), {"cluster": cluster})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", cluster
    finally:
        server.shutdown()
        server.server_close()
        for connection in cluster.connections:  # kept alive by the client: a stopped server drops them
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        thread.join(5)
