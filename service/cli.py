"""The `jcm` command line: ingest, query facts, warnings and search, and serve the API."""
from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from corpus.filters import FactQuery
from corpus.models import ProjectDecision, WarningStatus
from corpus.store import Catalog
from indices import IndexUnavailableError, SearchBackendError, warm_up
from service import formats
from service.access import Role, create_key
from service.archive import Archive, IngestOutcome, files_to_ingest
from service.queries import ProjectResolver
from service.settings import Settings, SettingsError
from service.verify import render_report, verify_archive

# The command line is the operator's tool: it reads the catalog directly, confidential documents included.
EVERYTHING = {"include_confidential": True}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jcm", description="JCM documents: facts, warnings and search.")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="where the catalog, files and index live (default: $JCM_DATA_DIR or ./jcm-data)")
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser("ingest", help="ingest files or folders (recursively)")
    ingest.add_argument("paths", nargs="+", type=Path)
    ingest.add_argument("--confidential", action="store_true",
                        help="the files are confidential: only secretariat, reviewer and admin keys see them")

    facts = commands.add_parser("facts", help="list extracted facts")
    facts.add_argument("--format", choices=["json", "csv", "table"], default="table")
    facts.add_argument("--document", help="document id or file name")
    facts.add_argument("--kind")
    facts.add_argument("--country", help="partner country the fact is about")

    warnings = commands.add_parser("warnings", help="list consistency warnings, or review one")
    warnings.add_argument("--format", choices=["json", "table"], default="table")
    review = warnings.add_subparsers(dest="review")
    for action in REVIEW_COMMANDS:
        sub = review.add_parser(action, help=f"{action} a warning")
        sub.add_argument("warning_id")
        sub.add_argument("--note", default=None)

    projects = commands.add_parser("projects", help="list projects and why their documents are one; decide")
    projects.add_argument("--format", choices=["json", "table"], default="table")
    decide = projects.add_subparsers(dest="decision")
    for action, meaning in (("link", "are one project"), ("separate", "are different projects"),
                            ("undecide", "are decided by the evidence again")):
        sub = decide.add_parser(action, help=f"two documents {meaning}")
        sub.add_argument("documents", nargs=2, help="document ids or file names")
        if action != "undecide":
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

    reindex = commands.add_parser("reindex", help="recompute warnings, rebuild the search index")
    _add_backend_arguments(reindex)
    verify = commands.add_parser(
        "verify", help="check the catalog, the stored files and the search index; non-zero exit on problems"
    )
    _add_backend_arguments(verify)
    documents = commands.add_parser("documents", help="list documents")
    documents.add_argument("--format", choices=["json", "table"], default="table")

    keys = commands.add_parser("keys", help="API keys: create, list, revoke")
    key_commands = keys.add_subparsers(dest="key_command", required=True)
    create = key_commands.add_parser("create", help="create a key; prints it once, on the last line")
    create.add_argument("--role", required=True, choices=[role.value for role in Role])
    create.add_argument("--name", default=None, help="who or what the key is for")
    key_commands.add_parser("list", help="list keys (their ids and roles; keys are stored hashed)")
    revoke = key_commands.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("key_id")

    serve = commands.add_parser("serve", help="serve the REST API, search and web pages")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = settings_of(args)
    except SettingsError as error:
        print(f"jcm: {error}", file=sys.stderr)
        return 2
    if args.command == "serve":
        return serve(settings)
    if args.command == "keys":
        return keys(Catalog(settings.data_dir, settings.database_url), args)
    if args.command == "reindex":
        from service.serving import prepare_index

        prepare_index(settings)  # a damaged index is emptied first: reindex is what rebuilds it
    try:
        archive = Archive(settings)
    except IndexUnavailableError as error:
        print(f"jcm: {error}; `jcm reindex` rebuilds the search index from the catalog", file=sys.stderr)
        return 2
    try:
        return COMMANDS[args.command](archive, args)
    except (SearchBackendError, IndexUnavailableError) as error:
        print(f"jcm: {error}", file=sys.stderr)
        return 2
    finally:
        archive.close()


# Command-line options that stand for a setting, by the setting's name.
SETTING_OPTIONS = {
    "data_dir": "data_dir", "search_backend": "backend", "es_url": "es_url", "host": "host", "port": "port",
}


# The review commands and the status each gives a warning.
REVIEW_COMMANDS: dict[str, WarningStatus] = {"ack": "acknowledged", "dismiss": "dismissed", "reopen": "open"}


def settings_of(args: argparse.Namespace) -> Settings:
    """The settings of this run: the environment's, with the options given on the command line over them.
    Decided before anything is built, so the archive and its index see only these."""
    given = {name: getattr(args, option, None) for name, option in SETTING_OPTIONS.items()}
    return Settings(**{name: value for name, value in given.items() if value is not None})


def ingest(archive: Archive, args: argparse.Namespace) -> int:
    missing = [p for p in args.paths if not p.exists()]
    for path in missing:
        print(f"jcm: no such file or folder: {path}", file=sys.stderr)
    total = len(files_to_ingest([p for p in args.paths if p.exists()]))
    with tqdm(total=total, unit="file", file=sys.stderr, disable=None) as bar:
        def advance(_position: int, outcome: IngestOutcome) -> None:
            bar.update(1)
            bar.set_postfix_str(outcome.filename[-40:])

        outcomes = archive.ingest_paths(
            [p for p in args.paths if p.exists()], on_file=advance, confidential=args.confidential
        )
    print(summary(outcomes))
    return 1 if missing or any(o.status == "failed" for o in outcomes) else 0


def summary(outcomes: Sequence[IngestOutcome]) -> str:
    counts = {s: sum(o.status == s for o in outcomes) for s in ("ingested", "unchanged", "failed")}
    lines = [f"ingested {counts['ingested']}, unchanged {counts['unchanged']}, failed {counts['failed']}"]
    lines += [f"  failed: {one_line(o.filename)}: {o.reason}" for o in outcomes if o.status == "failed"]
    return "\n".join(lines)


def one_line(name: str) -> str:
    """A file name as typed, or quoted with escapes when it holds characters that would break the line."""
    return name if name.isprintable() else repr(name)


def facts(archive: Archive, args: argparse.Namespace) -> int:
    document_id = None
    if args.document:
        document = archive.catalog.find_document(args.document, **EVERYTHING)
        if document is None:
            print(f"jcm: no document {args.document!r}", file=sys.stderr)
            return 2
        document_id = document.id
    query = FactQuery(document_id=document_id, kind=args.kind, country=args.country)
    found = archive.catalog.find_facts(query, **EVERYTHING)
    output = {"json": formats.to_json, "csv": formats.facts_csv, "table": formats.facts_table}[args.format]
    sys.stdout.write(output(found).rstrip("\n") + "\n")
    return 0


def warnings(archive: Archive, args: argparse.Namespace) -> int:
    if args.review:
        status = REVIEW_COMMANDS[args.review]
        reviewed = archive.catalog.review_warning(args.warning_id, status, args.note)
        if reviewed is None:
            print(f"jcm: no warning {args.warning_id!r}", file=sys.stderr)
            return 2
        print(f"{reviewed.id}: {reviewed.status}")
        return 0
    found = archive.catalog.warnings(**EVERYTHING)
    print(formats.to_json(found) if args.format == "json" else formats.warnings_table(found))
    return 0


def projects(archive: Archive, args: argparse.Namespace) -> int:
    if args.decision:
        return _decide_projects(archive, args)
    found = ProjectResolver(archive.catalog).projects(**EVERYTHING)
    print(formats.to_json(found) if args.format == "json" else formats.projects_table(found))
    return 0


def _decide_projects(archive: Archive, args: argparse.Namespace) -> int:
    documents = [archive.catalog.find_document(d, **EVERYTHING) for d in args.documents]
    if None in documents or documents[0] == documents[1]:
        print("jcm: name two different documents of the catalog", file=sys.stderr)
        return 2
    ids = [d.id for d in documents if d]
    if args.decision == "undecide":
        if not archive.undecide(*ids):
            print("jcm: no decision on these documents", file=sys.stderr)
            return 2
    else:
        archive.decide(ProjectDecision(documents=ids, same=args.decision == "link", note=args.note))
    print(f"{' '.join(args.documents)}: {args.decision}")
    return 0


def _add_backend_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--backend", choices=["embedded", "elasticsearch"], default=None,
                         help="search backend (default: $JCM_SEARCH_BACKEND or embedded)")
    command.add_argument("--es-url", default=None, help="Elasticsearch URL (default: $JCM_ES_URL)")


def search(archive: Archive, args: argparse.Namespace) -> int:
    filters = {
        "language": args.language, "country": args.country, "doc_type": args.doc_type, "year": args.year,
        "has_warnings": args.has_warnings,
    }
    results = archive.search(
        args.query, limit=args.limit, offset=args.offset, filters={k: v for k, v in filters.items() if v},
        expand=not args.no_expand, include_confidential=True,
    )
    if args.format == "json":
        print(formats.to_json(results.hits))
        return 0
    if results.also_searched:
        print(f"also searched: {', '.join(results.also_searched)}")
    if results.facts:
        print(formats.facts_table(results.facts))
        print()
    print(formats.hits_table(results.hits))
    return 0


def reindex(archive: Archive, args: argparse.Namespace) -> int:
    print(f"indexed {archive.rebuild_index()} passages")
    return 0


def verify(archive: Archive, args: argparse.Namespace) -> int:
    report = verify_archive(archive)
    print(render_report(report))
    return 0 if report.ok else 1


def documents(archive: Archive, args: argparse.Namespace) -> int:
    found = archive.catalog.list_documents(**EVERYTHING)
    if args.format == "json":
        print(formats.to_json(found))
    else:
        rows = [
            [d.id, d.filename, d.status, d.pages, ",".join(d.languages), "yes" if d.confidential else "",
             d.error or ""]
            for d in found
        ]
        print(formats.table(rows, ["id", "file", "status", "pages", "languages", "confidential", "error"]))
    return 0


def keys(catalog: Catalog, args: argparse.Namespace) -> int:
    if args.key_command == "create":
        record, key = create_key(catalog, args.role, args.name)
        print(f"created {record.role} key {record.id}{f' ({record.name})' if record.name else ''}; "
              "it is shown this once, only its hash is kept:")
        print(key)
        return 0
    if args.key_command == "revoke":
        if not catalog.revoke_key(args.key_id):
            print(f"jcm: no key {args.key_id!r}", file=sys.stderr)
            return 2
        print(f"revoked {args.key_id}")
        return 0
    rows = [
        [k.id, k.role, k.name or "", k.created_at[:19], (k.revoked_at or "")[:19]] for k in catalog.api_keys()
    ]
    print(formats.table(rows, ["id", "role", "name", "created", "revoked"]))
    return 0


def first_run_hint(catalog: Catalog, settings: Settings) -> str | None:
    """What a user starting the service without any key needs to know, or None."""
    if any(k.revoked_at is None for k in catalog.api_keys()):
        return None
    anonymous = (
        "anyone may read public documents (JCM_ANONYMOUS_READ is on)" if settings.anonymous_read
        else "every request needs a key (set JCM_ANONYMOUS_READ=1 to let anyone read public documents)"
    )
    return (f"jcm: there are no API keys yet, so {anonymous}.\n"
            f"     Create one with: jcm --data-dir {settings.data_dir} keys create --role admin")


def serve(settings: Settings) -> int:
    import uvicorn

    from service.api import create_app
    from service.serving import KEEP_ALIVE_SECONDS, configure_logging, deadline_protocol, prepare_index

    configure_logging()
    # A damaged index is emptied now and rebuilt in the background: the port opens without waiting.
    prepare_index(settings)
    catalog = Catalog(settings.data_dir, settings.database_url)
    hint = first_run_hint(catalog, settings)
    catalog.close()
    if hint:
        print(hint, file=sys.stderr)
    app = create_app(settings)
    warm_up()  # dictionaries loaded now rather than in the first search
    # What start-up built lives as long as the service: keep it out of the collections that would
    # otherwise walk it again and again while requests wait.
    gc.freeze()
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        http=deadline_protocol(settings),  # deadlines on reading each request's headers and body
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        # X-Forwarded-* is trusted from JCM_TRUSTED_PROXIES only, by the app; uvicorn's own default
        # would trust it from any local address.
        proxy_headers=False,
    )
    return 0


COMMANDS = {
    "ingest": ingest, "facts": facts, "warnings": warnings, "search": search, "projects": projects,
    "reindex": reindex, "documents": documents, "verify": verify,
}

if __name__ == "__main__":
    sys.exit(main())
