"""The catalog's two backends for the tests: SQLite always, PostgreSQL when JCM_TEST_DATABASE_URL names a
server. Each PostgreSQL test gets a schema of its own, dropped after it, so tests never see each other's
rows and need no server of their own."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest

from corpus.database import connect
from corpus.store import Catalog

TEST_DATABASE_URL = os.environ.get("JCM_TEST_DATABASE_URL") or None
NO_POSTGRES = (
    "PostgreSQL tests need a server: set JCM_TEST_DATABASE_URL=postgresql://user@host:port/database "
    "(.ci/run starts one)"
)
BACKENDS = ("sqlite", "postgresql")


def in_schema(url: str, schema: str) -> str:
    """The URL with the schema first on its search path: the catalog's tables are made and found there.
    Its connections carry the schema's name as their application name, so they can be told apart."""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options={quote(f'-c search_path={schema}', safe='')}&application_name={schema}"


@contextmanager
def postgres_schema() -> Iterator[str]:
    """The URL of a new, empty schema on the test server, dropped afterwards with whatever it holds."""
    import psycopg

    schema = f"jcm_test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(TEST_DATABASE_URL, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        yield in_schema(TEST_DATABASE_URL, schema)
    finally:
        with psycopg.connect(TEST_DATABASE_URL, autocommit=True) as admin:
            # A catalog a test left open must neither hold the drop up nor use up the server's
            # connections: its connections end here.
            ended = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s"
            admin.execute(ended, (schema,))
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


@contextmanager
def backend_url(backend: str) -> Iterator[str | None]:
    """None for SQLite (the catalog file in the data folder), else the URL of an empty PostgreSQL schema;
    the PostgreSQL case is skipped, with the reason, when no server is named."""
    if backend == "sqlite":
        yield None
        return
    if not TEST_DATABASE_URL:
        pytest.skip(NO_POSTGRES)
    with postgres_schema() as url:
        yield url


def stored_bytes(catalog: Catalog) -> bytes:
    """Everything the catalog's database holds, as bytes: the SQLite files as they lie on disk, or every
    row of every table of the PostgreSQL schema as text; for looking for what must never be stored."""
    if not catalog.database_url:
        files = sorted(catalog.path.parent.glob(f"{catalog.path.name}*"))  # with its WAL
        return b"".join(path.read_bytes() for path in files)
    import psycopg

    with psycopg.connect(catalog.database_url) as db:
        tables = db.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        ).fetchall()
        assert tables, "the catalog's schema has no tables"
        rows = [db.execute(f'SELECT t::text FROM "{name}" t').fetchall() for (name,) in tables]
    return "\n".join(row for table in rows for (row,) in table).encode()


@contextmanager
def copied_catalog(database_url: str | None) -> Iterator[str | None]:
    """A copy of the PostgreSQL catalog at database_url, in a schema of its own, for a test to change
    while others start from the same catalog (as a copy of a data folder copies a SQLite catalog); None
    for SQLite, whose catalog is copied with its data folder."""
    if not database_url:
        yield None
        return
    with postgres_schema() as copy_url:
        copy_tables(database_url, copy_url)
        yield copy_url


def copy_tables(source_url: str, target_url: str) -> None:
    """Every table of the source schema, with its rows and indexes, into the (empty) target schema."""
    import psycopg

    source, target = schema_of(source_url), schema_of(target_url)
    with psycopg.connect(source_url) as db:  # one transaction: committed at the block's end
        tables = db.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (source,)
        ).fetchall()
        for (name,) in tables:
            db.execute(f'CREATE TABLE {target}."{name}" (LIKE {source}."{name}" INCLUDING ALL)')
            db.execute(f'INSERT INTO {target}."{name}" SELECT * FROM {source}."{name}"')


def schema_of(url: str) -> str:
    """The schema a test's URL puts first on its search path."""
    import psycopg

    with psycopg.connect(url) as db:
        return db.execute("SELECT current_schema()").fetchone()[0]


def run_sql(catalog: Catalog, *statements: str) -> None:
    """Statements run on the catalog's database through a connection of their own, behind the catalog's
    back: how a test leaves a catalog as an older release or a damage would."""
    db = connect(catalog.database_url, catalog.path)
    try:
        for statement in statements:
            db.execute(statement)
    finally:
        db.close()


def open_connections(catalog: Catalog) -> int:
    """How many sessions the PostgreSQL server holds for the catalog's schema (its application name)."""
    import psycopg

    assert catalog.database_url, "connections are counted on the server: PostgreSQL only"
    schema = schema_of(catalog.database_url)
    with psycopg.connect(TEST_DATABASE_URL or "", autocommit=True) as admin:
        sql = "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = %s"
        return admin.execute(sql, (schema,)).fetchone()[0]
