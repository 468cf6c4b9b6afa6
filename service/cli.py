"""The `jcm` command line: ingest, query facts, warnings and search, and serve the API."""
from __future__ import annotations

import argparse
import dataclasses
import gc
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from corpus.models import Fact
from indices import IndexSchemaError, SearchBackendError, warm_up
from service import formats
from service.archive import Archive, IngestOutcome, files_to_ingest
from service.settings import Settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jcm", description="JCM documents: facts, warnings and search.")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="where the catalog, files and index live (default: $JCM_DATA_DIR or ./jcm-data)")
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser("ingest", help="ingest files or folders (recursively)")
    ingest.add_argument("paths", nargs="+", type=Path)

    facts = commands.add_parser("facts", help="list extracted facts")
    facts.add_argument("--format", choices=["json", "csv", "table"], default="table")
    facts.add_argument("--document", help="document id or file name")
    facts.add_argument("--kind")
    facts.add_argument("--country", help="partner country the fact is about")

    warnings = commands.add_parser("warnings", help="list consistency warnings, or review one")
    warnings.add_argument("--format", choices=["json", "table"], default="table")
    review = warnings.add_subparsers(dest="review")
    for action in ("ack", "dismiss", "reopen"):
        sub = review.add_parser(action, help=f"{action} a warning")
        sub.add_argument("warning_id")
        sub.add_argument("--note", default=None)

    search = commands.add_parser("search", help="full-text search in Thai, English and Japanese")
    search.add_argument("query")
    search.add_argument("--format", choices=["json", "table"], default="table")
    search.add_argument("--limit", type=int, default=10)
    search.add_argument("--language", choices=["th", "en", "ja"])
    search.add_argument("--offset", type=int, default=0)
    search.add_argument("--country", help="partner country as the facets name it, e.g. Mongolia")
    search.add_argument("--doc-type", help="e.g. pdd, monitoring_report")
    search.add_argument("--year", type=int)
    search.add_argument("--has-warnings", choices=["true", "false"])
    search.add_argument("--no-expand", action="store_true",
                        help="search only the words given, not their glossary names in the other languages")
    _add_backend_arguments(search)

    reindex = commands.add_parser("reindex", help="rebuild the search index from the catalog")
    _add_backend_arguments(reindex)
    documents = commands.add_parser("documents", help="list documents")
    documents.add_argument("--format", choices=["json", "table"], default="table")

    serve = commands.add_parser("serve", help="serve the REST API, search and web pages")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings(data_dir=args.data_dir) if args.data_dir else Settings()
    if args.command == "serve":
        return serve(settings, args.host, args.port)
    archive = Archive(settings)
    try:
        return COMMANDS[args.command](archive, args)
    except SearchBackendError as error:
        print(f"jcm: {error}", file=sys.stderr)
        return 2
    finally:
        archive.close()


def ingest(archive: Archive, args: argparse.Namespace) -> int:
    missing = [p for p in args.paths if not p.exists()]
    for path in missing:
        print(f"jcm: no such file or folder: {path}", file=sys.stderr)
    total = len(files_to_ingest([p for p in args.paths if p.exists()]))
    with tqdm(total=total, unit="file", file=sys.stderr, disable=None) as bar:
        def advance(outcome: IngestOutcome) -> None:
            bar.update(1)
            bar.set_postfix_str(outcome.filename[-40:])

        outcomes = archive.ingest_paths([p for p in args.paths if p.exists()], on_file=advance)
    print(summary(outcomes))
    return 1 if missing or any(o.status == "failed" for o in outcomes) else 0


def summary(outcomes: Sequence[IngestOutcome]) -> str:
    counts = {s: sum(o.status == s for o in outcomes) for s in ("ingested", "unchanged", "failed")}
    lines = [f"ingested {counts['ingested']}, unchanged {counts['unchanged']}, failed {counts['failed']}"]
    lines += [f"  failed: {o.filename}: {o.reason}" for o in outcomes if o.status == "failed"]
    return "\n".join(lines)


def facts(archive: Archive, args: argparse.Namespace) -> int:
    document_id = None
    if args.document:
        document = archive.catalog.find_document(args.document)
        if document is None:
            print(f"jcm: no document {args.document!r}", file=sys.stderr)
            return 2
        document_id = document.id
    found = archive.catalog.facts(document_id=document_id, kind=args.kind)
    if args.country:
        found = [f for f in found if _about_country(f, args.country, archive)]
    output = {"json": formats.to_json, "csv": formats.facts_csv, "table": formats.facts_table}[args.format]
    sys.stdout.write(output(found).rstrip("\n") + "\n")
    return 0


def _about_country(fact: Fact, country: str, archive: Archive) -> bool:
    wanted = country.casefold()
    if fact.subject and wanted in fact.subject.casefold():
        return True
    document = archive.catalog.get_document(fact.document.id)
    return document is not None and any(wanted == c.casefold() for c in document.countries)


def warnings(archive: Archive, args: argparse.Namespace) -> int:
    if args.review:
        status = {"ack": "acknowledged", "dismiss": "dismissed", "reopen": "open"}[args.review]
        reviewed = archive.catalog.review_warning(args.warning_id, status, args.note)
        if reviewed is None:
            print(f"jcm: no warning {args.warning_id!r}", file=sys.stderr)
            return 2
        print(f"{reviewed.id}: {reviewed.status}")
        return 0
    found = archive.catalog.warnings()
    print(formats.to_json(found) if args.format == "json" else formats.warnings_table(found))
    return 0


def _add_backend_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--backend", choices=["embedded", "elasticsearch"], default=None,
                         help="search backend (default: $JCM_SEARCH_BACKEND or embedded)")
    command.add_argument("--es-url", default=None, help="Elasticsearch URL (default: $JCM_ES_URL)")


def _use_backend(archive: Archive, args: argparse.Namespace) -> None:
    """Point the archive at the backend named on the command line, before it opens its index."""
    overrides = {"search_backend": args.backend, "es_url": args.es_url}
    chosen = {name: value for name, value in overrides.items() if value}
    if chosen:
        archive.settings = dataclasses.replace(archive.settings, **chosen)


def search(archive: Archive, args: argparse.Namespace) -> int:
    _use_backend(archive, args)
    filters = {
        "language": args.language, "country": args.country, "doc_type": args.doc_type, "year": args.year,
        "has_warnings": args.has_warnings,
    }
    results = archive.index.search(
        args.query, limit=args.limit, offset=args.offset, filters={k: v for k, v in filters.items() if v},
        expand=not args.no_expand,
    )
    if args.format == "json":
        print(formats.to_json(results.hits))
        return 0
    if results.also_searched:
        print(f"also searched: {', '.join(results.also_searched)}")
    print(formats.hits_table(results.hits))
    return 0


def reindex(archive: Archive, args: argparse.Namespace) -> int:
    _use_backend(archive, args)
    try:
        archive.index.count()
    except IndexSchemaError:  # built by another version: derived data, rebuilt below from the catalog
        shutil.rmtree(archive.settings.data_dir / "index")
    print(f"indexed {archive.reindex()} passages")
    return 0


def documents(archive: Archive, args: argparse.Namespace) -> int:
    found = archive.catalog.list_documents()
    if args.format == "json":
        print(formats.to_json(found))
    else:
        rows = [[d.id, d.filename, d.status, d.pages, ",".join(d.languages), d.error or ""] for d in found]
        print(formats.table(rows, ["id", "file", "status", "pages", "languages", "error"]))
    return 0


def serve(settings: Settings, host: str | None, port: int | None) -> int:
    import uvicorn

    from service.api import create_app

    app = create_app(settings)
    warm_up()  # dictionaries loaded now rather than in the first search
    # What start-up built lives as long as the service: keep it out of the collections that would
    # otherwise walk it again and again while requests wait.
    gc.freeze()
    uvicorn.run(app, host=host or settings.host, port=port or settings.port)
    return 0


COMMANDS = {
    "ingest": ingest, "facts": facts, "warnings": warnings, "search": search,
    "reindex": reindex, "documents": documents,
}

if __name__ == "__main__":
    sys.exit(main())
