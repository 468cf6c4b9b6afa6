"""Cross-document warnings through the archive: computed on ingestion, reviewed, kept, and settled."""
import sqlite3
from pathlib import Path

import pytest

from application.archive import Archive
from application.projects import ProjectResolver
from application.settings import Settings
from tests.conftest import MONGOLIA_PDD, MONGOLIA_SUMMARY

ENGLISH = MONGOLIA_PDD.format(reduction="1,200")
JAPANESE = MONGOLIA_SUMMARY


@pytest.fixture
def archive(tmp_path: Path):
    made = Archive(Settings(data_dir=tmp_path / "data", workers=1))
    yield made
    made.close()


def ingest(archive: Archive, folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    [outcome] = archive.ingestion.ingest_paths([path])
    assert outcome.status in ("ingested", "unchanged")


def cross_document(archive: Archive) -> list:
    return [w for w in archive.catalog.warnings() if w.rule == "same_project_values"]


def test_a_reviewed_cross_document_warning_survives_reingestion_and_goes_when_settled(archive, tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    ingest(archive, folder, "pdd_en.txt", ENGLISH)
    ingest(archive, folder, "summary_ja.txt", JAPANESE.format(reduction="1,500"))
    [warning] = cross_document(archive)
    assert {d.filename for d in warning.documents} == {"pdd_en.txt", "summary_ja.txt"}

    archive.catalog.review_warning(warning.id, "acknowledged", "the summary rounds up a later estimate")
    ingest(archive, folder, "summary_ja.txt", JAPANESE.format(reduction="1,500"))
    archive.derived.refresh({d.id for d in warning.documents})
    [kept] = cross_document(archive)
    assert (kept.id, kept.status) == (warning.id, "acknowledged")
    assert kept.note == "the summary rounds up a later estimate"

    ingest(archive, folder, "summary_ja.txt", JAPANESE.format(reduction="1,200"))
    assert cross_document(archive) == []
    assert archive.catalog.documents_with_warnings() == set()


def test_removing_one_of_the_documents_removes_the_cross_document_warning(archive, tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    ingest(archive, folder, "pdd_en.txt", ENGLISH)
    ingest(archive, folder, "summary_ja.txt", JAPANESE.format(reduction="1,500"))
    [warning] = cross_document(archive)
    archive.ingestion.delete(next(d.id for d in warning.documents if d.filename == "summary_ja.txt"))
    assert cross_document(archive) == []


def test_projects_from_kept_profiles_are_those_computed_from_the_documents(archive, tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    ingest(archive, folder, "pdd_en.txt", ENGLISH)
    ingest(archive, folder, "summary_ja.txt", JAPANESE.format(reduction="1,500"))
    ingest(archive, folder, "other.txt", "Project title: Rooftop solar at a cold store in Bangkok\n"
                                         "Emission reductions: 300 tCO2e per year.\n")
    kept = ProjectResolver(archive.catalog).projects(include_confidential=True)
    with sqlite3.connect(archive.catalog.path) as db:
        db.execute("DELETE FROM profiles")  # as in a catalog from before profiles were kept
    computed = ProjectResolver(archive.catalog).projects(include_confidential=True)
    assert kept == computed
    assert sorted(len(p.documents) for p in kept) == [1, 2]
