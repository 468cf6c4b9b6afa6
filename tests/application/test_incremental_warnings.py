"""Warnings after each ingest are recomputed only where a change can alter them; they must always be
exactly those a recomputation of the whole archive gives."""
from __future__ import annotations

from pathlib import Path

import pytest

from application.archive import Archive
from application.ingest import Upload
from application.settings import Settings
from application.verify import verify_archive
from checks.projects import PROFILE_VERSION
from tests.backends import run_sql
from tests.conftest import MONGOLIA_PDD, MONGOLIA_SUMMARY

MONGOLIA_MONITORING = """ชื่อโครงการ: การติดตั้งปั๊มความร้อนในโรงพยาบาลที่อูลานบาตอร์ มองโกเลีย
ระยะเวลาการติดตามผล: 1 เมษายน 2565 ถึง 31 มีนาคม 2566
ปริมาณการลดการปล่อยก๊าซเรือนกระจก {reduction} tCO2e
"""
SCHOOL = """Project title: Solar power for a school in Darkhan
Host country: Mongolia
Emission reductions: {reduction} tCO2e per year.
"""
BANGKOK_PDD = """Project title: Installation of high-efficiency chillers at a factory in Bangkok
Host country: Thailand
Emission reductions: {reduction} tCO2e per year.
"""
BANGKOK_SUMMARY = """ชื่อโครงการ: การติดตั้งชิลเลอร์ประสิทธิภาพสูงในโรงงานที่กรุงเทพ
ประเทศเจ้าบ้าน: ไทย
ปริมาณการลดการปล่อยก๊าซเรือนกระจก {reduction} tCO2e ต่อปี
"""
CROSS_RULES = {"same_project_values", "monitored_vs_ex_ante"}


@pytest.fixture
def archive(tmp_path: Path, database_url: str | None):
    made = Archive(Settings(data_dir=tmp_path / "data", database_url=database_url, workers=1))
    yield made
    made.close()


def upload(name: str, text: str, reduction: str, confidential: bool = False) -> Upload:
    return Upload(text.format(reduction=reduction).encode("utf-8"), name, confidential)


def ingest(archive: Archive, *uploads: Upload) -> None:
    """One batch, as the service ingests it: store every file, then refresh what changed."""
    outcomes = archive.ingestion.ingest_uploads(uploads)
    assert all(o.status == "ingested" for o in outcomes), outcomes
    archive.derived.refresh({o.document_id for o in outcomes if o.document_id})


def stored_warnings(archive: Archive) -> list[tuple]:
    return [
        (w.id, w.rule, w.severity, w.message, sorted(d.id for d in w.documents), w.status, w.note)
        for w in archive.catalog.warnings(include_confidential=True)
    ]


def assert_same_as_full_recomputation(archive: Archive) -> list[tuple]:
    """The warnings kept change by change are those a recomputation from scratch gives, and storing the
    recomputation changes nothing (reviews included)."""
    incremental = stored_warnings(archive)
    warnings, _ = archive.derived.recomputed()
    assert sorted(w.model_dump_json() for w in warnings) == sorted(
        w.model_copy(update={"status": "open", "note": None}).model_dump_json()
        for w in archive.catalog.warnings(include_confidential=True)
    )
    assert verify_archive(archive).ok
    archive.derived.recheck_all()
    assert stored_warnings(archive) == incremental
    return incremental


def document_id(archive: Archive, filename: str) -> str:
    found = archive.catalog.find_document(filename, include_confidential=True)
    assert found is not None
    return found.id


def test_warnings_after_batches_of_changes_are_those_of_a_full_recomputation(archive):
    ingest(archive, upload("mn_pdd_en.txt", MONGOLIA_PDD, "1,200"), upload("school.txt", SCHOOL, "900"),
           upload("bkk_pdd_en.txt", BANGKOK_PDD, "2,000"))
    assert {w[1] for w in assert_same_as_full_recomputation(archive)} & CROSS_RULES == set()

    ingest(archive, upload("mn_summary_ja.txt", MONGOLIA_SUMMARY, "1,500"),
           upload("mn_monitoring_th.txt", MONGOLIA_MONITORING, "1,500"),
           upload("bkk_summary_th.txt", BANGKOK_SUMMARY, "2,400", confidential=True))
    found = assert_same_as_full_recomputation(archive)
    assert {w[1] for w in found} >= CROSS_RULES
    confidential = document_id(archive, "bkk_summary_th.txt")
    assert any(confidential in w[4] for w in found), "the confidential summary takes part"
    assert archive.catalog.warnings() != archive.catalog.warnings(include_confidential=True)
    reviewed = next(w for w in found if w[1] == "same_project_values" and confidential not in w[4])
    archive.catalog.review_warning(reviewed[0], "acknowledged", "a later estimate")

    # New versions: one settles a disagreement, one starts another; the reviewed warning is untouched.
    ingest(archive, upload("mn_monitoring_th.txt", MONGOLIA_MONITORING, "1,200"),
           upload("bkk_pdd_en.txt", BANGKOK_PDD, "2,500"), upload("school.txt", SCHOOL, "950"))
    found = assert_same_as_full_recomputation(archive)
    [kept] = [w for w in found if w[0] == reviewed[0]]
    assert kept[5:] == ("acknowledged", "a later estimate")

    archive.ingestion.delete(document_id(archive, "mn_pdd_en.txt"))
    found = assert_same_as_full_recomputation(archive)
    assert not any(reviewed[0] == w[0] for w in found)
    assert archive.catalog.integrity_problems() == []


def test_a_catalog_without_stored_profiles_gets_them_and_still_pairs_its_documents(archive):
    ingest(archive, upload("mn_pdd_en.txt", MONGOLIA_PDD, "1,200"), upload("school.txt", SCHOOL, "900"))
    run_sql(archive.catalog, "DELETE FROM profiles")  # as a catalog written before profiles were kept
    assert len(archive.catalog.documents_without_profile(PROFILE_VERSION)) == 2

    ingest(archive, upload("mn_summary_ja.txt", MONGOLIA_SUMMARY, "1,500"))
    assert archive.catalog.documents_without_profile(PROFILE_VERSION) == []
    [warning] = [w for w in archive.catalog.warnings() if w.rule == "same_project_values"]
    assert {d.filename for d in warning.documents} == {"mn_pdd_en.txt", "mn_summary_ja.txt"}
    assert_same_as_full_recomputation(archive)


def test_a_new_version_drops_the_stored_profile_of_the_old_one(archive):
    ingest(archive, upload("mn_pdd_en.txt", MONGOLIA_PDD, "1,200"), upload("bkk.txt", BANGKOK_PDD, "2,000"))
    # The file now speaks of the Mongolian project: it must be paired by what it says now.
    ingest(archive, upload("bkk.txt", MONGOLIA_SUMMARY, "1,500"))
    [warning] = [w for w in archive.catalog.warnings() if w.rule == "same_project_values"]
    assert {d.filename for d in warning.documents} == {"mn_pdd_en.txt", "bkk.txt"}
    assert_same_as_full_recomputation(archive)


def test_verify_reports_warnings_that_differ_from_a_recomputation_and_reindex_repairs_them(archive):
    ingest(archive, upload("mn_pdd_en.txt", MONGOLIA_PDD, "1,200"),
           upload("mn_summary_ja.txt", MONGOLIA_SUMMARY, "1,500"))
    run_sql(
        archive.catalog,
        "DELETE FROM warning_documents WHERE warning_id IN (SELECT id FROM warnings)",
        "DELETE FROM warnings",
    )
    assert any("differ from a recomputation" in p for p in verify_archive(archive).problems["catalog"])
    archive.derived.rebuild_index()
    assert verify_archive(archive).ok
    assert [w.rule for w in archive.catalog.warnings()] == ["same_project_values"]
