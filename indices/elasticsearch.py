"""The Elasticsearch backend: the same passages, tokens and answers as the embedded index, on a cluster.

Passages are analysed in Python (analysis.py) exactly as for the embedded index and stored as
whitespace-joined token fields (words, parts, grams) with a whitespace analyzer, so both backends
match the same documents. The original text also gets native sub-fields (text.thai, text.kuromoji,
text.icu) for people who query the cluster directly; the service never uses them.

The index's name is an alias of a versioned index, ``<name>-v<SCHEMA_VERSION>-<when built>``: a full
rebuild (begin_rebuild, then commit) fills a new index while searches keep reading the old one, then
moves the alias in one atomic request and deletes the old index. An index of another schema version,
or the plain index a release before aliases made under the alias's name, is used as it is (and said so
in the log) until such a rebuild replaces it.

Writes are buffered up to ``bulk_chunk`` passages and sent in bulk as the buffer fills: the documents
deleted first (one delete_by_query for many), then the passages added after them. A commit sends the
rest and refreshes once. Every error of the cluster or of the connection is a SearchBackendError whose
message names no credential.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any, ParamSpec, TypeVar

from elastic_transport import ConnectionTimeout, TlsError
from elasticsearch import (
    ApiError,
    AuthenticationException,
    AuthorizationException,
    BadRequestError,
    Elasticsearch,
    NotFoundError,
    TransportError,
    helpers,
)
from elasticsearch import __versionstr__ as CLIENT_VERSION
from elasticsearch.helpers import BulkIndexError

from corpus.models import DocumentRef, Passage, SearchResults
from indices import algorithm
from indices.algorithm import WALK_LIMIT
from indices.analysis import Streams, analyze_streams
from indices.base import DEFAULT_ES_INDEX as DEFAULT_INDEX
from indices.base import PAGE_BLOCK, SearchBackendError, SearchFilters, as_filters
from indices.blend import Weights, unweighted
from indices.engine import (
    FACET_FIELDS,
    FacetRow,
    Facets,
    RowKey,
    StoredPassage,
    Term,
    bucket_counts,
    facet_aggregation,
    warnings_field,
)
from indices.es_options import ElasticsearchOptions
from indices.pages import page_passage, pages_needing_passage, text_key
from indices.query import ParsedQuery

log = logging.getLogger(__name__)

# Raise it whenever index_body changes: an index of another version is then rebuilt into a new one
# rather than written in the old mapping. The plain index of the releases before aliases counts as 1.
SCHEMA_VERSION = 2
SCHEMA_META = "jcm_schema_version"
DELETE_CHUNK = 1_000  # documents per delete_by_query (a terms query; the cluster allows 65,536 terms)
MAX_CHUNK_BYTES = 20 * 1024 * 1024  # per bulk request, well below http.max_content_length (100 MB)
RETRY_BACKOFF = 2.0  # seconds before the first retry of passages a busy cluster refused (429), doubling
SWAP_ATTEMPTS = 3  # another process may move the alias between our reading it and moving it

# What the ranking walk reads of each match: its key (de-duplication) and its facets. The text and the
# file name are fetched for the hits shown only.
_KEY_FIELDS = ["doc_id", "page", "block", "text_key"]
_FACET_SOURCE = [FACET_FIELDS[name] for name in ("language", "doc_type", "country", "year")]
# Fields added after the first mapping: put on an index of an older schema when it is opened, so that
# writes to it succeed until it is rebuilt.
_ADDED_FIELDS = {"confidential": {"type": "boolean"}, "public_warnings": {"type": "boolean"}}
_FILTER_FIELDS = {"language": "language", "doc_type": "doc_type", "country": "countries", "year": "year",
                  "document": "doc_id"}

_TOKENS = {"type": "text", "analyzer": "jcm_tokens", "index_options": "positions", "norms": True}
_KEYWORD = {"type": "keyword"}
_NATIVE_FIELDS = {
    "thai": {"type": "text", "analyzer": "thai"},  # built into Elasticsearch
    "kuromoji": {"type": "text", "analyzer": "kuromoji"},  # analysis-kuromoji plugin
    "icu": {"type": "text", "analyzer": "icu_analyzer"},  # analysis-icu plugin
}

P = ParamSpec("P")
T = TypeVar("T")


def index_body(native_fields: Mapping[str, dict]) -> dict[str, Any]:
    """Settings and mapping; ``native_fields`` are the sub-fields of text the cluster can analyse."""
    return {
        "settings": {
            "analysis": {"analyzer": {"jcm_tokens": {"type": "custom", "tokenizer": "whitespace"}}},
            "index": {"max_result_window": WALK_LIMIT},
        },
        "mappings": {
            "dynamic": "strict",
            "_meta": {SCHEMA_META: SCHEMA_VERSION},
            "properties": {
                "words": _TOKENS,
                "parts": _TOKENS,
                "grams": _TOKENS,
                "text": {"type": "text", "analyzer": "standard", "fields": dict(native_fields)},
                "doc_id": _KEYWORD,
                "filename": {"type": "keyword", "index": False},
                "language": _KEYWORD,
                "doc_type": _KEYWORD,
                "countries": _KEYWORD,
                "year": {"type": "integer"},
                "page": {"type": "integer"},
                "block": {"type": "integer"},
                "has_warnings": {"type": "boolean"},
                **_ADDED_FIELDS,
                "is_page": {"type": "boolean"},
                "text_key": _KEYWORD,
            },
        },
    }


def versioned_name(alias: str, when: datetime | None = None) -> str:
    """A new concrete index behind ``alias``: its schema version and when it was built."""
    stamp = (when or datetime.now(UTC)).strftime("%Y%m%d%H%M%S%f")
    return f"{alias}-v{SCHEMA_VERSION}-{stamp}"


def first_name(alias: str) -> str:
    """The concrete index made when no index exists: one name for every process, so that two creating
    it at once make one index (the second is told it exists)."""
    return f"{alias}-v{SCHEMA_VERSION}-initial"


# ---------------------------------------------------------------- errors


def client_pin(server_major: int | None) -> str:
    """The pip requirement of the Python client that speaks to a server of this major version."""
    major = server_major if server_major is not None else 8
    return f'pip install "elasticsearch>={major},<{major + 1}"'


def version_mismatch(shown_url: str, server_version: str | None) -> str:
    """Why the cluster refuses this client, and which client to install."""
    server = f"version {server_version}" if server_version else "older than the client"
    major = _major(server_version)
    example = "" if server_version else " (e.g. for an 8.x server)"
    return (
        f"Elasticsearch at {shown_url} is {server}, and refuses requests of the installed Python client "
        f"elasticsearch {CLIENT_VERSION}: a client needs a server of its own major version or newer; "
        f"install the client of the server's major version{example}: {client_pin(major)}"
    )


def _major(version: str | None) -> int | None:
    try:
        return int(str(version).split(".")[0])
    except ValueError:
        return None


def is_compatibility_error(error: ApiError) -> bool:
    """An 8.x server refusing the compatible-with=9 headers of a 9.x client."""
    return error.status_code == 400 and "media_type_header_exception" in str(error.error)


def describe(error: Exception, options: ElasticsearchOptions) -> str:
    """A message for the operator: what failed at which cluster and what repairs it, no credential."""
    where = options.shown_url
    if isinstance(error, TlsError):
        text = (f"cannot make a trusted TLS connection to Elasticsearch at {where} ({error.message}); set "
                "JCM_ES_CA_CERTS to the cluster's CA certificate (http_ca.crt of a default install) or "
                "JCM_ES_CERT_FINGERPRINT to its SHA-256 fingerprint")
    elif isinstance(error, ConnectionTimeout):
        text = (f"Elasticsearch at {where} did not answer within {options.request_timeout:g} s "
                "(JCM_ES_REQUEST_TIMEOUT)")
    elif isinstance(error, TransportError):
        text = f"cannot reach Elasticsearch at {where}: {error.message}"
    elif isinstance(error, AuthenticationException):
        text = (f"Elasticsearch at {where} refused the credentials (401): set JCM_ES_API_KEY, or "
                "JCM_ES_USERNAME and JCM_ES_PASSWORD")
    elif isinstance(error, AuthorizationException):
        text = f"the credentials lack a privilege at Elasticsearch at {where} (403): {_reason(error)}"
    elif isinstance(error, ApiError) and is_compatibility_error(error):
        text = version_mismatch(where, None)
    elif isinstance(error, ApiError):
        text = f"Elasticsearch at {where} answered {error.status_code} {error.error}: {_reason(error)}"
    elif isinstance(error, BulkIndexError):
        text = f"Elasticsearch at {where} refused passages: {_bulk_reason(error)}"
    else:
        text = f"Elasticsearch at {where}: {error}"
    return options.redact(text)


def _reason(error: ApiError) -> str:
    body = error.body if isinstance(error.body, dict) else {}
    cause = body.get("error")
    if isinstance(cause, dict):
        return str(cause.get("reason") or cause.get("type") or error.message)
    return str(error.message)


def _bulk_reason(error: BulkIndexError) -> str:
    failed = error.errors[0] if error.errors else {}
    item = next(iter(failed.values()), {}) if isinstance(failed, dict) else {}
    reason = item.get("error", {}) if isinstance(item, dict) else {}
    detail = reason.get("reason", reason) if isinstance(reason, dict) else reason
    return f"{len(error.errors)} failed, the first with status {item.get('status')}: {detail}"


def _backend_errors(method: Callable[P, T]) -> Callable[P, T]:
    """The cluster's and the connection's errors as SearchBackendError (the API answers 503)."""

    @functools.wraps(method)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return method(*args, **kwargs)
        except (ApiError, TransportError, BulkIndexError) as error:
            index = args[0]
            raise SearchBackendError(describe(error, index._options)) from error  # type: ignore[attr-defined]

    return wrapped


# ---------------------------------------------------------------- the index


@dataclass
class _Pending:
    """Writes not yet sent: documents to delete, then passages added after those deletes (a passage
    added before its document's delete is dropped by the delete)."""

    deletes: set[str] = field(default_factory=set)
    actions: list[dict] = field(default_factory=list)

    def add(self, actions: Iterable[dict]) -> None:
        self.actions.extend(actions)

    def delete(self, document_id: str) -> None:
        self.actions = [action for action in self.actions if action["_source"]["doc_id"] != document_id]
        self.deletes.add(document_id)

    def take(self) -> tuple[set[str], list[dict]]:
        taken = self.deletes, self.actions
        self.deletes, self.actions = set(), []
        return taken


class ElasticsearchIndex:
    """A SearchIndex on a cluster: the alias ``index_name`` and the versioned index behind it."""

    def __init__(
        self,
        options: ElasticsearchOptions | str | None = None,
        *,
        index_name: str = DEFAULT_INDEX,
        client: Elasticsearch | None = None,
        retry_backoff: float = RETRY_BACKOFF,
    ) -> None:
        if isinstance(options, str) or options is None:
            if client is None and not options:
                raise SearchBackendError("the Elasticsearch backend needs a URL (JCM_ES_URL or --es-url)")
            options = ElasticsearchOptions(url=options or "")
        self._options = options
        self.alias = index_name
        self._retry_backoff = retry_backoff
        self._owns_client = client is None
        self._client = client or Elasticsearch(options.url, **options.client_arguments())
        self._pending = _Pending()
        self._closed = False
        self._building: str | None = None  # the new index of a rebuild, until its commit
        self._built: set[str] = set()  # documents sent to it
        self._unrefreshed = False  # passages sent since the last refresh (delete_by_query cannot see them)
        self.legacy = False  # the alias's name is a plain index, made by a release before aliases
        self.outdated = False  # the index is of another schema version: `jcm reindex` rebuilds it
        self.created = False  # whether opening created the index (it did not exist)
        try:
            self._open()
        except BaseException:
            if self._owns_client:
                self._client.close()
            raise

    @property
    def index_name(self) -> str:
        """The name searches and writes use: the alias (or the plain index of an older release)."""
        return self.alias

    # ------------------------------------------------------------ opening

    @_backend_errors
    def _open(self) -> None:
        self._check_server()
        if not self._options.verify_certs and self._options.url.lower().startswith("https://"):
            log.warning("TLS certificates of Elasticsearch at %s are not verified (JCM_ES_VERIFY_CERTS)",
                        self._options.shown_url)
        current = self._aliased()
        if not current and self._client.indices.exists(index=self.alias):
            current = self._aliased()  # another process made the index and its alias meanwhile
            if not current:
                self.legacy = True
                self._adopt_outdated(
                    f"plain index {self.alias} was made by a release before versioned indices"
                )
                return
        if current:
            version = self._schema_of(current[0])
            if version != SCHEMA_VERSION:
                self._adopt_outdated(f"index {current[0]} is of schema version {version}")
            return
        self.created = self._create(first_name(self.alias), alias=True)
        if not self.created and not self._aliased():  # made by another process, which is adding the alias
            self._client.indices.update_aliases(actions=[{"add": {"index": first_name(self.alias),
                                                                   "alias": self.alias}}])

    def _check_server(self) -> None:
        """Refuse a server this client cannot speak to, naming the client to install."""
        try:
            number = str(self._client.info()["version"]["number"])
        except AuthorizationException:  # a key limited to the indices may not ask (cluster: monitor)
            log.info("Elasticsearch at %s: the credentials may not read the server's version; not checked",
                     self._options.shown_url)
            return
        except BadRequestError as error:
            if not is_compatibility_error(error):
                raise
            shown = self._options.shown_url
            raise SearchBackendError(version_mismatch(shown, self._plain_version())) from None
        client_major = _major(CLIENT_VERSION)
        server_major = _major(number)
        if client_major is not None and server_major is not None and server_major < client_major:
            raise SearchBackendError(version_mismatch(self._options.shown_url, number))

    def _plain_version(self) -> str | None:
        """The server's version asked without the client's compatibility headers, which an older server
        refuses."""
        try:
            plain_json = {"accept": "application/json"}
            response = self._client.transport.perform_request("GET", "/", headers=plain_json)
            return str(response.body["version"]["number"])
        except Exception:  # only to name the version in a message already on its way
            return None

    def _adopt_outdated(self, why: str) -> None:
        self.outdated = True
        log.warning(
            "Elasticsearch %s (this release writes schema version %d); it is used as it is until "
            "`jcm reindex` rebuilds it into a new index behind the alias %s, while searches go on",
            why, SCHEMA_VERSION, self.alias,
        )
        try:  # so that the passages this release writes fit until then
            self._client.indices.put_mapping(index=self.alias, properties=_ADDED_FIELDS)
        except BadRequestError as error:
            log.warning("Elasticsearch index %s keeps its mapping: %s", self.alias, _reason(error))

    def _aliased(self) -> list[str]:
        """The concrete indices the alias points at (one, but for a moment during another's swap)."""
        try:
            found = self._client.indices.get_alias(name=self.alias)
        except NotFoundError:
            return []
        return sorted(found.body)

    def _schema_of(self, concrete: str) -> int | None:
        mapping = self._client.indices.get_mapping(index=concrete)[concrete]["mappings"]
        version = mapping.get("_meta", {}).get(SCHEMA_META)
        return int(version) if version is not None else None

    def _create(self, concrete: str, *, alias: bool, building: bool = False) -> bool:
        """Create a concrete index (with the alias on it at once when ``alias``); False when it exists
        already (another process created it meanwhile)."""
        extra: dict[str, Any] = {"aliases": {self.alias: {}}} if alias else {}
        try:
            self._create_with(concrete, _NATIVE_FIELDS, extra, building)
        except BadRequestError as error:
            if error.error == "resource_already_exists_exception":
                return False
            if "analyzer" not in str(error):
                raise
            log.warning(
                "Elasticsearch lacks the analysis-kuromoji or analysis-icu plugin; "
                "index %s gets only the text.thai sub-field", concrete
            )
            try:
                self._create_with(concrete, {"thai": _NATIVE_FIELDS["thai"]}, extra, building)
            except BadRequestError as again:
                if again.error == "resource_already_exists_exception":
                    return False
                raise
        return True

    def _create_with(self, concrete: str, native: Mapping[str, dict], extra: dict, building: bool) -> None:
        body = index_body(native)
        if building:  # refreshed once, at the swap: a bulk load runs faster without periodic refreshes
            body["settings"]["index"]["refresh_interval"] = "-1"
        self._client.indices.create(index=concrete, **body, **extra)

    @_backend_errors
    def drop(self) -> None:
        """Delete every index behind the alias (mappings included), even after close()."""
        client = self._client if not self._closed or not self._owns_client else self._new_client()
        try:
            names = set(client.indices.get(index=f"{self.alias}-v*", allow_no_indices=True,
                                           ignore_unavailable=True).body)
            if client.indices.exists(index=self.alias) and not client.indices.exists_alias(name=self.alias):
                names.add(self.alias)
            if names:
                client.indices.delete(index=sorted(names), ignore_unavailable=True)
        finally:
            if client is not self._client:
                client.close()

    def _new_client(self) -> Elasticsearch:
        return Elasticsearch(self._options.url, **self._options.client_arguments())

    # ------------------------------------------------------------ writing

    def add_passages(self, passages: Sequence[Passage]) -> None:
        self._check_open()
        analysed = [(passage, analyze_streams(passage.text, passage.language)) for passage in passages]
        pages = [page_passage(blocks) for blocks in pages_needing_passage(analysed)]
        self._pending.add(self._action(passage, streams) for passage, streams in analysed + pages)
        if len(self._pending.actions) >= self._options.bulk_chunk:
            self._flush()

    def delete_document(self, document_id: str) -> None:
        self._check_open()
        self._pending.delete(document_id)
        if len(self._pending.deletes) >= DELETE_CHUNK:
            self._flush()

    @_backend_errors
    def begin_rebuild(self) -> None:
        """Write into a new, empty index from now on; commit() puts it behind the alias in place of the
        current one, which searches read meanwhile."""
        self._check_open()
        self._abandon_rebuild()
        self._pending = _Pending()
        building = versioned_name(self.alias)
        self._create(building, alias=False, building=True)
        self._building, self._built, self._unrefreshed = building, set(), False
        log.info("Elasticsearch: rebuilding %s into the new index %s", self.alias, building)

    @_backend_errors
    def commit(self) -> None:
        """Send what is buffered and make it searchable; after a begin_rebuild(), swap the alias."""
        self._check_open()
        self._flush()
        if self._building is not None:
            self._swap()
        elif self._unrefreshed:
            self._refresh()

    def clear(self) -> None:
        """Remove every passage, at once: an empty new index takes the alias."""
        self.begin_rebuild()
        self.commit()

    def close(self) -> None:
        if self._closed:
            return
        try:
            if self._building is not None:  # a rebuild that never committed is not half put in place
                self._abandon_rebuild()
            else:
                self.commit()
        finally:
            if self._owns_client:
                self._client.close()
            self._closed = True

    def _flush(self) -> None:
        """Send the buffered writes: deletes first (every passage buffered was added after them)."""
        deletes, actions = self._pending.take()
        if deletes:
            self._delete_documents(deletes)
        if actions:
            self._bulk(actions)

    def _delete_documents(self, document_ids: set[str]) -> None:
        if self._building is not None:  # the new index holds only what this rebuild sent
            document_ids = document_ids & self._built
        if not document_ids:
            return
        if self._unrefreshed:  # delete_by_query finds refreshed passages only
            self._refresh()
        ordered = sorted(document_ids)
        for start in range(0, len(ordered), DELETE_CHUNK):
            self._client.delete_by_query(
                index=self._target, query={"terms": {"doc_id": ordered[start:start + DELETE_CHUNK]}},
                conflicts="proceed", refresh=False,
            )
        self._unrefreshed = True  # the deletes are seen after the commit's refresh

    def _bulk(self, actions: list[dict]) -> None:
        target = self._target
        for action in actions:
            action["_index"] = target
        # Through the alias, a bulk request must not create a plain index when the alias is gone.
        through_alias = {"require_alias": True} if target == self.alias and not self.legacy else {}
        # raise_on_error would raise at the first refused passage, before the helper retries those the
        # cluster was too busy to take (429): failures are collected once the retries are spent.
        failed = [
            info
            for ok, info in helpers.streaming_bulk(
                self._client, actions, chunk_size=self._options.bulk_chunk, max_chunk_bytes=MAX_CHUNK_BYTES,
                max_retries=self._options.max_retries, initial_backoff=self._retry_backoff,
                raise_on_error=False, yield_ok=False, **through_alias,
            )
            if not ok
        ]
        if failed:
            raise BulkIndexError(f"{len(failed)} passage(s) failed to index", failed)
        self._unrefreshed = True
        if self._building is not None:
            self._built.update(action["_source"]["doc_id"] for action in actions)

    def _swap(self) -> None:
        """Put the rebuilt index behind the alias and delete the indices it replaces."""
        building = self._building
        assert building is not None
        self._client.indices.put_settings(index=building, settings={"index": {"refresh_interval": None}})
        self._client.indices.refresh(index=building)
        replaced = self._move_alias(building)
        if replaced:
            self._client.indices.delete(index=replaced, ignore_unavailable=True)
        log.info("Elasticsearch: %s now points at %s (replaced: %s)", self.alias, building,
                 ", ".join(replaced) or "nothing")
        self._building, self._built, self._unrefreshed = None, set(), False
        self.legacy = self.outdated = False

    def _move_alias(self, concrete: str) -> list[str]:
        """One atomic update_aliases: the alias leaves what it pointed at (a plain index of an older
        release is deleted in the same request, its name being the alias's) and points at ``concrete``."""
        for attempt in range(1, SWAP_ATTEMPTS + 1):
            current = [name for name in self._aliased() if name != concrete]
            plain = not current and self._client.indices.exists(index=self.alias)
            actions: list[dict] = [{"remove_index": {"index": self.alias}}] if plain else [
                {"remove": {"index": name, "alias": self.alias}} for name in current
            ]
            actions.append({"add": {"index": concrete, "alias": self.alias}})
            try:
                self._client.indices.update_aliases(actions=actions)
            except NotFoundError:  # another process moved the alias meanwhile: read it again
                if attempt == SWAP_ATTEMPTS:
                    raise
                continue
            if plain:
                log.warning("Elasticsearch: the plain index %s of an older release was replaced by %s",
                            self.alias, concrete)
            return current
        return []

    def _abandon_rebuild(self) -> None:
        if self._building is None:
            return
        building, self._building, self._built = self._building, None, set()
        self._pending = _Pending()
        self._unrefreshed = False
        log.warning("Elasticsearch: the rebuild of %s was abandoned; its index %s is deleted", self.alias,
                    building)
        self._client.indices.delete(index=building, ignore_unavailable=True)

    @property
    def _target(self) -> str:
        """Where writes go: the new index during a rebuild, else the alias."""
        return self._building or self.alias

    def _action(self, passage: Passage, streams: Streams) -> dict[str, Any]:
        return {  # the index is set when sent: the alias, or the new index of a rebuild
            "_id": f"{passage.document.id}/{passage.page}/{passage.block}",
            "_source": _source(passage, streams),
        }

    def _refresh(self) -> None:
        self._client.indices.refresh(index=self._target)
        self._unrefreshed = False

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError(f"the Elasticsearch index {self.alias} is closed")

    # ------------------------------------------------------------ reading

    @_backend_errors
    def count(self) -> int:
        self._check_open()
        return self._client.count(index=self.alias, query={"term": {"is_page": False}})["count"]

    @_backend_errors
    def holds_document(self, document_id: str) -> bool:
        """Whether a commit made passages of the document searchable (writes since are not seen; during
        a rebuild, the new index holds nothing a commit made searchable)."""
        self._check_open()
        if self._building is not None:
            return False
        return self._client.count(index=self.alias, query={"term": {"doc_id": document_id}})["count"] > 0

    @_backend_errors
    def passage_keys(self) -> list[tuple[str, int]]:
        self._check_open()
        found = helpers.scan(
            self._client, index=self.alias, query={"query": {"term": {"is_page": False}}},
            _source=["doc_id", "block"],
        )
        return [(hit["_source"]["doc_id"], hit["_source"]["block"]) for hit in found]

    @_backend_errors
    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        offset: int = 0,
        filters: SearchFilters | Mapping[str, object] | None = None,
        expand: bool = True,
    ) -> SearchResults:
        """The embedded index's answer (indices.algorithm over this cluster's engine)."""
        self._check_open()
        begin = partial(_ElasticsearchSearch, self._client, self.alias)
        return algorithm.answer(begin, query, as_filters(filters), limit=limit, offset=offset, expand=expand)


@dataclass(frozen=True)
class _Window:
    """The best ranked matches, with the fields of their sources the walk and the facets read."""

    hits: list[dict]
    count: int  # every match, including those beyond the window

    @property
    def size(self) -> int:
        return len(self.hits)

    def keys(self) -> Iterable[RowKey]:
        for hit in self.hits:
            source = hit["_source"]
            yield source["doc_id"], source["page"], source["block"], source["text_key"]


class _ElasticsearchQueries:
    """The algorithm's query primitives as the query DSL, and the filters around them."""

    def term(self, field: str, value: str, boost: float) -> dict:
        return {"term": {field: {"value": value, "boost": boost}}}

    def phrase(self, field: str, texts: Sequence[str], slop: int, boost: float) -> dict:
        phrase: dict[str, Any] = {"query": " ".join(texts), "boost": boost}
        if slop:
            phrase["slop"] = slop
        return {"match_phrase": {field: phrase}}

    def boolean(self, clauses: Sequence[tuple[bool, dict]]) -> dict:
        should = [query for required, query in clauses if not required]
        must = [query for required, query in clauses if required]
        return {"bool": {"must": must, "should": should} if should else {"must": must}}

    def any_of(self, queries: Sequence[dict]) -> dict:
        return {"bool": {"should": list(queries), "minimum_should_match": 1}}

    def dis_max(self, queries: Sequence[dict], tie_breaker: float | None = None) -> dict:
        body: dict[str, Any] = {"queries": list(queries)}
        if tie_breaker is not None:
            body["tie_breaker"] = tie_breaker
        return {"dis_max": body}

    def boosted(self, query: dict, weight: float) -> dict:
        """A bool query takes the boost itself (the same score, a shorter request); others are wrapped."""
        inner = query.get("bool")
        if inner is not None and "boost" not in inner:
            return {"bool": {**inner, "boost": weight}}
        return {"bool": {"must": [query], "boost": weight}}


QUERIES = _ElasticsearchQueries()


class _ElasticsearchSearch:
    """One search of an Elasticsearch index (indices.engine.EngineSearch)."""

    queries = QUERIES

    def __init__(self, client: Elasticsearch, index_name: str) -> None:
        self._client = client
        self._index = index_name

    def document_frequencies(self, terms: Sequence[Term]) -> tuple[dict[Term, int], int]:
        """Every term's count and the passages in all, in one multi-search."""
        counted = [{"term": {stream: token}} for stream, token in terms] + [{"match_all": {}}]
        searches: list[dict] = []
        for query in counted:
            searches += [{"index": self._index}, {"size": 0, "track_total_hits": True, "query": query}]
        responses = self._client.msearch(searches=searches)["responses"]
        counts = [response["hits"]["total"]["value"] for response in responses]
        return dict(zip(terms, counts, strict=False)), counts[-1]

    def ranked(self, query: dict, filters: SearchFilters, window: int) -> _Window:
        fields = [*_KEY_FIELDS, *_FACET_SOURCE, warnings_field(filters.public_only)]
        response = self._client.search(
            index=self._index, query=_filtered(query, filters), size=window, source=fields,
            track_total_hits=True,
        )
        return _Window(response["hits"]["hits"], response["hits"]["total"]["value"])

    def facets_later(self, query: dict, filters: SearchFilters) -> Callable[[], Facets]:
        """Asked for only when called: the walked window's own counts usually serve."""
        blocks = _filtered(query, filters, {"term": {"is_page": False}})
        aggregations = facet_aggregation(warnings_field(filters.public_only))

        def aggregated() -> Facets:
            response = self._client.search(
                index=self._index, query=blocks, size=0, aggregations=aggregations, track_total_hits=False,
            )
            return bucket_counts(response["aggregations"])

        return aggregated

    def facet_rows(self, ranked: _Window, rows: Sequence[int], filters: SearchFilters) -> dict[FacetRow, int]:
        flag = warnings_field(filters.public_only)
        counted: dict[FacetRow, int] = {}
        for row in rows:
            source = ranked.hits[row]["_source"]
            facets = FacetRow(
                source["language"], source.get("doc_type"), tuple(source.get("countries") or ()),
                source.get("year"), bool(source.get(flag)),
            )
            counted[facets] = counted.get(facets, 0) + 1
        return counted

    def stored(self, ranked: _Window, rows: Sequence[int], terms: frozenset[str]) -> list[StoredPassage]:
        """Texts and file names are fetched for the page shown only (the window carries neither)."""
        hits = [ranked.hits[row] for row in rows]
        fetched = self._client.mget(
            index=self._index, ids=[hit["_id"] for hit in hits], source=["text", "filename"]
        )
        shown = {doc["_id"]: doc["_source"] for doc in fetched["docs"] if doc.get("found")}
        return [_passage(hit, shown.get(hit["_id"], {})) for hit in hits]


# ---------------------------------------------------------------- documents


def _source(passage: Passage, streams: Streams) -> dict[str, Any]:
    return {
        "words": " ".join(streams.words),
        "parts": " ".join(streams.parts),
        "grams": " ".join(streams.grams),
        "text": passage.text,
        "doc_id": passage.document.id,
        "filename": passage.document.filename,
        "language": passage.language,
        "doc_type": passage.doc_type,
        "countries": passage.countries,
        "year": passage.year,
        "page": passage.page,
        "block": passage.block,
        "has_warnings": passage.has_warnings,
        "public_warnings": passage.public_warnings,
        "confidential": passage.confidential,
        "is_page": passage.block == PAGE_BLOCK,
        "text_key": str(text_key(passage.text)),
    }


def _passage(hit: dict, shown: Mapping[str, Any]) -> StoredPassage:
    """A ranked match with what only hits shown need (its text and file name; empty when the passage
    was deleted after it was ranked)."""
    source = hit["_source"]
    return StoredPassage(
        document=DocumentRef(id=source["doc_id"], filename=shown.get("filename", "")),
        page=source["page"],
        block=source["block"],
        text=shown.get("text", ""),
        language=source["language"],
        score=hit["_score"] or 0.0,
    )


# ---------------------------------------------------------------- query building


def _all_units(parsed: ParsedQuery, weights: Weights | None = None) -> dict:
    """The request of the first tier (indices.algorithm.all_units), as sent."""
    return algorithm.all_units(QUERIES, parsed, weights or unweighted(parsed))


def _any_unit(parsed: ParsedQuery, weights: Weights | None = None) -> dict:
    """The request of the second tier (indices.algorithm.any_unit), as sent."""
    return algorithm.any_unit(QUERIES, parsed, weights or unweighted(parsed))


def _filtered(match: dict, conditions: SearchFilters, *extra: dict) -> dict:
    clauses = [*_filter_clauses(conditions), *extra]
    return {"bool": {"must": [match], "filter": clauses}} if clauses else match


def _filter_clauses(conditions: SearchFilters) -> list[dict]:
    clauses = [
        {"terms": {field_name: list(getattr(conditions, name))}}
        for name, field_name in _FILTER_FIELDS.items()
        if getattr(conditions, name)
    ]
    if conditions.has_warnings is not None:
        clauses.append({"term": {warnings_field(conditions.public_only): conditions.has_warnings}})
    if conditions.public_only:
        clauses.append({"term": {"confidential": False}})
    return clauses


__all__ = ["DEFAULT_INDEX", "SCHEMA_VERSION", "ElasticsearchIndex", "index_body"]
