"""The catalog tests run on every backend (the fixture database_url, tests/conftest.py): SQLite always,
PostgreSQL when JCM_TEST_DATABASE_URL names a server (each test in a schema of its own, dropped after
it)."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from corpus.store import Catalog

OpenCatalog = Callable[[Path], Catalog]


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
