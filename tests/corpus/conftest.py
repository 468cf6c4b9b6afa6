"""The catalog tests run on every backend: SQLite always, PostgreSQL when JCM_TEST_DATABASE_URL names a
server (each test in a schema of its own, dropped after it)."""
from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from corpus.store import Catalog

TEST_DATABASE_URL = os.environ.get("JCM_TEST_DATABASE_URL") or None
NO_POSTGRES = (
    "PostgreSQL catalog tests need a server: set JCM_TEST_DATABASE_URL=postgresql://user@host:port/database "
    "(.ci/run starts one)"
)

OpenCatalog = Callable[[Path], Catalog]


def in_schema(url: str, schema: str) -> str:
    """The URL with the schema first on its search path: the catalog's tables are made and found there."""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options={quote(f'-c search_path={schema}', safe='')}"


BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """None for SQLite (the catalog file in the data folder), else the URL of an empty PostgreSQL schema."""
    yield from empty_database(request.param)


def empty_database(backend: str) -> Iterator[str | None]:
    """The database_url fixture's value for one backend (for other test folders' fixtures)."""
    if backend == "sqlite":
        yield None
        return
    if not TEST_DATABASE_URL:
        pytest.skip(NO_POSTGRES)
    import psycopg

    schema = f"jcm_test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(TEST_DATABASE_URL, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        yield in_schema(TEST_DATABASE_URL, schema)
    finally:
        with psycopg.connect(TEST_DATABASE_URL, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def open_catalog(database_url: str | None) -> Iterator[OpenCatalog]:
    """Opens the catalog of a data folder on the test's backend; every catalog opened is closed after the
    test, so no connection outlives it."""
    opened: list[Catalog] = []

    def open_one(data_dir: Path) -> Catalog:
        catalog = Catalog(data_dir, database_url=database_url)
        opened.append(catalog)
        return catalog

    yield open_one
    for catalog in opened:
        catalog.close()


@pytest.fixture
def catalog(open_catalog: OpenCatalog, tmp_path: Path) -> Catalog:
    return open_catalog(tmp_path / "data")
