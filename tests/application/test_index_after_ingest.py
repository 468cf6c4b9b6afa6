"""After a batch is ingested and its warnings known, the index must say exactly what a full rebuild from
the catalog would say: every passage once, flagged as its document is."""
from pathlib import Path

import pytest

from application.access import ANONYMOUS
from application.archive import Archive
from application.projects import ProjectResolver
from application.reading import Reading
from application.settings import Settings
from indices import SearchFilters
from tests.conftest import MONGOLIA_PDD, MONGOLIA_SUMMARY

ENGLISH = MONGOLIA_PDD.format(reduction="1,200")
JAPANESE = MONGOLIA_SUMMARY
OTHER = "Project title: Rooftop solar at a cold store in Bangkok\nEmission reductions: 300 tCO2e per year.\n"
QUERIES = ["hospital", "ヒートポンプ", "cold store", "emission reductions"]


@pytest.fixture
def archive(tmp_path: Path, database_url: str | None):
    made = Archive(Settings(data_dir=tmp_path / "data", database_url=database_url, workers=2))
    yield made
    made.close()


def write(folder: Path, files: dict[str, str]) -> list[Path]:
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in files]


def flagged_hits(archive: Archive) -> dict[str, set[tuple[str, int]]]:
    """Per query, the (file, block) of the hits among documents with warnings and, apart, without."""
    seen: dict[str, set[tuple[str, int]]] = {}
    public = Reading(archive, ProjectResolver(archive.catalog), ANONYMOUS)
    for query in QUERIES:
        for flag in (True, False):
            results = public.search(query, limit=100, filters=SearchFilters(has_warnings=flag))
            seen[f"{query}/{flag}"] = {(hit.document.filename, hit.block) for hit in results.hits}
    return seen


def test_the_index_after_ingest_is_the_index_a_rebuild_makes(archive, tmp_path):
    # Two documents about one project that disagree: a warning across documents flags both.
    archive.ingestion.ingest_paths(write(tmp_path / "a", {"pdd_en.txt": ENGLISH, "other.txt": OTHER,
                                                "summary_ja.txt": JAPANESE.format(reduction="1,500")}))
    assert {d for d in archive.catalog.documents_with_warnings()} == {
        d.id for d in archive.catalog.list_documents() if d.filename != "other.txt"
    }
    after_ingest = flagged_hits(archive)
    assert after_ingest["hospital/True"] and not after_ingest["hospital/False"]
    assert after_ingest["cold store/False"] and not after_ingest["cold store/True"]
    archive.derived.reindex()
    assert flagged_hits(archive) == after_ingest

    # The summary now agrees: the English document, not in this batch, loses its flag too.
    agreeing = {"summary_ja.txt": JAPANESE.format(reduction="1,200")}
    archive.ingestion.ingest_paths(write(tmp_path / "b", agreeing))
    assert archive.catalog.documents_with_warnings() == set()
    settled = flagged_hits(archive)
    assert not any(hits for key, hits in settled.items() if key.endswith("/True"))
    archive.derived.reindex()
    assert flagged_hits(archive) == settled
