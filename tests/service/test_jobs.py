"""Uploads as background jobs: validation, status and progress, restarts, deletion, and searches that
never wait for an ingest."""

import time
from datetime import UTC, datetime

import pytest

from application.jobs import JobRunner
from application.settings import MB
from corpus.models import Job
from corpus.store import Catalog
from tests.conftest import MONGOLIA_PDD, MONGOLIA_SUMMARY, THAI_SUMMARY, english_pdf
from tests.service.conftest import Service, start_service

ENGLISH = MONGOLIA_PDD.format(reduction="1,200")
JAPANESE = MONGOLIA_SUMMARY.format(reduction="1,500")


def test_an_upload_is_accepted_at_once_and_its_job_reports_the_outcome(service: Service):
    response = service.upload("report.pdf", english_pdf(pages=3))
    assert response.status_code == 202
    job = response.json()
    assert job["status"] in ("queued", "running") and response.headers["location"] == f"/jobs/{job['id']}"
    done = service.wait(job["id"])
    assert (done["status"], done["outcome"], done["pages_total"], done["pages_done"]) == (
        "done",
        "ingested",
        3,
        3,
    )
    assert service.get(f"/documents/{done['document_id']}").json()["document"]["pages"] == 3
    assert service.get("/search", "public", params={"q": "dairy"}).json()["total"] >= 1
    assert [j["id"] for j in service.get("/jobs", "secretariat").json()["items"]] == [job["id"]]


@pytest.mark.parametrize(
    ("name", "data", "status"),
    [
        ("virus.exe", b"MZ....", 415),
        ("empty.txt", b"", 400),
        ("nameless", b"some text", 415),
        ("../escape.txt", b"some text", 422),
    ],
)
def test_uploads_are_validated_before_they_are_queued(service: Service, name, data, status):
    response = service.upload(name, data)
    assert response.status_code == status and response.json()["error"]["status"] == status
    assert service.get("/jobs").json()["total"] == 0


def test_a_file_over_the_size_limit_is_refused(tmp_path, database_url):
    client, _ = start_service(tmp_path, database_url, max_file_mb=1)
    with client:
        from application.access import create_key

        key = create_key(client.app.state.application.archive.catalog, "admin")[1]
        response = client.post(
            "/documents",
            headers={"Authorization": f"Bearer {key}"},
            files={"file": ("big.txt", b"x" * (MB + 1))},
        )
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"


def test_a_job_running_when_the_service_stopped_is_failed_as_interrupted_and_queued_ones_run(
    tmp_path, database_url
):
    catalog = Catalog(tmp_path / "data", database_url)
    now = datetime.now(UTC)
    catalog.save_job(
        Job(
            id="j-running",
            filename="a.txt",
            status="running",
            stage="reading",
            created_at=now,
            updated_at=now,
        )
    )
    catalog.save_job(
        Job(id="j-queued", filename="th_summary.txt", status="queued", created_at=now, updated_at=now)
    )
    catalog.save_job(Job(id="j-lost", filename="b.txt", status="queued", created_at=now, updated_at=now))
    (tmp_path / "data" / "uploads").mkdir(parents=True)
    (tmp_path / "data" / "uploads" / "j-queued").write_bytes(THAI_SUMMARY.encode())
    client, _ = start_service(tmp_path / "data", database_url)
    with client:
        deadline = time.monotonic() + 60
        while catalog.get_job("j-queued").status != "done" and time.monotonic() < deadline:
            time.sleep(0.05)
    running, queued, lost = (catalog.get_job(i) for i in ("j-running", "j-queued", "j-lost"))
    assert (running.status, running.reason) == ("failed", "interrupted")
    assert queued.status == "done" and queued.document_id
    assert lost.status == "failed" and lost.reason.startswith("interrupted")
    assert not (tmp_path / "data" / "uploads" / "j-queued").exists()


def test_too_many_waiting_uploads_are_refused_with_503(tmp_path, database_url):
    client, _ = start_service(tmp_path, database_url, max_queued_jobs=0)
    with client:
        from application.access import create_key

        key = create_key(client.app.state.application.archive.catalog, "secretariat")[1]
        response = client.post(
            "/documents",
            headers={"Authorization": f"Bearer {key}"},
            files={"file": ("a.txt", b"Emission reductions: 5 tCO2e.")},
        )
    assert response.status_code == 503 and response.json()["error"]["code"] == "unavailable"


def test_search_answers_while_an_ingest_holds_the_writing_lock(service: Service):
    service.ingest("th_summary.txt", THAI_SUMMARY.encode())
    archive = service.client.app.state.application.archive
    with archive.writing:  # what an ingest or a deletion holds while it works
        started = time.monotonic()
        response = service.get("/search", "public", params={"q": "หม้อไอน้ำ"})
        assert response.status_code == 200 and response.json()["total"] >= 1
        assert service.get("/facts", "public").status_code == 200
        assert time.monotonic() - started < 5


def test_many_uploads_at_once_are_all_ingested(service: Service):
    texts = {
        f"en_{n}.txt": f"Selection notice {n}. Emission reductions: {1000 + n} tCO2e per year."
        for n in range(12)
    }
    ids = [service.upload(name, text.encode()).json()["id"] for name, text in texts.items()]
    jobs = [service.wait(job_id) for job_id in ids]
    assert all(job["status"] == "done" for job in jobs)
    assert service.get("/documents").json()["total"] == 12


def test_delete_removes_document_file_index_entries_and_the_warnings_it_was_part_of(service: Service):
    public = service.ingest("pdd_en.txt", ENGLISH.encode())
    summary = service.ingest("summary_ja.txt", JAPANESE.encode())
    copy = service.ingest("copy_of_pdd.txt", ENGLISH.encode())  # the same bytes: unchanged, one file
    assert copy["outcome"] == "unchanged"
    crossing = [w for w in service.get("/warnings").json()["items"] if w["rule"] == "same_project_values"]
    assert len(crossing) == 1
    archive = service.client.app.state.application.archive
    sha = service.get(f"/documents/{summary['document_id']}").json()["document"]["sha256"]
    assert archive.catalog.files.path_for(sha).exists()

    assert service.delete(f"/documents/{summary['document_id']}").status_code == 204
    assert service.get(f"/documents/{summary['document_id']}").status_code == 404
    assert not archive.catalog.files.path_for(sha).exists()
    assert [w for w in service.get("/warnings").json()["items"] if w["rule"] == "same_project_values"] == []
    assert service.get("/search", params={"q": "ヒートポンプ", "expand": "false"}).json()["total"] == 0
    assert service.get(f"/documents/{public['document_id']}/file").status_code == 200


def test_a_file_shared_with_another_document_is_kept_when_one_is_deleted(tmp_path, database_url):
    from application.archive import Archive
    from application.settings import Settings

    archive = Archive(Settings(data_dir=tmp_path, database_url=database_url, workers=1))
    try:
        first = archive.ingestion.ingest_bytes(ENGLISH.encode(), "public.txt")
        second = archive.ingestion.ingest_bytes(ENGLISH.encode(), "secret.txt", confidential=True)
        assert first.status == second.status == "ingested"  # same bytes, other confidentiality: its own
        sha = archive.catalog.get_document(first.document_id).sha256
        archive.ingestion.delete(second.document_id)
        assert archive.catalog.files.path_for(sha).exists()
        archive.ingestion.delete(first.document_id)
        assert not archive.catalog.files.path_for(sha).exists()
    finally:
        archive.close()


def test_job_runner_marks_a_batch_failed_when_ingest_breaks(tmp_path, database_url, monkeypatch):
    from application.archive import Archive
    from application.settings import Settings

    archive = Archive(Settings(data_dir=tmp_path, database_url=database_url, workers=1))
    runner = JobRunner(archive)
    monkeypatch.setattr(
        archive.ingestion, "ingest_uploads", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full"))
    )
    runner.start()
    try:
        job = runner.submit(b"Emission reductions: 5 tCO2e.", "a.txt")
        deadline = time.monotonic() + 30
        while archive.catalog.get_job(job.id).status != "failed" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert archive.catalog.get_job(job.id).reason == "internal error: OSError"
    finally:
        runner.stop()
        archive.close()


def test_the_service_rebuilds_an_index_built_by_an_older_version(tmp_path, database_url):
    import json

    from application.archive import Archive
    from application.settings import Settings

    archive = Archive(Settings(data_dir=tmp_path / "data", database_url=database_url, workers=1))
    archive.ingestion.ingest_bytes(THAI_SUMMARY.encode(), "th_summary.txt")
    archive.derived.reindex()
    archive.close()
    (tmp_path / "data" / "index" / "jcm-search-index.json").write_text(json.dumps({"schema_version": 2}))
    client, _ = start_service(tmp_path / "data", database_url, anonymous_read=True)
    with client:
        assert client.get("/search", params={"q": "หม้อไอน้ำ"}).json()["total"] >= 1


def test_the_same_bytes_public_and_confidential_in_one_batch_are_two_documents(tmp_path, database_url):
    from application.archive import Archive
    from application.ingest import Upload
    from application.settings import Settings

    archive = Archive(Settings(data_dir=tmp_path, database_url=database_url, workers=1))
    try:
        outcomes = archive.ingestion.ingest_uploads(
            [
                Upload(ENGLISH.encode(), "public.txt"),
                Upload(ENGLISH.encode(), "secret.txt", confidential=True),
            ]
        )
        assert [o.status for o in outcomes] == ["ingested", "ingested"]
        assert archive.catalog.count_documents() == 1
        assert archive.catalog.count_documents(include_confidential=True) == 2
    finally:
        archive.close()
