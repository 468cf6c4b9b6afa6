"""No confidential content reaches a public key or an anonymous request, through any endpoint or page.

The corpus holds a public PDD, a Thai summary and a confidential version of the PDD whose text carries
marker words and numbers of its own and disagrees with the public PDD (so a cross-document warning
involves it). Every route of the app (enumerated from ``app.routes``, so a new endpoint or page cannot
be forgotten) is called with every path parameter and probe value below, with a public key (as an API
header and, for the web pages, as the login cookie), without a key while anonymous reading is on, and
without a key while it is off; no response body or header may hold the confidential document's
markers, id, file name, facts' values as written, evidence, its warning's id or its project's id. A
probe the caller sent itself is not a leak when echoed, so each check leaves out the strings of its own
request.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote

import httpx
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute, Mount, Route

from application.access import Role, create_key
from checks.base import fmt
from service import web
from tests.backends import stored_bytes
from tests.conftest import MONGOLIA_PDD, THAI_SUMMARY
from tests.service.conftest import Service, start_service

PUBLIC_PDD = MONGOLIA_PDD.format(reduction="1,200")
SECRET_PDD = """プロジェクト名:ウランバートル市の病院におけるヒートポンプ導入
ホスト国:モンゴル
排出削減量:4,873 tCO2/年
契約条項 QUOKKAZEBRA は機密である。
The initial investment of 731,942 USD under clause WALLABYNEBULA is not disclosed.
"""
SECRET_NAME = "ja_hospital_heatpump_pdd_confidential.txt"
MARKERS = [
    "QUOKKAZEBRA", "WALLABYNEBULA", "NUMBATORBIT", "731942", "731,942", "4873", "4,873",
    "ja_hospital_heatpump_pdd",
]
OPEN_PATHS = {"/health", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
OPEN_MOUNTS = {"/static"}  # the pages' style sheet and script: files of the code, no data
MODES = ["public key", "anonymous, read on", "anonymous, read off"]


@dataclasses.dataclass
class Corpus:
    service: Service
    secret_id: str
    public_id: str
    secret_job: str
    project_id: str
    secrets: set[str]
    ids: dict[str, str]  # what path parameters are probed with


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, module_database_url: str | None) -> Iterator[Corpus]:
    client, settings = start_service(tmp_path_factory.mktemp("leak") / "data", module_database_url)
    with client:
        catalog = client.app.state.application.archive.catalog
        keys = {role.value: create_key(catalog, role)[1] for role in Role}
        service = Service(client, keys, settings)
        public = service.ingest("en_hospital_heatpump_pdd.txt", PUBLIC_PDD.encode())
        service.ingest("th_summary.txt", THAI_SUMMARY.encode())
        upload = service.upload(SECRET_NAME, SECRET_PDD.encode(), confidential=True)
        secret = service.wait(upload.json()["id"])
        assert secret["status"] == "done" and public["status"] == "done"
        # a reviewer's decision on the confidential document, with a note of its own
        decision = {"documents": [SECRET_NAME, "th_summary.txt"], "same": False, "note": "NUMBATORBIT"}
        assert service.post("/projects/decisions", "reviewer", json=decision).status_code == 200
        yield _corpus(service, secret, public["document_id"])


def _corpus(service: Service, secret_job: dict, public_id: str) -> Corpus:
    secret_id = secret_job["document_id"]
    facts = service.get("/facts", params={"document": secret_id}).json()["items"]
    public_facts = service.get("/facts", "public", params={"limit": 1000}).json()["items"]
    public_values = {f["value"] for f in public_facts}
    [crossed] = [w for w in service.get("/warnings").json()["items"] if w["rule"] == "same_project_values"]
    assert {d["id"] for d in crossed["documents"]} == {secret_id, public_id}
    projects = service.get("/projects").json()["items"]
    [together] = [p for p in projects if secret_id in {d["document"]["id"] for d in p["documents"]}]
    secrets = {*MARKERS, secret_id, SECRET_NAME, crossed["id"], together["id"], secret_job["id"]}
    for fact in facts:
        if fact["value"] not in public_values and abs(fact["value"]) >= 100:
            secrets |= {fmt(fact["value"]), fmt(fact["value"]).replace(",", "")}
        secrets.add(fact["evidence"]["text"])
    assert {"4,873", "731,942"} <= secrets
    ids = {
        "secret": secret_id,
        "secret file": SECRET_NAME,
        "warning": crossed["id"],
        "job": secret_job["id"],
        "public": public_id,
    }
    return Corpus(service, secret_id, public_id, secret_job["id"], together["id"], secrets, ids)


# ---------------------------------------------------------------- requests to make

QUERY_PROBES: dict[str, list[str]] = {
    "q": [
        "QUOKKAZEBRA",
        "WALLABYNEBULA",
        "731942",
        "4873",
        "ヒートポンプ",
        "heat pump",
        "病院",
        "契約条項",
        "hospital Ulaanbaatar",
        '"contract price"',
        "ja_hospital_heatpump_pdd_confidential",
    ],
    "document": ["{secret}", "{secret file}", "{public}"],
    "format": ["json", "csv"],
    "country": ["Mongolia", "モンゴル"],
    "project": ["hospital", "QUOKKAZEBRA"],
    "language": ["ja"],
    "kind": ["emission_reduction"],
    "unit": ["tCO2e/yr"],
    "min_value": ["4000"],
    "max_value": ["800000"],
    "has_warnings": ["true", "false"],
    "rule": ["same_project_values"],
    "status": ["open"],
    "severity": ["warning"],
    "year": ["2024"],
    "from": ["2000-01-01"],
    "to": ["2100-01-01"],
    "doc_type": ["pdd"],
    "expand": ["true", "false"],
    "limit": ["100"],
    "offset": ["0"],
}
BODIES: dict[tuple[str, str], dict] = {
    ("POST", "/documents"): {
        "files": {"file": ("probe.txt", b"Emission reductions: 5 tCO2e.")},
        "data": {"confidential": "false"},
    },
    ("POST", "/warnings/{warning_id}/review"): {"json": {"status": "acknowledged", "note": "probe"}},
    ("POST", "/keys"): {"json": {"role": "admin"}},
    ("POST", "/projects/decisions"): {
        "json": {"documents": ["en_hospital_heatpump_pdd.txt", "th_summary.txt"], "same": True, "note": "x"}
    },
    # the pages' forms, each with the browser's form token so that it is read past the token check
    ("POST", "/ui/login"): {"data": {"key": "jcm_probe_not_a_key", "csrf": "{csrf}"}},
    ("POST", "/ui/logout"): {"data": {"csrf": "{csrf}"}},
    ("POST", "/ui/warnings/{warning_id}/review"): {
        "data": {"status": "acknowledged", "note": "probe", "back": "", "csrf": "{csrf}"}
    },
    ("POST", "/ui/projects/decisions"): {
        "data": {"first": "probe-a", "second": "probe-b", "decision": "same", "note": "x", "csrf": "{csrf}"}
    },
    ("POST", "/ui/upload"): {
        "files": {"file": ("probe.txt", b"Emission reductions: 5 tCO2e.")},
        "data": {"confidential": "false", "csrf": "{csrf}"},
    },
}


def _routes(routes: list[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route, those of included routers too (FastAPI may keep an included router as one route)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is None:
            yield route
            continue
        assert not route.include_context.prefix, "probe paths under an included router's prefix"
        yield from _routes(included.routes)


def is_page(path: str) -> bool:
    return path == "/" or path.startswith("/ui/")


def _requests(corpus: Corpus) -> Iterator[tuple[str, str, dict, set[str]]]:
    """(method, url, request arguments, strings the request itself carries) for every route."""
    for route in _routes(corpus.service.client.app.routes):
        if isinstance(route, APIRoute):
            for method in sorted(route.methods):
                yield from _route_requests(corpus, route, method)
        elif isinstance(route, Mount):
            assert route.path in OPEN_MOUNTS, f"unprobed mount {route.path}"
            for file in sorted(Path(route.app.directory).iterdir()):
                yield "GET", f"{route.path}/{file.name}", {}, set()
        else:
            assert isinstance(route, Route) and route.path in OPEN_PATHS, f"unprobed route {route.path}"
            yield "GET", route.path, {}, set()


def _parameters(route: APIRoute, kind: str) -> list:
    """The route's parameters of a kind (query_params, path_params, body_params), its dependencies' too."""
    found, pending = [], [route.dependant]
    while pending:
        dependant = pending.pop()
        found += getattr(dependant, kind)
        pending += dependant.dependencies
    return list({param.alias: param for param in found}.values())


def _route_requests(
    corpus: Corpus, route: APIRoute, method: str
) -> Iterator[tuple[str, str, dict, set[str]]]:
    body = BODIES.get((method, route.path), {})
    if _parameters(route, "body_params"):
        assert body, f"add a body for {method} {route.path} to BODIES"
    for url, sent in _paths(corpus, route.path, [p.name for p in _parameters(route, "path_params")]):
        yield method, url, body, sent
        for param in _parameters(route, "query_params"):
            name = param.alias
            assert name in QUERY_PROBES, f"add probe values for query parameter {name!r} of {route.path}"
            for value in QUERY_PROBES[name]:
                value = value.format(**corpus.ids) if "{" in value else value
                yield method, url, {**body, "params": {name: value}}, sent | {value}


def _paths(corpus: Corpus, path: str, names: list[str]) -> Iterator[tuple[str, set[str]]]:
    if not names:
        yield path, set()
        return
    for value in corpus.ids.values():
        url = path
        for name in names:
            url = url.replace("{" + name + "}", quote(value, safe=""))
        yield url, {value}


# ---------------------------------------------------------------- checking


def browser(corpus: Corpus, role: str | None) -> TestClient:
    """A client of the app as a browser is: logged in through the login form with this role's key (the
    session cookie), or not logged in; either way holding the form token its first page handed it."""
    client = TestClient(corpus.service.client.app)
    client.get("/ui/login")
    if role is not None:
        form = {"key": corpus.service.keys[role], "csrf": client.cookies[web.CSRF_COOKIE]}
        assert client.post("/ui/login", data=form, follow_redirects=False).status_code == 303
        assert web.SESSION_COOKIE in client.cookies
    return client


@dataclasses.dataclass
class Caller:
    corpus: Corpus
    mode: str
    client: TestClient  # with the key's login cookie for the pages, when there is a key

    @property
    def headers(self) -> dict[str, str]:
        return self.corpus.service.headers("public") if self.mode == "public key" else {}

    @property
    def role(self) -> str | None:
        return "public" if self.mode == "public key" else None

    def request(self, method: str, url: str, **arguments):
        return self.client.request(method, url, headers=self.headers, **arguments)


@pytest.fixture(params=MODES)
def caller(corpus: Corpus, request: pytest.FixtureRequest) -> Iterator[Caller]:
    """A public key, or no key with anonymous reading on or off (the app's settings, swapped)."""
    app = corpus.service.client.app
    original = app.state.application.settings
    anonymous_read = request.param == "anonymous, read on"
    app.state.application.settings = original.model_copy(update={"anonymous_read": anonymous_read})
    yield Caller(corpus, request.param, browser(corpus, "public" if request.param == "public key" else None))
    app.state.application.settings = original


def _visible_text(response) -> str:
    """Body and headers, raw and decoded (JSON escapes undone, URL quoting undone)."""
    body = response.content.decode("utf-8", errors="replace")
    parts = [body, unquote(body)]
    if response.headers.get("content-type", "").startswith("application/json"):
        parts.append(json.dumps(response.json(), ensure_ascii=False))
    headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    return "\n".join([*parts, headers, unquote(headers)])


def _with_token(arguments: dict, token: str) -> dict:
    """The request's form with the browser's own form token where BODIES says {csrf}."""
    if "data" not in arguments:
        return arguments
    data = {name: token if value == "{csrf}" else value for name, value in arguments["data"].items()}
    return {**arguments, "data": data}


def _responses(
    corpus: Corpus, client: TestClient, headers: dict[str, str], role: str | None, pages_only: bool = False
) -> Iterator[tuple[str, str, dict, set[str], httpx.Response]]:
    """Every request the routes allow and its response; the browser is logged in with this role's key
    (if any) for every request."""
    cookies = dict(client.cookies)
    for method, url, arguments, sent in _requests(corpus):
        if pages_only and not is_page(url):
            continue
        arguments = _with_token(arguments, cookies[web.CSRF_COOKIE])
        response = client.request(method, url, headers=headers, **arguments)
        # the logout probe drops the login cookie and the login probe may set one: every request is
        # made as the same browser
        client.cookies.clear()
        if role is not None and url == "/ui/logout":
            # logging out ended the session for good (a kept copy of its cookie opens nothing): a new one
            cookies = dict(browser(corpus, role).cookies)
        client.cookies.update(cookies)
        assert response.status_code < 500, (method, url, arguments, response.text)
        yield method, url, arguments, sent, response


def _leaks(
    corpus: Corpus, client: TestClient, headers: dict[str, str], role: str | None, pages_only: bool = False
) -> Iterator[tuple[str, set[str], str]]:
    """Every request the routes allow, with the secrets its response shows that it did not send."""
    for method, url, arguments, sent, response in _responses(corpus, client, headers, role, pages_only):
        visible = _visible_text(response)
        leaked = {s for s in corpus.secrets if _shows(visible, s) and not any(s in value for value in sent)}
        yield f"{method} {url} {arguments.get('params') or ''}", leaked, visible


def test_no_endpoint_shows_confidential_content(caller: Caller):
    tried, pages = 0, 0
    for request, leaked, visible in _leaks(caller.corpus, caller.client, caller.headers, caller.role):
        assert not leaked, f"{caller.mode}: {request}: {leaked} in {visible[:3000]}"
        tried += 1
        pages += is_page(request.split()[1])
    assert tried > 120 and pages > 40


def test_the_same_probe_finds_the_confidential_content_with_an_insider_key(corpus: Corpus):
    """The check above can fail: with a secretariat key, the same requests show every secret."""
    shown: set[str] = set()
    insider = browser(corpus, "secretariat")
    for _, leaked, _ in _leaks(corpus, insider, corpus.service.headers("secretariat"), "secretariat"):
        shown |= leaked
    assert shown == corpus.secrets


def _shows(visible: str, secret: str) -> bool:
    """Whether the response holds the secret; a bare number only where it stands as a number, not inside
    a random hex token (a CSRF token or a key can hold "4873")."""
    if not secret.isdigit():
        return secret in visible
    return re.search(rf"(?<![0-9A-Za-z]){secret}(?![0-9])", visible) is not None


def test_the_pages_alone_show_the_confidential_content_to_an_insider(corpus: Corpus):
    """The pages' part of the check can fail too: logged in with a secretariat key (the cookie only, no
    API header), the pages show every secret but those only the API writes: the job's id (a page shows a
    job only to whoever asks for it by its id) and numbers without separators (pages write 4,873, as the
    documents do)."""
    shown: set[str] = set()
    for _, leaked, _ in _leaks(corpus, browser(corpus, "secretariat"), {}, "secretariat", pages_only=True):
        shown |= leaked
    api_only = {corpus.secret_job} | {s for s in corpus.secrets if s.isdigit()}
    assert shown == corpus.secrets - api_only


def test_roles_are_enforced_on_every_route(caller: Caller):
    """Without a key and anonymous reading off: 401 everywhere but the open pages; otherwise reads
    answer and every write is refused (403 with a public key, 401 without one)."""
    corpus = caller.corpus
    for route in _routes(corpus.service.client.app.routes):
        # the pages answer people, not programs (the login form, refusals in words): test_web checks them
        if not isinstance(route, APIRoute) or route.path in OPEN_PATHS or is_page(route.path):
            continue
        for method in route.methods:
            url, _ = next(_paths(corpus, route.path, [p.name for p in _parameters(route, "path_params")]))
            arguments = {**BODIES.get((method, route.path), {})}
            if route.path == "/search":
                arguments["params"] = {"q": "heat"}
            response = caller.request(method, url, **arguments)
            reads = method == "GET" and not route.path.startswith(("/jobs", "/keys"))
            if caller.mode == "anonymous, read off":
                expected = {401}
            elif reads:
                expected = {200, 404}
            else:
                expected = {403} if caller.mode == "public key" else {401}
            assert response.status_code in expected, (caller.mode, method, url, response.text)
            error = response.json()["error"] if response.status_code >= 400 else None
            assert error is None or (
                error["status"] == response.status_code and error["code"] and error["message"]
            )
            if response.status_code == 401:
                assert response.headers["www-authenticate"] == "Bearer"


def test_public_search_totals_and_facets_count_only_public_passages(corpus: Corpus):
    service = corpus.service
    everything = service.get("/search", "reviewer", params={"q": "ヒートポンプ", "expand": "true"}).json()
    public = service.get("/search", "public", params={"q": "ヒートポンプ", "expand": "true"}).json()
    assert corpus.secret_id in {hit["document"]["id"] for hit in everything["hits"]}
    assert corpus.secret_id not in {hit["document"]["id"] for hit in public["hits"]}
    assert public["total"] < everything["total"]
    assert "ja" in everything["facets"]["language"] and "ja" not in public["facets"]["language"]
    assert public["facets"]["has_warnings"] == {"false": public["total"]}  # the crossing is hidden


def test_insiders_see_the_confidential_document_everywhere(corpus: Corpus):
    service = corpus.service
    for role in ("admin", "secretariat", "reviewer"):
        documents = service.get("/documents", role).json()
        assert corpus.secret_id in {d["id"] for d in documents["items"]} and documents["total"] >= 3
        detail = service.get(f"/documents/{corpus.secret_id}", role).json()
        assert detail["document"]["confidential"] is True and detail["warnings"]
        assert service.get(f"/documents/{corpus.secret_id}/file", role).content == SECRET_PDD.encode()
        hits = service.get("/search", role, params={"q": "QUOKKAZEBRA"}).json()["hits"]
        assert [hit["document"]["id"] for hit in hits] == [corpus.secret_id]
        csv_text = service.get("/facts/export", role, params={"document": corpus.secret_id}).text
        assert "4873" in csv_text or "4,873" in csv_text
        warnings = service.get("/warnings/export", role, params={"format": "json"}).json()
        assert any(corpus.secret_id in {d["id"] for d in w["documents"]} for w in warnings)
    public = {d["filename"] for d in service.get("/documents", "public").json()["items"]}
    assert SECRET_NAME not in public and "en_hospital_heatpump_pdd.txt" in public


def test_the_public_pdd_shows_no_warning_its_confidential_twin_raised(corpus: Corpus):
    service = corpus.service
    insiders = service.get(f"/documents/{corpus.public_id}", "reviewer").json()["warnings"]
    public = service.get(f"/documents/{corpus.public_id}", "public").json()["warnings"]
    assert any(w["rule"] == "same_project_values" for w in insiders)
    assert not any(w["rule"] == "same_project_values" for w in public)
    public_projects = service.get("/projects", "public").json()["items"]
    assert all(corpus.secret_id not in {d["document"]["id"] for d in p["documents"]} for p in public_projects)


def test_a_public_key_cannot_reach_a_confidential_document_by_name(corpus: Corpus):
    service = corpus.service
    for path in (f"/documents/{corpus.secret_id}", f"/documents/{quote(SECRET_NAME)}/file"):
        response = service.get(path, "public")
        assert response.status_code == 404 and response.json()["error"]["message"] == "no such document"
    assert service.get("/facts", "public", params={"document": corpus.secret_id}).status_code == 404


def test_keys_stored_hashed(corpus: Corpus, tmp_path: Path):
    catalog = corpus.service.client.app.state.application.archive.catalog
    raw = stored_bytes(catalog)
    for key in corpus.service.keys.values():
        assert key.encode() not in raw
    import hashlib

    stored = {record.key_hash for record in catalog.api_keys()}
    assert {hashlib.sha256(k.encode()).hexdigest() for k in corpus.service.keys.values()} <= stored


def test_every_response_carries_the_security_headers(corpus: Corpus):
    """Every route, as an insider (so stored files are served) and without a key: no framing, no
    sniffing, same-origin referrers and a Content-Security-Policy; a stored original's policy is a
    sandbox and it is a download; FastAPI's documentation pages have their own policy (test_security)."""
    insider = (browser(corpus, "secretariat"), corpus.service.headers("secretariat"), "secretariat")
    files = 0
    for client, headers, role in (insider, (browser(corpus, None), {}, None)):
        for method, url, _, _, response in _responses(corpus, client, headers, role):
            where = f"{role}: {method} {url} {response.status_code}"
            assert response.headers["x-frame-options"] == "DENY", where
            assert response.headers["x-content-type-options"] == "nosniff", where
            assert response.headers["referrer-policy"] == "same-origin", where
            policy = response.headers["content-security-policy"]
            assert "frame-ancestors 'none'" in policy, where
            served = response.url.path  # where redirects (to the login form) ended
            if served.endswith("/file") and response.status_code == 200:
                files += 1
                assert policy.split(";")[0] == "sandbox", where
                assert response.headers["content-disposition"].startswith("attachment;"), where
            elif served not in OPEN_PATHS:
                assert policy == web.PAGE_POLICY, where
    assert files >= 5  # both file routes by id, the API's by file name too
