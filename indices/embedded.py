"""The embedded search backend: a tantivy index in a local directory, nothing to run beside the service.

Text is analysed in Python (analysis.py) and tantivy receives the token texts of each stream as
whitespace-joined text in its own field (words, parts, grams), so positions follow token order
and phrase queries work per stream. Queries are built with tantivy's Query constructors, never
its query parser, so no user input can be a syntax error.

Besides one passage per block, every page with several blocks gets a page passage (block -1)
holding the whole page, so words spread over the blocks of a page still find the page. A search is
the algorithm of indices.algorithm over this index's engine (_TantivySearch): the walk reads the fast
fields of the ranked window, the facets beyond it are tantivy aggregations over the matching blocks,
run in another thread while the ranked search and the snippets run, and each passage keeps its word
and part offsets, so a hit's snippet needs no segmentation.

A damaged index never takes the process down: its files are checked before tantivy maps them and before
every use (indices.integrity), and a damaged one raises IndexDamagedError. While the index is cleared
and refilled (a rebuild), a marker file in its folder makes searches of every process raise
IndexRebuildingError rather than answer from part of the passages; a marker left by a rebuild that was
killed says the index is incomplete.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import tantivy
from tantivy import Occur, Query

from corpus.models import DocumentRef, Passage, SearchResults
from indices import algorithm
from indices.algorithm import STREAM_BOOSTS
from indices.analysis import Streams, analyze_with_offsets, kept
from indices.base import (
    PAGE_BLOCK,
    IndexDamagedError,
    IndexLockedError,
    IndexRebuildingError,
    IndexSchemaError,
    SearchFilters,
    as_filters,
)
from indices.engine import (
    FacetRow,
    Facets,
    RowKey,
    StoredPassage,
    Term,
    bucket_counts,
    facet_aggregation,
    warnings_field,
)
from indices.integrity import FileGuard
from indices.pages import page_passage, pages_needing_passage, stable_key, text_key

log = logging.getLogger(__name__)
SCHEMA_VERSION = 3
RELOAD_SECONDS = 1.0
FACET_THREADS = 4  # facet aggregations running beside searches; more concurrent searches queue for one
MARKER_FILE = "jcm-search-index.json"
REBUILDING_FILE = "jcm-rebuilding.json"  # present from clear() (or discard_index) to the commit after it
WRITER_HEAP_BYTES = 64_000_000
LANGUAGE_CODES = {"und": 0, "th": 1, "en": 2, "ja": 3}
LANGUAGES = {code: language for language, code in LANGUAGE_CODES.items()}
# Read for every ranked match, with the one warnings flag the viewer's facet counts (warnings_field).
_WALK_FIELDS = ("doc_key", "page", "block", "text_key", "meta_key", "language_code", "year")


def _build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for stream in STREAM_BOOSTS:
        builder.add_text_field(stream, tokenizer_name="whitespace", index_option="position")
    builder.add_text_field("doc_id", tokenizer_name="raw", index_option="basic")
    for facet in ("language", "doc_type", "countries"):
        builder.add_text_field(facet, tokenizer_name="raw", index_option="basic", fast=True)
    builder.add_integer_field("year", indexed=True, fast=True)
    builder.add_integer_field("page", fast=True)
    builder.add_integer_field("block", fast=True)
    builder.add_boolean_field("has_warnings", indexed=True, fast=True)
    builder.add_boolean_field("public_warnings", indexed=True, fast=True)
    builder.add_boolean_field("confidential", indexed=True)
    builder.add_boolean_field("is_page", indexed=True)
    for key in ("doc_key", "text_key", "meta_key", "language_code"):
        builder.add_unsigned_field(key, fast=True)
    builder.add_bytes_field("stored", stored=True)
    return builder.build()


def _open_index(path: Path, schema: tantivy.Schema, guard: FileGuard) -> tantivy.Index:
    marker = path / MARKER_FILE
    if tantivy.Index.exists(str(path)) and not _marker_matches(marker):
        raise IndexSchemaError(f"the search index in {path} was built by another version; rebuild it")
    guard.admit()  # opening maps the segment files: a damaged one is refused before
    try:
        index = tantivy.Index(schema, path=str(path), reuse=True)
    except ValueError as error:
        raise IndexSchemaError(f"cannot open the search index in {path}: {error}; rebuild it") from error
    except BaseException as error:
        if _is_panic(error):
            raise IndexDamagedError(f"cannot open the search index in {path}: {error}; rebuild it") from None
        raise
    # By default a thread of tantivy's watches meta.json and reloads, re-reading every segment file, on
    # any change: unchecked reads, in a thread no error reaches. Reloads happen in _verified() only.
    index.config_reader(reload_policy="manual")
    marker.write_text(json.dumps({"schema_version": SCHEMA_VERSION}))
    return index


def embedded_parts(index: object) -> list[EmbeddedIndex]:
    """The embedded indices behind a search index: itself, or those it combines (the full index and the
    public passages' index of indices.visibility); none for Elasticsearch."""
    candidates = (index, getattr(index, "full", None), getattr(index, "public", None))
    return [candidate for candidate in candidates if isinstance(candidate, EmbeddedIndex)]


def discard_index(path: Path) -> None:
    """Remove an index's files without reading them, and mark the empty index as to be rebuilt by this
    process: what the service does at start with an index it cannot use, so it can serve meanwhile."""
    path.mkdir(parents=True, exist_ok=True)
    _remove_contents(path, folders=True)
    _mark_rebuilding(path)


def _remove_contents(path: Path, *, folders: bool) -> None:
    """Every file in ``path``; with ``folders``, the folders in it too (an index kept inside another's
    folder, such as the public passages' index, goes with it)."""
    for entry in path.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            if folders:
                shutil.rmtree(entry)
        else:
            entry.unlink(missing_ok=True)


def _mark_rebuilding(path: Path) -> None:
    (path / REBUILDING_FILE).write_text(json.dumps({"pid": os.getpid()}))


def _rebuilder(path: Path) -> int | None:
    """The process that marked the index as being rebuilt (0 when the marker cannot be read), or None."""
    try:
        return int(json.loads((path / REBUILDING_FILE).read_text()).get("pid", 0))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, AttributeError):
        return 0


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _is_panic(error: BaseException) -> bool:
    """tantivy's Rust panics reach Python as pyo3's PanicException, a BaseException."""
    return type(error).__name__ == "PanicException"


def _stamp(meta: Path) -> tuple[int, int, int] | None:
    """What changes whenever a commit replaces the file (tantivy writes it anew and renames it)."""
    try:
        status = meta.stat()
    except OSError:
        return None
    return status.st_ino, status.st_mtime_ns, status.st_size


def _marker_matches(marker: Path) -> bool:
    try:
        return json.loads(marker.read_text()).get("schema_version") == SCHEMA_VERSION
    except (OSError, ValueError):
        return False


@dataclass(frozen=True, slots=True)
class _Matches:
    """The best ranked matches (a window of them) with the fast-field columns the result walk needs."""

    hits: list[tuple[float, tantivy.DocAddress]]
    columns: dict[str, list]
    count: int  # every match, including those beyond the window

    @property
    def size(self) -> int:
        return len(self.hits)

    def keys(self) -> Iterable[RowKey]:
        return zip(*(self.columns[name] for name in ("doc_key", "page", "block", "text_key")), strict=True)

    def column(self, name: str, rows: Sequence[int]) -> list:
        values = self.columns[name]
        return [values[row] for row in rows]


class _TantivyQueries:
    """The algorithm's query primitives as tantivy queries, and the filters around them."""

    def __init__(self, schema: tantivy.Schema) -> None:
        self._schema = schema

    def term(self, field: str, value: str, boost: float) -> Query:
        return Query.boost_query(Query.term_query(self._schema, field, value), boost)

    def phrase(self, field: str, texts: Sequence[str], slop: int, boost: float) -> Query:
        return Query.boost_query(Query.phrase_query(self._schema, field, list(texts), slop=slop), boost)

    def boolean(self, clauses: Sequence[tuple[bool, Query]]) -> Query:
        occurs = [(Occur.Must if required else Occur.Should, query) for required, query in clauses]
        return Query.boolean_query(occurs)

    def any_of(self, queries: Sequence[Query]) -> Query:
        return Query.boolean_query([(Occur.Should, query) for query in queries])

    def dis_max(self, queries: Sequence[Query], tie_breaker: float | None = None) -> Query:
        if tie_breaker is None:
            return Query.disjunction_max_query(list(queries))
        return Query.disjunction_max_query(list(queries), tie_breaker=tie_breaker)

    def boosted(self, query: Query, weight: float) -> Query:
        return Query.boost_query(query, weight)

    def filtered(self, match: Query, conditions: SearchFilters, *extra: Query) -> Query:
        """The match among the passages the filters let through; filters add nothing to the score."""
        filters = [(Occur.Must, clause) for clause in (*self._filter_clauses(conditions), *extra)]
        return Query.boolean_query([(Occur.Must, match), *filters]) if filters else match

    def _filter_clauses(self, conditions: SearchFilters) -> list[Query]:
        by_field = {
            "language": conditions.language,
            "doc_type": conditions.doc_type,
            "countries": conditions.country,
            "year": conditions.year,
            "doc_id": conditions.document,
        }
        clauses = [
            Query.term_set_query(self._schema, field, list(values))
            for field, values in by_field.items()
            if values
        ]
        if conditions.has_warnings is not None:
            flag = warnings_field(conditions.public_only)
            clauses.append(Query.term_query(self._schema, flag, conditions.has_warnings))
        if conditions.public_only:
            clauses.append(Query.term_query(self._schema, "confidential", False))
        return [Query.const_score_query(clause, 0.0) for clause in clauses]

    def blocks(self) -> Query:
        """Passages of one block, page passages left out."""
        return Query.term_query(self._schema, "is_page", False)


class _TantivySearch:
    """One search of the embedded index (indices.engine.EngineSearch): every question is answered by
    one searcher, so by one state of the index."""

    def __init__(
        self,
        searcher: tantivy.Searcher,
        queries: _TantivyQueries,
        facet_pool: ThreadPoolExecutor,
        metadata: dict[int, tuple[str | None, list[str]]],
    ) -> None:
        self.queries = queries
        self._searcher = searcher
        self._facet_pool = facet_pool
        self._metadata = metadata  # the index's cache of each document's doc_type and countries

    def document_frequencies(self, terms: Sequence[Term]) -> tuple[dict[Term, int], int]:
        searcher = self._searcher
        return {term: searcher.doc_freq(*term) for term in terms}, searcher.num_docs

    def ranked(self, query: Query, filters: SearchFilters, window: int) -> _Matches:
        searcher = self._searcher
        result = searcher.search(self.queries.filtered(query, filters), limit=window, count=True)
        hits = result.hits  # each access converts every hit to Python again
        addresses = [address for _, address in hits]
        fields = (*_WALK_FIELDS, warnings_field(filters.public_only))
        columns = {name: searcher.fast_field_values(name, addresses) if addresses else [] for name in fields}
        return _Matches(hits, columns, result.count)

    def facets_later(self, query: Query, filters: SearchFilters) -> Callable[[], Facets]:
        """Aggregated in another thread while the ranked search and the snippets run: tantivy releases
        the GIL, so this pass over the matches costs no wall time when a core is free."""
        blocks = self.queries.filtered(query, filters, self.queries.blocks())
        aggregation = facet_aggregation(warnings_field(filters.public_only))
        return self._facet_pool.submit(_aggregate, self._searcher, blocks, aggregation).result

    def facet_rows(
        self, ranked: _Matches, rows: Sequence[int], filters: SearchFilters
    ) -> dict[FacetRow, int]:
        """Counted by the fast fields; doc_type and countries, which tantivy cannot hand out as fast
        fields, are read once per document metadata (its hash, meta_key) and cached."""
        meta_keys = ranked.column("meta_key", rows)
        some_row = dict(zip(meta_keys, rows, strict=True))
        flag_field = warnings_field(filters.public_only)
        columns = (ranked.column(name, rows) for name in ("language_code", "year", flag_field))
        counted: dict[FacetRow, int] = {}
        for (meta_key, code, year, flag), passages in Counter(zip(meta_keys, *columns, strict=True)).items():
            doc_type, countries = self._document_metadata(meta_key, ranked.hits[some_row[meta_key]][1])
            row = FacetRow(LANGUAGES.get(code, "und"), doc_type, tuple(countries), year, bool(flag))
            counted[row] = counted.get(row, 0) + passages
        return counted

    def stored(self, ranked: _Matches, rows: Sequence[int], terms: frozenset[str]) -> list[StoredPassage]:
        return [self._passage(*ranked.hits[row], terms) for row in rows]

    def _passage(self, score: float, address: tantivy.DocAddress, terms: frozenset[str]) -> StoredPassage:
        stored = _stored(self._searcher, address)
        return StoredPassage(
            document=DocumentRef(id=stored["id"], filename=stored["filename"]),
            page=stored["page"],
            block=stored["block"],
            text=stored["text"],
            language=stored["language"],
            score=score,
            tokens=_unpacked(stored, terms),
        )

    def _document_metadata(self, meta_key: int, address: tantivy.DocAddress) -> tuple[str | None, list[str]]:
        metadata = self._metadata.get(meta_key)
        if metadata is None:
            stored = _stored(self._searcher, address)
            metadata = self._metadata[meta_key] = (stored.get("doc_type"), stored.get("countries", []))
        return metadata


def _aggregate(searcher: tantivy.Searcher, blocks: Query, aggregation: dict) -> Facets:
    return bucket_counts(searcher.aggregate(blocks, aggregation))


class EmbeddedIndex:
    def __init__(self, path: Path, *, lock_timeout: float = 5.0, batch_size: int = 5_000) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self._schema = _build_schema()
        self._queries = _TantivyQueries(self._schema)
        self._guard = FileGuard(self.path)
        self._index = _open_index(self.path, self._schema, self._guard)
        self._lock_timeout = lock_timeout
        self._batch_size = batch_size
        self._writer: tantivy.IndexWriter | None = None
        self._uncommitted = 0
        self._write_lock = threading.RLock()
        # The reader, its file checks and a reset; taken after _write_lock when both are.
        self._state = threading.RLock()
        self._damage: str | None = None  # the damage last found, logged once
        self._clearing = False  # clear() marked the index as rebuilding; the next commit() unmarks it
        self._held = False  # reset(): searches are refused until a clear() is committed (the rebuild)
        self._metadata: dict[int, tuple[str | None, list[str]]] = {}
        self._stamp: tuple[int, int, int] | None = None
        self._reloaded_at = 0.0
        # Threads start with the first searches; an index only written to never starts one.
        self._facet_pool = ThreadPoolExecutor(FACET_THREADS, thread_name_prefix="jcm-facets")
        self._closed = False

    # ------------------------------------------------------------ writing

    def add_passages(self, passages: Sequence[Passage]) -> None:
        """Index passages and a page passage for every page given with several blocks."""
        analysed: list[tuple[Passage, Streams]] = []
        tokens_of: dict[tuple[str, int], list] = {}
        documents: list[tantivy.Document] = []
        for passage in passages:
            streams, tokens = analyze_with_offsets(passage.text)
            analysed.append((passage, streams))
            tokens_of[passage.document.id, passage.block] = tokens
            documents.append(_document(passage, streams, tokens))
        documents += [_page_document(blocks, tokens_of) for blocks in pages_needing_passage(analysed)]
        with self._write_lock:
            writer = self._open_writer()
            for document in documents:
                writer.add_document(document)
                self._count_write()

    def delete_document(self, document_id: str) -> None:
        with self._write_lock:
            self._open_writer().delete_documents_by_term("doc_id", document_id)
            self._count_write()

    def commit(self) -> None:
        """Make changes visible and release the writer lock so another process may write."""
        with self._write_lock:
            self._release_writer()
            self._reload_soon()
            if self._clearing:
                self._clearing = self._held = False
                (self.path / REBUILDING_FILE).unlink(missing_ok=True)

    def clear(self) -> None:
        """Remove every passage; until the next commit() the index counts as being rebuilt: searches of
        other processes are refused rather than answered from part of the passages."""
        with self._write_lock:
            _mark_rebuilding(self.path)
            self._clearing = True
            self._open_writer().delete_all_documents()
            self._release_writer()
            self._reload_soon()

    def reset(self) -> None:
        """Start afresh, empty and marked as being rebuilt, after damage: the damaged files are let go
        and removed without being read again. Searches are refused until a clear() (the rebuild from
        the catalog) is committed."""
        with self._write_lock, self._state:
            self._check_open()
            self._drop_writer()
            _remove_contents(self.path, folders=False)  # another index may live in a folder inside
            _mark_rebuilding(self.path)
            self._guard = FileGuard(self.path)
            self._index = _open_index(self.path, self._schema, self._guard)
            self._stamp, self._damage, self._metadata = None, None, {}
            self._clearing, self._held = False, True

    def close(self) -> None:
        """Commit what is pending and release the writer; the index cannot be used afterwards."""
        with self._write_lock:
            if not self._closed:
                self._release_writer()
            self._closed = True
        self._facet_pool.shutdown(wait=True)

    def _count_write(self) -> None:
        self._uncommitted += 1
        if self._uncommitted >= self._batch_size and self._writer is not None:
            self._commit_writer(self._writer)
            self._uncommitted = 0

    def _open_writer(self) -> tantivy.IndexWriter:
        self._check_open()
        if self._writer is None:
            self._verified()  # a writer merges and applies deletes by reading the segment files
            self._writer = self._acquire_writer()
        return self._writer

    def _commit_writer(self, writer: tantivy.IndexWriter) -> None:
        """Commit, unless a segment file the commit may read (deletes, merges) was damaged meanwhile:
        then the writer's changes are dropped and IndexDamagedError raised."""
        try:
            self._verified()
        except IndexDamagedError:
            self._drop_writer()
            raise
        writer.commit()

    def _drop_writer(self) -> None:
        if self._writer is None:
            return
        writer, self._writer = self._writer, None
        self._uncommitted = 0
        try:
            writer.rollback()
            writer.wait_merging_threads()  # frees the directory lock
        except ValueError:
            log.warning("the search index writer in %s could not be closed cleanly", self.path)

    def _acquire_writer(self) -> tantivy.IndexWriter:
        deadline = time.monotonic() + self._lock_timeout
        while True:
            try:
                return self._index.writer(heap_size=WRITER_HEAP_BYTES, num_threads=1)
            except ValueError as error:
                if "LockBusy" not in str(error):
                    raise
                if time.monotonic() >= deadline:
                    raise IndexLockedError(
                        f"the search index in {self.path} is being written by another process; "
                        "try again when it has finished"
                    ) from error
                time.sleep(0.1)

    def _release_writer(self) -> None:
        if self._writer is None:
            return
        writer = self._writer
        self._commit_writer(writer)
        self._writer = None
        writer.wait_merging_threads()  # consumes the writer, which frees the directory lock
        self._uncommitted = 0

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError(f"the search index in {self.path} is closed")

    # ------------------------------------------------------------ reading

    def count(self) -> int:
        self._check_open()
        searcher = self._searcher()
        return searcher.search(Query.term_query(self._schema, "is_page", False), limit=1, count=True).count

    def holds_document(self, document_id: str) -> bool:
        """Whether a commit made passages of the document searchable (writes since are not seen)."""
        self._check_open()
        document = Query.term_query(self._schema, "doc_id", document_id)
        return self._searcher().search(document, limit=1, count=True).count > 0

    def passage_keys(self) -> list[tuple[str, int]]:
        self._check_open()
        searcher = self._searcher()
        blocks = Query.term_query(self._schema, "is_page", False)
        total = searcher.search(blocks, limit=1, count=True).count
        if not total:
            return []
        stored = (_stored(searcher, address) for _, address in searcher.search(blocks, limit=total).hits)
        return [(passage["id"], passage["block"]) for passage in stored]

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        offset: int = 0,
        filters: SearchFilters | Mapping[str, object] | None = None,
        expand: bool = True,
    ) -> SearchResults:
        """Passages holding every query word (every unit), or any of them when none holds all
        (indices.algorithm); ``expand`` also searches the glossary's other names of the query's terms."""
        self._check_open()
        conditions = as_filters(filters)  # outside the try: a wrong filter is the caller's error, no damage
        try:
            return algorithm.answer(
                self._begin_search, query, conditions, limit=limit, offset=offset, expand=expand
            )
        except ValueError as error:  # tantivy's input/output errors
            self._raise_if_damaged(error)
            raise
        except BaseException as error:
            if _is_panic(error):
                self._raise_if_damaged(error)
            raise

    def _begin_search(self) -> _TantivySearch:
        """The engine of one search: a searcher over the checked files, refused while rebuilding."""
        searcher = self._searcher(answering=True)
        return _TantivySearch(searcher, self._queries, self._facet_pool, self._metadata)

    def _searcher(self, *, answering: bool = False) -> tantivy.Searcher:
        """A searcher that sees every commit, including other processes', over files checked intact.
        When ``answering`` a caller, an index being rebuilt is refused, under the lock reset() holds: no
        search that began on the damaged index is answered from the fresh, still empty one."""
        with self._state:
            if answering and self.rebuilding:
                raise IndexRebuildingError(
                    f"the search index in {self.path} is being rebuilt from the catalog; search again when "
                    "it is done"
                )
            self._verified()
            return self._index.searcher()

    def _verified(self) -> None:
        """Reload when the index's meta file changed (and at least every RELOAD_SECONDS, in case a file
        system keeps too coarse a time for two quick commits): reloading costs more than the rest of a
        small search. The files a reload maps are admitted first (new ones read through); between
        reloads each mapped file is stat'ed. IndexDamagedError, logged once, when one is damaged."""
        with self._state:
            try:
                stamp = _stamp(self.path / "meta.json")
                if stamp != self._stamp or time.monotonic() - self._reloaded_at > RELOAD_SECONDS:
                    self._guard.admit()
                    self._reload()
                    self._stamp, self._reloaded_at = stamp, time.monotonic()
                else:
                    self._guard.recheck()
            except IndexDamagedError as error:
                self._note_damage(str(error))
                raise
            self._note_damage(None)

    def _reload(self) -> None:
        try:
            self._index.reload()
        except ValueError as error:  # meta.json or a segment file tantivy cannot read
            raise IndexDamagedError(
                f"the search index in {self.path} cannot be read: {error}; it must be rebuilt from the "
                "catalog (`jcm reindex`)"
            ) from error

    def _reload_soon(self) -> None:
        """After a commit: the next use admits the new files, then reloads."""
        with self._state:
            self._stamp = None

    def _note_damage(self, damage: str | None) -> None:
        if damage is not None and damage != self._damage:
            log.error("%s; searches are refused until it is rebuilt", damage)
        self._damage = damage

    def _raise_if_damaged(self, error: BaseException) -> None:
        """After tantivy failed: IndexDamagedError when a file is damaged (each read through again)."""
        try:
            with self._state:
                self._guard.verify_whole()
        except IndexDamagedError as damage:
            self._note_damage(str(damage))
            raise damage from error

    @property
    def rebuilding(self) -> bool:
        """Whether searches must wait for a rebuild: this index was reset and not yet rebuilt, or another
        process is rebuilding it (or was, and was killed). The writer that clears sees its own writes."""
        return self._held or (not self._clearing and (self.path / REBUILDING_FILE).exists())

    def damage(self) -> str | None:
        """Why the index must be rebuilt, or None: a damaged file (checked as before a search), or a
        rebuild that was interrupted. A rebuild running in another process is no damage."""
        try:
            self._verified()
        except IndexDamagedError as error:
            return str(error)
        pid = _rebuilder(self.path)
        if pid is None or (pid != os.getpid() and _alive(pid)):
            return None
        if pid == os.getpid():
            return f"the search index in {self.path} is empty, to be rebuilt from the catalog"
        return f"the search index in {self.path} is incomplete: its rebuild from the catalog was interrupted"


def _stored(searcher: tantivy.Searcher, address: tantivy.DocAddress) -> dict:
    return json.loads(searcher.doc(address).get_first("stored"))


class _Fields(NamedTuple):
    """A passage's field values that its public copy shares: all but the warnings flags."""

    words: str
    parts: str
    grams: str
    doc_key: int
    text_key: int
    meta_key: int
    stored: bytes


def _document(passage: Passage, streams: Streams, tokens: list | None = None) -> tantivy.Document:
    """The passage's document; the public index is given the very same one when the passage's public
    view is the passage itself (a writer copies what it adds)."""
    key = ("document", *_document_key(passage, tokens))
    return kept(key, lambda: _new_document(passage, streams, tokens))


def _page_document(
    blocks: list[tuple[Passage, Streams]], tokens_of: dict[tuple[str, int], list]
) -> tantivy.Document:
    """The page passage's document, made once for the full index and the public one when the public view
    of each of the page's blocks is the block itself."""

    def make() -> tantivy.Document:
        page, streams = page_passage(blocks)
        return _new_document(page, streams, _page_tokens([passage for passage, _ in blocks], tokens_of))

    keys = [_document_key(passage, tokens_of[passage.document.id, passage.block]) for passage, _ in blocks]
    return kept(("page", *keys), make)


def _document_key(passage: Passage, tokens: list | None) -> tuple:
    """Everything a passage's document is made of: equal keys, equal documents."""
    return (*_fields_key(passage, tokens), passage.year, passage.has_warnings, passage.public_warnings,
            passage.confidential)


def _new_document(passage: Passage, streams: Streams, tokens: list | None) -> tantivy.Document:
    fields = _shared_fields(passage, streams, tokens)
    document = tantivy.Document()
    document.add_text("words", fields.words)
    document.add_text("parts", fields.parts)
    document.add_text("grams", fields.grams)
    document.add_text("doc_id", passage.document.id)
    document.add_text("language", passage.language)
    if passage.doc_type:
        document.add_text("doc_type", passage.doc_type)
    for country in passage.countries:
        document.add_text("countries", country)
    if passage.year is not None:
        document.add_integer("year", passage.year)
    document.add_integer("page", passage.page)
    document.add_integer("block", passage.block)
    document.add_boolean("has_warnings", passage.has_warnings)
    document.add_boolean("public_warnings", passage.public_warnings)
    document.add_boolean("confidential", passage.confidential)
    document.add_boolean("is_page", passage.block == PAGE_BLOCK)
    document.add_unsigned("doc_key", fields.doc_key)
    document.add_unsigned("text_key", fields.text_key)
    document.add_unsigned("meta_key", fields.meta_key)
    document.add_unsigned("language_code", LANGUAGE_CODES.get(passage.language, 0))
    document.add_bytes("stored", fields.stored)
    return document


def _shared_fields(passage: Passage, streams: Streams, tokens: list | None) -> _Fields:
    """Made once for a passage and its public copy, which differ only in the warnings flags."""
    return kept(("fields", *_fields_key(passage, tokens)), lambda: _Fields(
        " ".join(streams.words),
        " ".join(streams.parts),
        " ".join(streams.grams),
        stable_key(passage.document.id),
        text_key(passage.text),
        stable_key(json.dumps([passage.doc_type, passage.countries])),
        _stored_bytes(passage, tokens),
    ))


def _fields_key(passage: Passage, tokens: list | None) -> tuple:
    """What the shared fields are made of: equal keys, equal fields."""
    return (
        passage.document.id, passage.document.filename, passage.page, passage.block, passage.text,
        passage.language, passage.doc_type, tuple(passage.countries), tokens is None,
    )


def _page_tokens(blocks: list[Passage], tokens_of: dict[tuple[str, int], list]) -> list:
    """The blocks' tokens with offsets into the page text (the blocks' texts joined by newlines)."""
    tokens: list = []
    offset = 0
    for passage in sorted(blocks, key=lambda block: block.block):
        block_tokens = tokens_of[passage.document.id, passage.block]
        tokens.extend((text, start + offset, end + offset) for text, start, end in block_tokens)
        offset += len(passage.text) + 1
    return tokens


def _packed(text: str, tokens: list) -> list[list]:
    """Tokens as [start, end], with the token text only where it is not the lower-cased text there."""
    lowered = _lowered(text)
    return [
        [start, end]
        if (lowered[start:end] if lowered is not None else text[start:end].lower()) == token
        else [start, end, token]
        for token, start, end in tokens
    ]


def _unpacked(stored: dict, terms: frozenset[str]) -> list[tuple[str, int, int]] | None:
    """The stored tokens equal to one of ``terms``, as analyze_with_offsets() gave them: all that
    highlight() looks at (None for an index written without tokens)."""
    text, packed = stored["text"], stored.get("tokens")
    if packed is None:
        return None
    lowered = _lowered(text)
    found = []
    for token in packed:
        start, end = token[0], token[1]
        if len(token) > 2:
            token_text = token[2]
        else:
            token_text = lowered[start:end] if lowered is not None else text[start:end].lower()
        if token_text in terms:
            found.append((token_text, start, end))
    return found


def _lowered(text: str) -> str | None:
    """The text lower-cased at once, when its offsets still hold ("İ" lowers to two characters): one
    lower() per text instead of one per token, for packing and unpacking alike."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else None


def _stored_bytes(passage: Passage, tokens: list | None) -> bytes:
    stored = {
        "id": passage.document.id,
        "filename": passage.document.filename,
        "page": passage.page,
        "block": passage.block,
        "text": passage.text,
        "language": passage.language,
        "doc_type": passage.doc_type,
        "countries": passage.countries,
    }
    if tokens is not None:  # highlighting a hit then needs no segmentation
        stored["tokens"] = _packed(passage.text, tokens)
    return json.dumps(stored, ensure_ascii=False, separators=(",", ":")).encode()
