"""`jcm verify`: the catalog, the file store and the search index checked against each other, and the
uploads spooled for the service."""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from application.archive import Archive
from application.jobs import orphan_spool_files
from corpus.models import Block, Document
from corpus.store import PARTIAL_PREFIX, Catalog
from indices import IndexSchemaError
from indices.embedded import embedded_parts
from indices.integrity import index_problems as damaged_files

SHOWN_PER_AREA = 20


@dataclass
class Report:
    """Problems by area (catalog, files, index, uploads), and remarks that are not problems."""

    problems: dict[str, list[str]] = field(
        default_factory=lambda: {"catalog": [], "files": [], "index": [], "uploads": []}
    )
    remarks: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(self.problems.values())


def verify_archive(archive: Archive) -> Report:
    report = Report()
    catalog = archive.catalog
    documents = catalog.list_documents(include_confidential=True)  # verify sees every document
    report.problems["catalog"] = catalog.integrity_problems()
    # Each document's blocks are read once, for its own checks and for the passages the index must hold.
    expected: Counter[tuple[str, int]] = Counter()
    for document in documents:
        blocks = catalog.blocks(document.id) if document.status == "ingested" else []
        report.problems["catalog"] += document_problems(catalog, document, blocks)
        expected.update((document.id, block.index) for block in blocks if block.text.strip())
    report.problems["files"], leftovers = file_problems(catalog, documents)
    if leftovers:
        report.remarks.append(f"{leftovers} partly written files left by interrupted runs (never referenced)")
    report.problems["index"] = index_problems(archive, documents, expected)
    report.problems["uploads"] = upload_problems(archive)
    pending = catalog.pending_refresh()
    if not pending:
        report.problems["catalog"] += derived_problems(archive)
    else:  # warnings and index entries lag until the next run finishes them
        report.problems["index"].append(
            f"{len(pending)} changed documents are not yet checked and indexed (an ingest is running or was "
            "interrupted)"
        )
    return report


def document_problems(catalog: Catalog, document: Document, blocks: list[Block]) -> list[str]:
    """An ingested document has all its pages, and its blocks (given) and facts point into them."""
    if document.status != "ingested":
        return []
    name = f"document {document.filename!r}"
    problems = []
    numbers = [page.number for page in catalog.pages(document.id)]
    if numbers != list(range(1, document.pages + 1)):
        problems.append(f"{name}: pages {numbers[:5]}... stored for {document.pages} pages")
    pages_of = {block.index: block.page for block in blocks}
    if any(not 1 <= page <= document.pages for page in pages_of.values()):
        problems.append(f"{name}: blocks on pages the document does not have")
    for fact in catalog.facts(document_id=document.id, include_confidential=True):
        if fact.document.id != document.id or pages_of.get(fact.evidence.block) != fact.evidence.page:
            problems.append(f"{name}: fact {fact.id} points to no block of the document")
    return problems


def derived_problems(archive: Archive) -> list[str]:
    """Warnings and profiles are kept up to date change by change: they must be what a recomputation of
    the whole catalog gives."""
    warnings, profiles = archive.derived.recomputed()
    expected = {w.id: w.model_dump() for w in warnings}
    kept = {w.id: w.model_copy(update={"status": "open", "note": None}).model_dump()
            for w in archive.catalog.warnings(include_confidential=True)}
    differing = {i for i in expected.keys() | kept.keys() if expected.get(i) != kept.get(i)}
    stored = archive.catalog.profiles(profiles)
    stale = {d for d, kept in stored.items() if profiles[d].data != kept.data}
    problems = []
    if differing:
        problems.append(f"{len(differing)} warnings differ from a recomputation (`jcm reindex` redoes them)")
    if stale:
        problems.append(f"{len(stale)} kept profiles differ from their documents (`jcm reindex` redoes them)")
    return problems


def file_problems(catalog: Catalog, documents: list[Document]) -> tuple[list[str], int]:
    """Each ingested document's original is stored, and every stored file is what its name says."""
    problems = [
        f"document {d.filename!r}: original file {d.sha256[:12]}… is missing"
        for d in documents
        if d.status == "ingested" and not catalog.files.path_for(d.sha256).is_file()
    ]
    leftovers = 0
    for path in sorted(catalog.files.root.rglob("*")) if catalog.files.root.exists() else []:
        if not path.is_file():
            continue
        if path.name.startswith(PARTIAL_PREFIX):
            leftovers += 1
        elif hashlib.sha256(path.read_bytes()).hexdigest() != path.name:
            problems.append(f"stored file {path.name[:12]}… does not match its SHA-256 (damaged)")
    return problems, leftovers


def index_problems(
    archive: Archive, documents: list[Document], expected: Counter[tuple[str, int]]
) -> list[str]:
    """The index's files are whole, and it holds exactly the expected passages: one per non-empty block of
    every ingested document."""
    try:
        damage = index_damage(archive)
        if damage:
            return damage
        indexed = Counter(archive.index.passage_keys())
    except IndexSchemaError as error:
        return [str(error)]
    names = {document.id: document.filename for document in documents}
    missing, extra = expected - indexed, indexed - expected
    problems = [
        f"document {names[d]!r}: {n} passages missing from the index" for d, n in by_document(missing)
    ]
    problems += [
        f"document {names.get(d, d)!r}: {n} passages in the index that the catalog does not hold"
        for d, n in by_document(extra)
    ]
    return problems


def index_damage(archive: Archive) -> list[str]:
    """Each file of the embedded index read through against the checksum tantivy wrote in it, and a
    rebuild that was interrupted (or is running in another process, when a service rebuilds it)."""
    problems = []
    for part in embedded_parts(archive.index):
        problems += [f"search index in {part.path}: {problem}" for problem in damaged_files(part.path)]
        if part.rebuilding:
            problems.append(
                f"search index in {part.path}: incomplete: a rebuild from the catalog is running or was "
                "interrupted"
            )
    return problems


def upload_problems(archive: Archive) -> list[str]:
    """Spooled uploads no job waiting or running will read: left by a crash, they may hold confidential
    bytes. The service removes them when it starts."""
    spool = archive.settings.layout.uploads
    return [
        f"spooled upload {path.name} belongs to no waiting job (left by a crash; `jcm serve` removes it "
        "at start, or delete it)"
        for path in orphan_spool_files(archive.catalog, spool)
    ]


def by_document(keys: Counter[tuple[str, int]]) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    for (document_id, _block), n in keys.items():
        counts[document_id] += n
    return sorted(counts.items())


def render_report(report: Report) -> str:
    lines = []
    for area, problems in report.problems.items():
        lines.append(f"{area}: {'ok' if not problems else f'{len(problems)} problems'}")
        lines += [f"  {problem}" for problem in problems[:SHOWN_PER_AREA]]
        if len(problems) > SHOWN_PER_AREA:
            lines.append(f"  … and {len(problems) - SHOWN_PER_AREA} more")
    lines += [f"note: {remark}" for remark in report.remarks]
    if report.problems["index"]:
        lines.append("the search index is derived from the catalog: `jcm reindex` rebuilds it")
    return "\n".join(lines)
