"""Versioned migrations: a catalog made by release 0.1 (the code kept in release_0_1_catalog) is upgraded
in place and answers every reader as it did; today's code answers alike on SQLite and PostgreSQL,
including the filters release 0.1 computed with Python functions registered in SQLite."""
from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from corpus.filters import FactQuery
from corpus.models import Block, PageInfo
from corpus.store import SCHEMA_VERSION, Catalog, CatalogTooNew, fact_rows
from tests.corpus import release_0_1_catalog as release
from tests.corpus.conftest import OpenCatalog
from tests.corpus.sample_catalog import answers, fill, stored_document, stored_fact


def release_catalog(data: Path) -> dict[str, object]:
    """Make a catalog as release 0.1 made it, filled with the sample; returns what it answered."""
    made = release.Catalog(data)
    try:
        fill(made)
        return answers(made)
    finally:
        made.close()


def stored_version(data: Path) -> int | None:
    with sqlite3.connect(data / "catalog.sqlite3") as db:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'schema_version'").fetchone():
            return None
        return db.execute("SELECT version FROM schema_version").fetchone()[0]


def test_a_catalog_of_release_0_1_is_upgraded_in_place_and_answers_as_it_did(tmp_path: Path):
    data = tmp_path / "data"
    before = release_catalog(data)
    assert stored_version(data) is None  # release 0.1 kept no version

    upgraded = Catalog(data)
    assert answers(upgraded) == before
    assert stored_version(data) == SCHEMA_VERSION
    # It goes on as a catalog of today: a new document's facts are found by its country and period.
    added = stored_document("added.txt", False, ["Cambodia"], 9)
    facts = [stored_fact(added, 100, "Phnom Penh LED street lights", "2025-01", 1, "en")]
    upgraded.save_document(added, [PageInfo(number=1)], [Block(page=1, text="x", index=0, start=0, end=1)],
                           fact_rows(facts))
    query = FactQuery(country="cambodia", project="led", year=2025)
    assert [f.value for f in upgraded.find_facts(query)] == [100]
    assert upgraded.integrity_problems() == []
    upgraded.close()


def test_an_upgraded_catalog_opens_again_without_migrating(tmp_path: Path):
    data = tmp_path / "data"
    release_catalog(data)
    Catalog(data).close()
    with sqlite3.connect(data / "catalog.sqlite3") as db:
        # a migration run again would fill these from the facts' JSON again
        db.execute("UPDATE facts SET subject_key = 'untouched'")
    reopened = Catalog(data)
    assert {f.id for f in reopened.facts(include_confidential=True)}  # still readable
    with sqlite3.connect(data / "catalog.sqlite3") as db:
        assert {r[0] for r in db.execute("SELECT DISTINCT subject_key FROM facts")} == {"untouched"}
    reopened.close()


def opened_at_once(open_it: Callable[[], None], threads: int = 4) -> list[BaseException]:
    """Runs `open_it` in several threads at once; what they raised."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            open_it()
        except BaseException as error:  # noqa: BLE001 - reported by the test thread
            errors.append(error)

    started = [threading.Thread(target=run) for _ in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()
    return errors


def test_processes_opening_an_older_catalog_at_once_migrate_it_once(tmp_path: Path):
    data = tmp_path / "data"
    before = release_catalog(data)
    assert opened_at_once(lambda: Catalog(data).close()) == []
    assert answers(Catalog(data)) == before


def test_a_catalog_of_a_newer_release_is_refused_untouched(tmp_path: Path):
    data = tmp_path / "data"
    Catalog(data).close()
    with sqlite3.connect(data / "catalog.sqlite3") as db:
        db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(CatalogTooNew, match=f"schema version {SCHEMA_VERSION + 1}"):
        Catalog(data)
    assert stored_version(data) == SCHEMA_VERSION + 1


def test_every_backend_answers_as_release_0_1_did(open_catalog: OpenCatalog, tmp_path: Path):
    """Release 0.1 filtered with Python's casefold and period reading inside SQLite; today's catalog
    keeps their results in columns: on either database, every reader answers the same."""
    expected = release_catalog(tmp_path / "release")
    today = open_catalog(tmp_path / "today")
    fill(today)
    assert answers(today) == expected


def test_catalogs_opened_at_once_on_an_empty_database_make_one_schema(open_catalog: OpenCatalog,
                                                                       tmp_path: Path):
    assert opened_at_once(lambda: open_catalog(tmp_path / "data").close()) == []
    catalog = open_catalog(tmp_path / "data")
    fill(catalog)
    assert catalog.integrity_problems() == []
