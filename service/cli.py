"""The `jcm` command line: ingest, query facts, warnings and search, and serve the API."""
from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from tqdm import tqdm

from application.access import OPERATOR, Role
from application.front import Application
from application.ingest import IngestOutcome, files_to_ingest
from application.settings import Settings, SettingsError
from application.verify import render_report
from corpus.filters import FactQuery
from corpus.models import ProjectDecision, WarningStatus
from indices import IndexUnavailableError, SearchBackendError, SearchFilters, warm_up
from service import formats

# A command: what it does with the application, and its exit status. The command line is the operator's
# tool: whoever runs it owns the data folder, so it goes through the front doors as the operator, who may
# do everything and sees confidential documents too.
Command = Callable[[Application, argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jcm", description="JCM documents: facts, warnings and search.")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="where the catalog, files and index live (default: $JCM_DATA_DIR or ./jcm-data)")
    commands = parser.add_subparsers(dest="command", required=True)
    for add in (_add_ingest, _add_listings, _add_search, _add_upkeep, _add_keys_and_serve):
        add(commands)
    return parser


# The subcommands' parsers, added in the order `jcm --help` lists them.
Commands = argparse._SubParsersAction


def _add_ingest(commands: Commands) -> None:
    ingest = commands.add_parser("ingest", help="ingest files or folders (recursively)")
    ingest.add_argument("paths", nargs="+", type=Path)
    ingest.add_argument("--confidential", action="store_true",
                        help="the files are confidential: only secretariat, reviewer and admin keys see them")


def _add_listings(commands: Commands) -> None:
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


def _add_search(commands: Commands) -> None:
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


def _add_upkeep(commands: Commands) -> None:
    reindex = commands.add_parser("reindex", help="recompute warnings, rebuild the search index")
    _add_backend_arguments(reindex)
    verify = commands.add_parser(
        "verify", help="check the catalog, the stored files and the search index; non-zero exit on problems"
    )
    _add_backend_arguments(verify)
    documents = commands.add_parser("documents", help="list documents")
    documents.add_argument("--format", choices=["json", "table"], default="table")


def _add_keys_and_serve(commands: Commands) -> None:
    keys = commands.add_parser("keys", help="API keys: create, list, revoke")
    key_commands = keys.add_subparsers(dest="key_command", required=True)
    create = key_commands.add_parser("create", help="create a key; prints it once, on the last line")
    create.add_argument("--role", required=True, choices=[role.value for role in Role])
    create.add_argument("--name", default=None, help="who or what the key is for")
    key_commands.add_parser("list", help="list keys (their ids and roles; keys are stored hashed)")
    revoke = key_commands.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("key_id")

    serve = commands.add_parser(
        "serve", help="serve the REST API, search and web pages",
        description="Serve the REST API, search and web pages. With one process (the default) it also "
        "ingests the uploads, as long as no `jcm worker` writes the data folder's index (then it queues "
        "them for that worker). With --workers N > 1, N processes share the port and only read and queue "
        "uploads; one `jcm worker` process, started and stopped with the service, ingests them and is "
        "the one process that writes the embedded index (the others see each of its commits). "
        "--no-ingest starts no ingestion at all: run `jcm worker` yourself (on this machine with the "
        "embedded index; with PostgreSQL and Elasticsearch, on any machine sharing the data folder).",
    )
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--workers", type=int, default=1, metavar="N",
                       help="API processes sharing the port (default 1)")
    serve.add_argument("--no-ingest", action="store_true",
                       help="only queue uploads; a separately started `jcm worker` ingests them")

    worker = commands.add_parser(
        "worker", help="ingest the uploads the service queues, until stopped",
        description="Ingest the uploads that `jcm serve` processes queue in the catalog, reporting each "
        "job's progress there. Any number of workers may share a PostgreSQL catalog: each claims its "
        "own jobs, and a job whose worker died (even by kill -9) is taken again once its lease "
        f"(JCM_JOB_LEASE_SECONDS, default {Settings.model_fields['job_lease_seconds'].default:g} s) "
        "runs out, never stored twice. With the embedded index, one worker per data folder writes it; "
        "a second waits.",
    )
    _add_backend_arguments(worker)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = settings_of(args)
    except SettingsError as error:
        print(f"jcm: {error}", file=sys.stderr)
        return 2
    if args.command == "serve":
        if args.workers < 1:
            print("jcm: --workers takes a number of processes, 1 or more", file=sys.stderr)
            return 2
        if args.workers > 1 or args.no_ingest:
            return serve_processes(settings, args.workers, start_worker=not args.no_ingest)
        return serve(settings)
    if args.command == "worker":
        return work(settings)
    if args.command == "keys":
        return with_application(settings, keys, args)
    if args.command == "reindex":
        from application.resources import prepare_index

        prepare_index(settings)  # a damaged index is emptied first: reindex is what rebuilds it
    return with_application(settings, COMMANDS[args.command], args)


def with_application(settings: Settings, command: Command, args: argparse.Namespace) -> int:
    """Run a command with the application of these settings, closed afterwards."""
    try:
        application = Application(settings)
    except IndexUnavailableError as error:
        print(f"jcm: {error}; `jcm reindex` rebuilds the search index from the catalog", file=sys.stderr)
        return 2
    try:
        return command(application, args)
    except (SearchBackendError, IndexUnavailableError) as error:
        print(f"jcm: {error}", file=sys.stderr)
        return 2
    finally:
        application.close()


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


def ingest(application: Application, args: argparse.Namespace) -> int:
    missing = [p for p in args.paths if not p.exists()]
    for path in missing:
        print(f"jcm: no such file or folder: {path}", file=sys.stderr)
    total = len(files_to_ingest([p for p in args.paths if p.exists()]))
    with tqdm(total=total, unit="file", file=sys.stderr, disable=None) as bar:
        def advance(_position: int, outcome: IngestOutcome) -> None:
            bar.update(1)
            bar.set_postfix_str(outcome.filename[-40:])

        outcomes = application.uploading(OPERATOR).ingest_paths(
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


def facts(application: Application, args: argparse.Namespace) -> int:
    read = application.reading(OPERATOR)
    document_id = None
    if args.document:
        document = read.find_document(args.document)
        if document is None:
            print(f"jcm: no document {args.document!r}", file=sys.stderr)
            return 2
        document_id = document.id
    query = FactQuery(document_id=document_id, kind=args.kind, country=args.country)
    found = read.facts(query)
    output = {"json": formats.to_json, "csv": formats.facts_csv, "table": formats.facts_table}[args.format]
    sys.stdout.write(output(found).rstrip("\n") + "\n")
    return 0


def warnings(application: Application, args: argparse.Namespace) -> int:
    if args.review:
        status = REVIEW_COMMANDS[args.review]
        reviewed = application.reviewing(OPERATOR).review_warning(args.warning_id, status, args.note)
        if reviewed is None:
            print(f"jcm: no warning {args.warning_id!r}", file=sys.stderr)
            return 2
        print(f"{reviewed.id}: {reviewed.status}")
        return 0
    found = application.reading(OPERATOR).warnings_of()
    print(formats.to_json(found) if args.format == "json" else formats.warnings_table(found))
    return 0


def projects(application: Application, args: argparse.Namespace) -> int:
    if args.decision:
        return _decide_projects(application, args)
    found = application.reading(OPERATOR).projects()
    print(formats.to_json(found) if args.format == "json" else formats.projects_table(found))
    return 0


def _decide_projects(application: Application, args: argparse.Namespace) -> int:
    read, review = application.reading(OPERATOR), application.reviewing(OPERATOR)
    documents = [read.find_document(d) for d in args.documents]
    if None in documents or documents[0] == documents[1]:
        print("jcm: name two different documents of the catalog", file=sys.stderr)
        return 2
    ids = [d.id for d in documents if d]
    if args.decision == "undecide":
        if not review.undecide(*ids):
            print("jcm: no decision on these documents", file=sys.stderr)
            return 2
    else:
        review.decide(ProjectDecision(documents=ids, same=args.decision == "link", note=args.note))
    print(f"{' '.join(args.documents)}: {args.decision}")
    return 0


def _add_backend_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--backend", choices=["embedded", "elasticsearch"], default=None,
                         help="search backend (default: $JCM_SEARCH_BACKEND or embedded)")
    command.add_argument("--es-url", default=None, help="Elasticsearch URL (default: $JCM_ES_URL)")


def search(application: Application, args: argparse.Namespace) -> int:
    filters = SearchFilters.of(
        language=args.language, country=args.country, doc_type=args.doc_type, year=args.year or None,
        has_warnings=None if args.has_warnings is None else args.has_warnings == "true",
    )
    results = application.reading(OPERATOR).search(
        args.query, limit=args.limit, offset=args.offset, filters=filters, expand=not args.no_expand
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


def reindex(application: Application, args: argparse.Namespace) -> int:
    print(f"indexed {application.administering(OPERATOR).rebuild_index()} passages")
    return 0


def verify(application: Application, args: argparse.Namespace) -> int:
    report = application.administering(OPERATOR).verify()
    print(render_report(report))
    return 0 if report.ok else 1


def documents(application: Application, args: argparse.Namespace) -> int:
    found = application.reading(OPERATOR).documents()
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


def keys(application: Application, args: argparse.Namespace) -> int:
    admin = application.administering(OPERATOR)
    if args.key_command == "create":
        record, key = admin.create_key(args.role, args.name)
        print(f"created {record.role} key {record.id}{f' ({record.name})' if record.name else ''}; "
              "it is shown this once, only its hash is kept:")
        print(key)
        return 0
    if args.key_command == "revoke":
        if not admin.revoke_key(args.key_id):
            print(f"jcm: no key {args.key_id!r}", file=sys.stderr)
            return 2
        print(f"revoked {args.key_id}")
        return 0
    rows = [
        [k.id, k.role, k.name or "", k.created_at[:19], (k.revoked_at or "")[:19]] for k in admin.api_keys()
    ]
    print(formats.table(rows, ["id", "role", "name", "created", "revoked"]))
    return 0


def first_run_hint(application: Application) -> str | None:
    """What a user starting the service without any key needs to know, or None."""
    if application.has_active_keys():
        return None
    settings = application.settings
    anonymous = (
        "anyone may read public documents (JCM_ANONYMOUS_READ is on)" if settings.anonymous_read
        else "every request needs a key (set JCM_ANONYMOUS_READ=1 to let anyone read public documents)"
    )
    return (f"jcm: there are no API keys yet, so {anonymous}.\n"
            f"     Create one with: jcm --data-dir {settings.data_dir} keys create --role admin")


def serve(settings: Settings) -> int:
    import uvicorn

    from application.resources import prepare_index
    from service.api import create_app
    from service.serving import KEEP_ALIVE_SECONDS, configure_logging, deadline_protocol

    configure_logging()
    # A damaged index is emptied now and rebuilt in the background: the port opens without waiting.
    prepare_index(settings)
    application = Application(settings)
    hint = first_run_hint(application)
    application.close()
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


def serve_processes(settings: Settings, processes: int, *, start_worker: bool) -> int:
    """`jcm serve --workers N` (or --no-ingest): N API processes sharing the port that only queue uploads,
    and, with ``start_worker``, one `jcm worker` beside them, for as long as they serve."""
    import json
    import os
    import subprocess

    import uvicorn

    from application.resources import prepare_index
    from service.api import SETTINGS_VARIABLE
    from service.serving import KEEP_ALIVE_SECONDS, configure_logging

    configure_logging()
    prepare_index(settings)
    served = settings.model_copy(update={"serve_ingests": False})
    # uvicorn starts each API process afresh: the settings this command resolved travel in the
    # environment, to service.api.app_of_serve.
    os.environ[SETTINGS_VARIABLE] = json.dumps(served.model_dump(mode="json"))
    worker = subprocess.Popen(worker_command(settings)) if start_worker else None
    try:
        uvicorn.run(
            "service.api:app_of_serve",
            factory=True,
            workers=processes,
            host=settings.host,
            port=settings.port,
            http="service.serving:DeadlineProtocol",  # each process sets its deadlines (app_of_serve)
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
            proxy_headers=False,  # as in serve()
        )
    finally:
        if worker is not None:
            worker.terminate()  # it finishes the batch it runs, then ends
            worker.wait()
    return 0


def worker_command(settings: Settings) -> list[str]:
    """`jcm worker` for the data folder and search backend of these settings; the rest of the settings
    it reads from the same environment."""
    command = [sys.executable, "-m", "service.cli", "--data-dir", str(settings.data_dir), "worker",
               "--backend", settings.search_backend]
    return command + (["--es-url", settings.es_url] if settings.es_url else [])


def work(settings: Settings) -> int:
    """`jcm worker`: ingest queued uploads until SIGTERM or Ctrl-C, then end after the batch it runs."""
    import signal

    from application.resources import prepare_index
    from service.serving import configure_logging

    configure_logging()
    application = Application(settings)
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: application.request_stop())
    try:
        application.work(prepare=lambda: prepare_index(settings))
    finally:
        application.stop()
    return 0


COMMANDS: dict[str, Command] = {
    "ingest": ingest, "facts": facts, "warnings": warnings, "search": search, "projects": projects,
    "reindex": reindex, "documents": documents, "verify": verify,
}

if __name__ == "__main__":
    sys.exit(main())
