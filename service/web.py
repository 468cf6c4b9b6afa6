"""The web pages: search, a document with its facts, the reviewers' warnings, projects, upload, login.

Server-rendered Jinja2 templates; the only script is the upload page's progress, a static file (the
pages' Content-Security-Policy allows no inline script or style). Every read and write goes through
`Reader`, built for one viewer, so what a viewer may see is decided in one place. A browser logs in with
a session (`access.Sessions`): its cookie names the key, never holds it. What the pages use (the
archive, the sessions, the settings) they are handed by service.dependencies, as the API's routes are.

Every response carries the security headers of `SecurityHeaders`; a stored original is always a
download (`file_response`), never a page of our origin, whatever its bytes are.
"""
from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
import secrets
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from fastapi import Depends, FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRouter
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import MutableHeaders
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from application import access
from application.access import Action, Sessions, Viewer
from application.front import Application
from application.jobs import UploadRefused, checked_upload
from application.reviewing import Reviewing
from corpus.filters import WarningQuery, Window
from corpus.models import (
    SEVERITIES,
    WARNING_STATUSES,
    Block,
    ConsistencyWarning,
    Document,
    Fact,
    Job,
    PageInfo,
    Project,
    ProjectDecision,
    SearchResults,
    WarningStatus,
)
from indices import IndexUnavailableError, SearchFilters
from service.dependencies import ApplicationDep, SessionsDep, app_settings

HERE = Path(__file__).parent
SESSION_COOKIE = "jcm_session"
KEY_COOKIE = SESSION_COOKIE  # the login cookie, by the name tests and tools knew it by
LEGACY_KEY_COOKIE = "jcm_key"  # held the raw key before sessions: removed at login and logout
CSRF_COOKIE = "jcm_csrf"
MAX_QUERY = 500  # as the API's GET /search
LANGUAGE_NAMES = {"en": "English", "th": "Thai", "ja": "Japanese", "und": "undetermined"}
PAGE_SIZE = 10
LISTED_DOCUMENTS = 200  # the search page without a query lists this many documents, by file name

templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
router = APIRouter(include_in_schema=False)


class LoginRequired(Exception):
    """The request carries no valid key: the page sends the browser to the login form."""


class PageError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def install(app: FastAPI) -> None:
    """Mount the pages and their static files on the API's app (which holds the services they use)."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, error: LoginRequired) -> Response:
        return RedirectResponse("/ui/login", status_code=303)

    @app.exception_handler(PageError)
    async def error_page(request: Request, error: PageError) -> Response:
        return render(request, "error.html", {"message": error.message}, status=error.status)


# --- reading on behalf of a viewer ------------------------------------------------------------


class Reader:
    """What one viewer reads and changes through the pages: the application's front doors made for
    that viewer, with a refusal turned into the page that says so."""

    def __init__(self, application: Application, viewer: Viewer) -> None:
        self.viewer = viewer
        self.settings = application.settings
        self.reading = application.reading(viewer)
        self.application = application  # the other doors are opened for the actions that need them

    def search(self, query: str, filters: SearchFilters, offset: int, expand: bool) -> SearchResults:
        try:
            return self.reading.search(query, limit=PAGE_SIZE, offset=offset, filters=filters, expand=expand)
        except IndexUnavailableError:  # the log names the damaged file; the page only says to come back
            message = "Search is unavailable while the index is rebuilt; try again shortly."
            raise PageError(503, message) from None

    def documents(self, limit: int | None = None) -> list[Document]:
        return self.reading.documents(Window(limit))

    def count_documents(self) -> int:
        return self.reading.count_documents()

    def document(self, document_id: str) -> Document | None:
        return self.reading.document(document_id)

    # pages and blocks of a document this viewer was given by document() or through a fact
    def pages(self, document_id: str) -> list[PageInfo]:
        return self.reading.pages(document_id)

    def blocks(self, document_id: str) -> list[Block]:
        return self.reading.blocks(document_id)

    def facts(self, document_id: str) -> list[Fact]:
        return self.reading.facts_of(document_id)

    def warnings(self, document_id: str | None = None) -> list[ConsistencyWarning]:
        return self.reading.warnings_of(document_id)

    def file(self, document: Document) -> bytes:
        return self.reading.file(document)

    def review(self, warning_id: str, status: WarningStatus, note: str | None) -> ConsistencyWarning | None:
        return self._reviewing("review warnings").review_warning(warning_id, status, note)

    def projects(self) -> list[Project]:
        return self.reading.projects()

    def decisions(self) -> list[ProjectDecision]:
        return self.reading.decisions()

    def decide(self, first: str, second: str, same: bool, note: str | None) -> None:
        """A reviewer's decision on two documents this viewer may see (else 404, as if absent)."""
        reviewing = self._reviewing("link or separate projects")
        ids = self._pair(first, second)
        if ids[0] == ids[1]:
            raise PageError(400, "A decision needs two different documents.")
        reviewing.decide(ProjectDecision(documents=ids, same=same, note=note))

    def undecide(self, first: str, second: str) -> bool:
        reviewing = self._reviewing("link or separate projects")
        return reviewing.undecide(*self._pair(first, second))

    def _reviewing(self, doing: str) -> Reviewing:
        """The reviewers' door, for a viewer who may review; else the page that refuses."""
        if not self.viewer.may(Action.REVIEW):
            raise PageError(*refusal(self.viewer, doing))
        return self.application.reviewing(self.viewer)

    def _pair(self, first: str, second: str) -> list[str]:
        """The two documents' ids, when this viewer may see them both."""
        return [_document_or_404(self, d).id for d in (first, second)]

    def upload(self, data: bytes, filename: str, confidential: bool) -> Job:
        if not self.viewer.may(Action.UPLOAD):
            raise UploadRefused(*refusal(self.viewer, "upload documents"))
        return self.application.uploading(self.viewer).submit(data, filename, confidential)

    def job(self, job_id: str) -> Job | None:
        if not self.viewer.may(Action.UPLOAD):
            return None
        return self.application.uploading(self.viewer).job(job_id)


def refusal(viewer: Viewer, doing: str) -> tuple[int, str]:
    """Status (as the API answers) and words for a viewer refused an action."""
    if viewer.refusal_status == 401:
        return 401, f"Log in with a key that may {doing}."
    return 403, f"Your key may not {doing}."


def session_viewer(request: Request, application: ApplicationDep) -> Viewer | None:
    """The viewer of the login cookie's session; without one, an anonymous reader when the API's settings
    allow anonymous reading (on or off for pages and API alike). None for a session that is forged,
    expired, ended or whose key was revoked: such a browser logs in again rather than reading anonymously."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return access.ANONYMOUS if application.settings.anonymous_read else None
    return application.session_viewer(token)


SessionViewer = Annotated[Viewer | None, Depends(session_viewer)]


def current_viewer(request: Request, viewer: SessionViewer) -> Viewer:
    """The session's key; without one, an anonymous reader when settings allow anonymous reading.
    Only when neither is allowed does the browser go to the login form."""
    if viewer is None:
        raise LoginRequired()
    request.state.viewer = viewer  # for the page header: log in or log out
    return viewer


def reader(viewer: Annotated[Viewer, Depends(current_viewer)], application: ApplicationDep) -> Reader:
    if not viewer.may(Action.READ):
        raise PageError(403, "Your key may not read documents.")
    return Reader(application, viewer)


ReaderDep = Annotated[Reader, Depends(reader)]


def script_viewer(request: Request, viewer: SessionViewer) -> Viewer:
    """As `current_viewer`, for the requests the upload page's script makes: it reads JSON, so a missing
    login is a 401 it can show rather than a redirect to the login form."""
    if viewer is None:
        raise HTTPException(401, "log in with an API key: this browser holds no valid one")
    request.state.viewer = viewer
    return viewer


def script_reader(viewer: Annotated[Viewer, Depends(script_viewer)], application: ApplicationDep) -> Reader:
    """As `reader`, with a refusal as a JSON error rather than a page."""
    try:
        return reader(viewer, application)
    except PageError as error:
        raise HTTPException(error.status, error.message) from None


ScriptReaderDep = Annotated[Reader, Depends(script_reader)]


# --- rendering and form protection ------------------------------------------------------------


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    """A page; the first page a browser sees also hands it the token its forms send back."""
    token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
    viewer = getattr(request.state, "viewer", None)
    context = {**context, "csrf": token, "viewer": viewer}
    response = templates.TemplateResponse(request, template, context, status_code=status)
    if request.cookies.get(CSRF_COOKIE) != token:
        _set_cookie(request, response, CSRF_COOKIE, token)
    return response


def _set_cookie(request: Request, response: Response, name: str, value: str,
                max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="strict", path="/",
                        secure=came_over_https(request))


def _delete_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="strict", secure=came_over_https(request))


def came_over_https(request: Request) -> bool:
    """Whether the browser reached us over https: the connection's own scheme, or the last
    X-Forwarded-Proto (the one the nearest proxy wrote) when that proxy is one the settings trust.
    From anyone else the header is ignored: a client could claim https it does not have."""
    forwarded = request.headers.get("x-forwarded-proto")
    peer = request.client.host if request.client else None
    if forwarded and is_trusted_proxy(peer, app_settings(request).trusted_proxies):
        return forwarded.rsplit(",", 1)[-1].strip().lower() == "https"
    return request.url.scheme == "https"


def is_trusted_proxy(address: str | None, trusted: tuple[str, ...]) -> bool:
    if not address or not trusted:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:  # not an IP (a Unix socket, a test client): not a proxy we know
        return False
    return any(ip in network for network in _networks(trusted))


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def check_form(request: Request, token: str) -> None:
    """A form must come from our own pages: same origin when the browser says, and our token."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if origin and urlsplit(origin).netloc != request.headers.get("host"):
        raise PageError(403, "This form was sent from another site.")
    expected = request.cookies.get(CSRF_COOKIE)
    if not expected or not secrets.compare_digest(token.encode(), expected.encode()):
        raise PageError(403, "This form has expired; reload the page and send it again.")


# --- login ------------------------------------------------------------------------------------


@router.get("/ui/login", response_class=HTMLResponse)
def login_form(request: Request, viewer: SessionViewer) -> Response:
    # A browser already logged in sees who it is (and may log out or in with another key).
    request.state.viewer = viewer
    return render(request, "login.html", {"error": None})


@router.post("/ui/login", response_class=HTMLResponse)
def login(
    request: Request,
    application: ApplicationDep,
    sessions: SessionsDep,
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Check the pasted key and start a session of it: the cookie names the key's id, signed, and
    expires; the key itself is never sent back to the browser."""
    check_form(request, csrf)
    key = key.strip()
    viewer = application.viewer_of_key(key)
    if not key or viewer is None or viewer.key_id is None:
        return render(request, "login.html", {"error": "That key is not valid."}, status=401)
    _end_session(request, sessions)  # logging in with another key ends the session this browser had
    response = RedirectResponse("/ui/search", status_code=303)
    _set_cookie(request, response, SESSION_COOKIE, sessions.start(viewer.key_id), max_age=sessions.lifetime)
    _delete_cookie(request, response, LEGACY_KEY_COOKIE)
    return response


@router.post("/ui/logout")
def logout(request: Request, sessions: SessionsDep, csrf: Annotated[str, Form()] = "") -> Response:
    check_form(request, csrf)
    _end_session(request, sessions)
    response = RedirectResponse("/ui/login", status_code=303)
    _delete_cookie(request, response, SESSION_COOKIE)
    _delete_cookie(request, response, LEGACY_KEY_COOKIE)
    return response


def _end_session(request: Request, sessions: Sessions) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        sessions.end(token)


# --- search -----------------------------------------------------------------------------------


@router.get("/")
def home() -> Response:
    return RedirectResponse("/ui/search", status_code=307)


@router.get("/ui/search", response_class=HTMLResponse)
def search_page(request: Request, read: ReaderDep, q: str = "", offset: int = 0, expand: bool = True,
                language: str = "", country: str = "", doc_type: str = "", year: str = "",
                has_warnings: str = "") -> Response:
    chosen = {"language": language, "country": country, "doc_type": doc_type, "year": year,
              "has_warnings": has_warnings}
    chosen = {name: value for name, value in chosen.items() if value}
    params = {"q": q, **chosen, **({} if expand else {"expand": "false"})}
    context: dict[str, Any] = {"q": q, "chosen": chosen, "params": params, "expand": expand, "results": None,
                               "error": None, "documents": [], "files": {}}
    if not q.strip():
        context.update(documents=read.documents(LISTED_DOCUMENTS), document_count=read.count_documents())
        return render(request, "search.html", context)
    try:
        if len(q) > MAX_QUERY:
            raise ValueError(f"a search is at most {MAX_QUERY} characters")
        results = read.search(q, _search_filters(chosen), max(offset, 0), expand)
    except ValueError as error:  # a query or filter value the index does not accept
        context["error"] = str(error)
        return render(request, "search.html", context, status=400)
    hit_documents = {hit.document.id for hit in results.hits}
    context.update(results=results, offset=max(offset, 0), page_size=PAGE_SIZE,
                   files={d: read.document(d) for d in hit_documents})
    return render(request, "search.html", context)


def _search_filters(chosen: dict[str, str]) -> SearchFilters:
    """The form's filters, typed; a year that is no number is the caller's error (ValueError)."""
    year = chosen.get("year")
    if year is not None and not year.isdigit():
        raise ValueError(f"year must be a number, not {year!r}")
    flag = chosen.get("has_warnings")
    return SearchFilters.of(
        language=chosen.get("language"), country=chosen.get("country"), doc_type=chosen.get("doc_type"),
        year=int(year) if year is not None else None, has_warnings=None if flag is None else flag == "true",
    )


def search_url(params: dict[str, str], **changes: Any) -> str:
    """The search page with these parameters changed (None removes one); a new filter starts at page 1."""
    merged = {**params, **changes}
    if "offset" not in changes:
        merged.pop("offset", None)
    return "/ui/search?" + urlencode({k: v for k, v in merged.items() if v not in (None, "")})


templates.env.globals["search_url"] = search_url


# --- a document -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """A run of text, with the facts whose number it is when it is one (two kinds can share a number)."""

    text: str
    facts: tuple[Fact, ...] = ()


def pieces_of(text: str, start: int, facts: list[Fact]) -> list[Piece]:
    """Split text (beginning at document offset `start`) so each fact's number is its own piece."""
    pieces: list[Piece] = []
    cursor = 0
    for fact in sorted(facts, key=lambda f: (f.evidence.start, f.evidence.end)):
        at, end = fact.evidence.start - start, fact.evidence.end - start
        last = pieces[-1] if pieces else None
        if last and last.facts and (last.facts[0].evidence.start, last.facts[0].evidence.end) == (
            fact.evidence.start, fact.evidence.end
        ):
            pieces[-1] = Piece(last.text, (*last.facts, fact))
        elif cursor <= at < end <= len(text):  # an overlapping span stays in the list of facts, unmarked
            pieces += [Piece(text[cursor:at]), Piece(text[at:end], (fact,))]
            cursor = end
    pieces.append(Piece(text[cursor:]))
    return [piece for piece in pieces if piece.text]


@router.get("/ui/documents/{document_id}", response_class=HTMLResponse)
def document_page(request: Request, read: ReaderDep, document_id: str) -> Response:
    document = _document_or_404(read, document_id)
    facts = read.facts(document.id)
    by_block: dict[int, list[Fact]] = defaultdict(list)
    for fact in facts:
        by_block[fact.evidence.block].append(fact)
    pages: dict[int, list[tuple[Block, list[Piece]]]] = defaultdict(list)
    for block in read.blocks(document.id):
        pages[block.page].append((block, pieces_of(block.text, block.start, by_block[block.index])))
    notes = {page.number: page.note for page in read.pages(document.id) if page.note}
    context = {"document": document, "pages": dict(sorted(pages.items())), "notes": notes, "facts": facts,
               "warnings": read.warnings(document.id), "file_url": file_url(document)}
    return render(request, "document.html", context)


@router.get("/ui/documents/{document_id}/file")
def document_file(read: ReaderDep, document_id: str) -> Response:
    """The original file, for the browser that holds a login cookie rather than an API header."""
    document = _document_or_404(read, document_id)
    return file_response(document, read.file(document))


# The formats whose stored bytes keep their own type: no browser runs them as a page of our origin.
# Everything else (HTML, XHTML, an SVG or HTML-looking text file, a file that failed) is opaque bytes.
DOWNLOAD_TYPES = frozenset({
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
})
# An original that a browser renders anyway (a mistaken viewer, a future type) gets no scripts, no
# origin of ours and no frame to sit in.
FILE_POLICY = "sandbox; default-src 'none'; frame-ancestors 'none'"
MAX_DOWNLOAD_NAME = 150


def file_response(document: Document, data: bytes) -> Response:
    """The original file as a download, never a page: an uploaded HTML, SVG or XHTML file (or a .txt
    whose bytes look like HTML) shown inline on our origin would run its script with the reader's
    cookie. So: attachment, a type no browser renders as a page, no sniffing, and a sandbox."""
    media_type = document.media_type if document.media_type in DOWNLOAD_TYPES else "application/octet-stream"
    headers = {"Content-Disposition": attachment(document.filename), "X-Content-Type-Options": "nosniff",
               "Content-Security-Policy": FILE_POLICY}
    return Response(data, media_type=media_type, headers=headers)


def attachment(filename: str) -> str:
    """Content-Disposition of a download saved under the file's base name, made safe (download_name),
    with a plain ASCII name beside the UTF-8 one for clients that read only the first."""
    name = download_name(filename)
    fallback = "".join(ch if ch.isascii() and ch not in '"\\' else "_" for ch in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def download_name(filename: str) -> str:
    """The base name without folders, control or format characters (a U+202E would show
    'report\u202efdp.exe' as 'reportexe.pdf') or odd spaces, at most MAX_DOWNLOAD_NAME characters with its
    extension kept, never empty nor hidden."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(" " if unicodedata.category(ch).startswith("Z") else ch for ch in name
                   if not unicodedata.category(ch).startswith("C"))
    name = " ".join(name.split()).strip(". ")
    if len(name) > MAX_DOWNLOAD_NAME:
        stem, dot, extension = name.rpartition(".")
        stem, extension = (stem, dot + extension[:20]) if dot else (name, "")
        name = stem[: MAX_DOWNLOAD_NAME - len(extension)].rstrip(". ") + extension
    return name or "download"


def file_url(document: Document | None, page: int | None = None) -> str | None:
    """The original's download; a PDF's carries the page (#page=N) for a viewer that honours it."""
    if document is None:
        return None
    url = f"/ui/documents/{document.id}/file"
    return f"{url}#page={page}" if page and document.media_type == "application/pdf" else url


templates.env.globals["file_url"] = file_url


def _document_or_404(read: Reader, document_id: str) -> Document:
    document = read.document(document_id)
    if document is None:
        raise PageError(404, f"There is no document {document_id}.")
    return document


# --- warnings ---------------------------------------------------------------------------------


@router.get("/ui/warnings", response_class=HTMLResponse)
def warnings_page(request: Request, read: ReaderDep, severity: str = "", rule: str = "",
                  status: str = "") -> Response:
    every = read.warnings()
    # The form sends "" for "any".
    wanted = WarningQuery(severity=severity or None, status=status or None, rule=rule or None)
    shown = [w for w in every if wanted.matches(w)]
    groups: dict[str, dict[str, list[ConsistencyWarning]]] = {s: defaultdict(list) for s in SEVERITIES}
    for warning in shown:
        groups[warning.severity][warning.rule].append(warning)
    evidence = _evidence_pieces(read, [fact for w in shown for fact in w.facts])
    chosen = {"severity": severity, "rule": rule, "status": status}
    context = {
        "groups": {s: dict(sorted(rules.items())) for s, rules in groups.items() if rules},
        "shown": len(shown), "total": len(every), "evidence": evidence, "chosen": chosen,
        "query": urlencode({k: v for k, v in chosen.items() if v}),
        "counts": {"severity": Counter(w.severity for w in every), "rule": Counter(w.rule for w in every),
                   "status": Counter(w.status for w in every)},
        "may_review": read.viewer.may(Action.REVIEW), "statuses": WARNING_STATUSES, "severities": SEVERITIES,
    }
    return render(request, "warnings.html", context)


def warnings_url(chosen: dict[str, str], **changes: str | None) -> str:
    """The dashboard with one filter set or (None) removed."""
    merged = {**chosen, **changes}
    return "/ui/warnings?" + urlencode({k: v for k, v in merged.items() if v})


templates.env.globals["warnings_url"] = warnings_url


def _evidence_pieces(read: Reader, facts: list[Fact]) -> dict[str, list[Piece]]:
    """Each fact's evidence sentence with its number marked, where the sentence is found in its block."""
    blocks: dict[str, dict[int, Block]] = {}
    out: dict[str, list[Piece]] = {}
    for fact in facts:
        if fact.document.id not in blocks:
            blocks[fact.document.id] = {b.index: b for b in read.blocks(fact.document.id)}
        block = blocks[fact.document.id].get(fact.evidence.block)
        sentence = fact.evidence.text
        found = block.text.find(sentence) if block else -1
        if block is None or found < 0:
            out[fact.id] = [Piece(sentence)]
        else:
            out[fact.id] = pieces_of(sentence, block.start + found, [fact])
    return out


@router.post("/ui/warnings/{warning_id}/review")
def review(request: Request, read: ReaderDep, warning_id: str, status: Annotated[str, Form()],
           note: Annotated[str, Form()] = "", back: Annotated[str, Form()] = "",
           csrf: Annotated[str, Form()] = "") -> Response:
    check_form(request, csrf)
    if status not in WARNING_STATUSES:
        raise PageError(400, f"A review is one of {', '.join(WARNING_STATUSES)}, not {status!r}.")
    if read.review(warning_id, status, note.strip() or None) is None:
        raise PageError(404, f"There is no warning {warning_id}.")
    # back is the dashboard's own query string: the reviewer returns to the list as it was filtered
    query = urlencode([(k, v) for k, v in parse_qsl(back) if k in ("severity", "rule", "status")])
    return RedirectResponse(f"/ui/warnings?{query}#w-{warning_id}", status_code=303)


# --- projects ---------------------------------------------------------------------------------


@router.get("/ui/projects", response_class=HTMLResponse)
def projects_page(request: Request, read: ReaderDep, country: str = "") -> Response:
    """Projects with their documents, their facts side by side per kind, their warnings and why their
    documents were joined; a reviewer links or separates documents here."""
    every = read.projects()
    shown = [p for p in every if not country or (p.country or "").casefold() == country.casefold()]
    shown.sort(key=lambda p: (-len(p.documents), p.country or "", p.name or ""))
    warnings = read.warnings()
    names = {d.id: d.filename for d in read.documents()}
    context = {
        "projects": [(p, side_by_side(p), project_warnings(p, warnings)) for p in shown],
        "total": len(every), "country": country, "documents": sorted(names.items(), key=lambda i: i[1]),
        "names": names, "decisions": read.decisions(), "may_review": read.viewer.may(Action.REVIEW),
        "countries": Counter(p.country for p in every if p.country),
    }
    return render(request, "projects.html", context)


def side_by_side(project: Project) -> list[tuple[str, list[list[Fact]]]]:
    """Per kind and unit, each document's facts of that kind, in the order of the project's documents."""
    rows: dict[str, list[list[Fact]]] = defaultdict(lambda: [[] for _ in project.documents])
    for column, described in enumerate(project.documents):
        for fact in described.facts:
            rows[f"{fact.kind.replace('_', ' ')} ({fact.unit})"][column].append(fact)
    return sorted(rows.items())


def project_warnings(project: Project, warnings: list[ConsistencyWarning]) -> list[ConsistencyWarning]:
    """The warnings that involve only the project's documents, those across them first."""
    members = {d.document.id for d in project.documents}
    mine = [w for w in warnings if {d.id for d in w.documents} <= members]
    return sorted(mine, key=lambda w: (len(w.documents) == 1, SEVERITIES.index(w.severity), w.rule))


@router.post("/ui/projects/decisions")
def decide(request: Request, read: ReaderDep, first: Annotated[str, Form()], second: Annotated[str, Form()],
           decision: Annotated[str, Form()], note: Annotated[str, Form()] = "",
           csrf: Annotated[str, Form()] = "") -> Response:
    check_form(request, csrf)
    if decision not in ("same", "different", "withdraw"):
        raise PageError(400, f"A decision is same, different or withdraw, not {decision!r}.")
    if decision == "withdraw":
        if not read.undecide(first, second):
            raise PageError(404, "There is no decision on these documents.")
    else:
        read.decide(first, second, decision == "same", note.strip() or None)
    return RedirectResponse("/ui/projects", status_code=303)


# --- upload -----------------------------------------------------------------------------------


@router.get("/ui/upload", response_class=HTMLResponse)
def upload_page(request: Request, read: ReaderDep) -> Response:
    refused = None if read.viewer.may(Action.UPLOAD) else refusal(read.viewer, "upload documents")[1]
    return render(request, "upload.html", {"refused": refused})


@router.post("/ui/upload", status_code=202)
def upload(request: Request, read: ScriptReaderDep, file: Annotated[UploadFile, File()],
           confidential: Annotated[bool, Form()] = False, csrf: Annotated[str, Form()] = "") -> dict:
    """Queue a file as the API does and answer with its job, which the page then follows."""
    try:
        check_form(request, csrf)
    except PageError as error:
        raise HTTPException(error.status, error.message) from None
    try:
        data = checked_upload(file.file, file.filename or "", read.settings.max_file_bytes)
        job = read.upload(data, file.filename or "upload", confidential)
    except UploadRefused as error:
        raise HTTPException(error.status, str(error)) from None
    return job_view(job)


@router.get("/ui/jobs/{job_id}")
def job_status(read: ScriptReaderDep, job_id: str) -> dict:
    job = read.job(job_id)
    if job is None:
        raise HTTPException(404, f"no job {job_id}")
    return job_view(job)


def job_view(job: Job) -> dict:
    """A job as the upload page shows it: its record, where to ask again and, once done, the document."""
    done = job.status == "done" and job.document_id
    return {**job.model_dump(mode="json"), "poll_url": f"/ui/jobs/{job.id}",
            "document_url": f"/ui/documents/{job.document_id}" if done else None}


# --- security headers on every response -------------------------------------------------------

# The pages hold no inline script, style or event handler (templates and static/ only), so this policy
# costs them nothing and keeps a script that slipped into a page from running.
PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "same-origin"}
# FastAPI's /docs and /redoc load Swagger UI and ReDoc from a CDN, start them with an inline script and
# let ReDoc inject its styles: their policy allows exactly the scripts and style sheets the page names and
# the hashes of its inline scripts (read from the page itself, so it stays true when FastAPI changes
# them), styles inline, the fonts and images those tools load, and nothing else.
DOCS_POLICY = ("default-src 'none'; script-src {scripts}; style-src {styles} 'unsafe-inline'; "
               "font-src https://fonts.gstatic.com data:; img-src 'self' data: https://fastapi.tiangolo.com "
               "https://cdn.jsdelivr.net https://cdn.redoc.ly; connect-src 'self'; worker-src blob:; "
               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL)
SCRIPT_SOURCE = re.compile(rb"<script[^>]*\bsrc=[\"']([^\"']+)[\"']", re.IGNORECASE)
STYLE_SHEET = re.compile(rb"<link(?=[^>]*\brel=[\"']?stylesheet)[^>]*\bhref=[\"']([^\"']+)[\"']",
                         re.IGNORECASE)


def docs_policy(page: bytes) -> str:
    """The Content-Security-Policy of one of FastAPI's documentation pages, from what the page loads."""
    hashes = [f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'"
              for body in INLINE_SCRIPT.findall(page)]
    scripts = [_source(url) for url in SCRIPT_SOURCE.findall(page)] + hashes
    styles = [_source(url) for url in STYLE_SHEET.findall(page)]
    return DOCS_POLICY.format(scripts=" ".join(scripts) or "'none'", styles=" ".join(["'self'", *styles]))


def _source(url: bytes) -> str:
    """A URL as a CSP source: our own paths are 'self'; another is its scheme, host and path (a source
    takes no query; no ; , ' or space may pass into the policy)."""
    parts = urlsplit(url.decode("ascii", errors="replace"))
    if not parts.scheme and not parts.netloc:
        return "'self'"
    return re.sub(r"[;,\s']", "", f"{parts.scheme}://{parts.netloc}{parts.path}")


class SecurityHeaders:
    """ASGI middleware: every response gets the page policy, no framing, no sniffing and same-origin
    referrers, unless it set its own (a stored file's sandbox keeps its policy); FastAPI's documentation
    pages get theirs (docs_policy)."""

    def __init__(self, app: ASGIApp, docs_paths: Iterable[str] = ()) -> None:
        self.app = app
        self.docs_paths = frozenset(docs_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
        elif scope["path"] in self.docs_paths:
            await self.app(scope, receive, _DocsPage(send))
        else:
            started = False

            async def with_headers(message: Message) -> None:
                nonlocal started
                if message["type"] == "http.response.start":
                    started = True
                    _add_headers(message, {"Content-Security-Policy": PAGE_POLICY, **SECURITY_HEADERS})
                await send(message)

            try:
                await self.app(scope, receive, with_headers)
            except Exception:
                # Starlette's own 500 is sent outside this middleware, bare: answer it here with the
                # headers, then let the error go on to be logged (Starlette sends nothing more).
                if not started:
                    await PlainTextResponse("Internal Server Error", 500)(scope, receive, with_headers)
                raise


def _add_headers(start: Message, headers: dict[str, str], replace: bool = False) -> None:
    start["headers"] = list(start.get("headers", []))
    present = MutableHeaders(scope=start)
    for name, value in headers.items():
        if replace:
            present[name] = value
        else:
            present.setdefault(name, value)


class _DocsPage:
    """Holds a documentation page's response until its body is whole (a few KB), to read its policy."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.start: Message | None = None
        self.body = bytearray()

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.start = message
            return
        if message["type"] != "http.response.body" or self.start is None:
            await self.send(message)
            return
        self.body += message.get("body", b"")
        if message.get("more_body"):
            return
        _add_headers(self.start, {"Content-Security-Policy": docs_policy(bytes(self.body))}, replace=True)
        _add_headers(self.start, SECURITY_HEADERS)
        await self.send(self.start)
        await self.send({"type": "http.response.body", "body": bytes(self.body)})
