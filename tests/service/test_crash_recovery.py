"""After a crash (issue 15, finding 5): spooled uploads are resumed or removed, never left for good; jobs
and documents are reconciled; `jcm verify` reports spooled files no job will read; a duplicate upload's
job names the stored document. The last test kills `jcm serve` with SIGKILL while it ingests uploads."""

from __future__ import annotations

import os
import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from application.access import create_key
from application.archive import Archive
from application.jobs import RESUMED, JobRunner
from application.settings import Settings
from corpus.models import Job
from corpus.store import Catalog
from service.cli import main
from tests.conftest import MONGOLIA_PDD, THAI_SUMMARY
from tests.robustness.served import sample_texts, served, wait_until
from tests.service.conftest import Service, start_service

ENGLISH = MONGOLIA_PDD.format(reduction="1,200").encode()
# These tests run `jcm` as an operator does, the catalog's backend read from the environment
# (JCM_DATABASE_URL), and open the catalog as `jcm` does: each runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.usefixtures("database_env")


def settings_of(data: Path) -> Settings:
    """The settings `jcm` reads for the data folder: the test's backend comes from the environment."""
    return Settings(data_dir=data, workers=1)


def open_catalog(data: Path) -> Catalog:
    return Catalog(data, settings_of(data).database_url)


def job(job_id: str, filename: str, status: str, *, ago: float = 60, **fields: object) -> Job:
    created = datetime.now(UTC) - timedelta(seconds=ago)
    return Job(id=job_id, filename=filename, status=status, created_at=created, updated_at=created, **fields)


def stored(data: Path, content: bytes, name: str) -> str:
    """A document stored as a crashed service left it: in the catalog and the index."""
    archive = Archive(settings_of(data))
    try:
        outcome = archive.ingestion.ingest_bytes(content, name)
        archive.derived.refresh(set())
        assert outcome.document_id
        return outcome.document_id
    finally:
        archive.close()


def spool(data: Path, name: str, content: bytes) -> Path:
    path = data / "uploads" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def run_service_until_settled(data: Path, *job_ids: str) -> Catalog:
    catalog = open_catalog(data)
    client, _ = start_service(data, settings_of(data).database_url)
    with client:
        wait_until(lambda: all(catalog.get_job(i).status in ("done", "failed") for i in job_ids), timeout=120)
    return catalog


def test_spooled_files_no_job_will_read_are_reported_by_verify_and_removed_at_start(tmp_path, capsys):
    data = tmp_path / "data"
    stored(data, THAI_SUMMARY.encode(), "th_summary.txt")
    catalog = open_catalog(data)
    catalog.save_job(job("j-done", "a.txt", "done"))
    orphans = [
        spool(data, "j-done", b"confidential bytes of a finished job"),
        spool(data, "j-unknown", b"spooled, then the service was killed before the job was recorded"),
        spool(data, "j-half.part", b"half written"),
    ]
    assert main(["--data-dir", str(data), "verify"]) == 1
    out = capsys.readouterr().out
    assert "uploads: 3 problems" in out
    assert all(f"spooled upload {path.name} belongs to no waiting job" in out for path in orphans)

    client, _ = start_service(data, settings_of(data).database_url)
    with client:
        pass
    assert not any(path.exists() for path in orphans)
    assert main(["--data-dir", str(data), "verify"]) == 0


def test_a_job_running_when_the_service_was_killed_after_storing_its_document_is_done(tmp_path):
    data = tmp_path / "data"
    open_catalog(data).save_job(job("j-stored", "en_pdd.txt", "running", stage="checking", ago=120))
    spooled = spool(data, "j-stored", ENGLISH)
    document_id = stored(data, ENGLISH, "en_pdd.txt")  # stored before the job's record said so

    catalog = run_service_until_settled(data, "j-stored")
    settled = catalog.get_job("j-stored")
    assert (settled.status, settled.outcome, settled.document_id) == ("done", "ingested", document_id)
    assert not spooled.exists()


def test_a_job_failed_by_an_interruption_whose_document_was_stored_is_done_with_it(tmp_path):
    """As an earlier version left it: failed "interrupted", no document id, its spooled file gone."""
    data = tmp_path / "data"
    catalog = open_catalog(data)
    catalog.save_job(job("j-failed", "en_pdd.txt", "failed", reason="interrupted", ago=300))
    document_id = stored(data, ENGLISH, "en_pdd.txt")
    failed = catalog.get_job("j-failed")
    catalog.save_job(failed.model_copy(update={"updated_at": datetime.now(UTC)}))  # failed after the store
    catalog.save_job(job("j-bad", "bad.txt", "failed", reason="interrupted", ago=300))  # nothing stored

    run_service_until_settled(data, "j-failed")
    settled = catalog.get_job("j-failed")
    assert (settled.status, settled.document_id) == ("done", document_id)
    assert catalog.get_job("j-bad").status == "failed"


def test_a_job_running_when_the_service_was_killed_runs_again_from_its_spooled_file_once(tmp_path):
    data = tmp_path / "data"
    catalog = open_catalog(data)
    catalog.save_job(job("j-resumed", "th_summary.txt", "running", stage="reading"))
    catalog.save_job(job("j-twice", "en_pdd.txt", "running", stage="reading", reason=RESUMED))
    resumed, twice = spool(data, "j-resumed", THAI_SUMMARY.encode()), spool(data, "j-twice", ENGLISH)

    run_service_until_settled(data, "j-resumed", "j-twice")
    done = catalog.get_job("j-resumed")
    assert (done.status, done.outcome, done.reason) == ("done", "ingested", None) and done.document_id
    failed = catalog.get_job("j-twice")
    assert failed.status == "failed" and failed.reason.startswith("interrupted twice")
    assert not resumed.exists() and not twice.exists()


def test_duplicate_uploads_of_one_batch_name_the_stored_document(tmp_path):
    data = tmp_path / "data"
    kept_id = stored(data, ENGLISH, "stored.txt")
    archive = Archive(settings_of(data))
    runner = JobRunner(archive)
    try:
        # Submitted before the runner starts: one batch.
        again = [runner.submit(ENGLISH, name) for name in ("copy_a.txt", "copy_b.txt")]
        new = [runner.submit(THAI_SUMMARY.encode(), name) for name in ("th_a.txt", "th_b.txt")]
        runner.start()
        ids = [j.id for j in again + new]
        wait_until(lambda: all(archive.catalog.get_job(i).status == "done" for i in ids), timeout=120)
        for submitted in again:
            settled = archive.catalog.get_job(submitted.id)
            assert (settled.document_id, settled.reason) == (kept_id, "same content as stored.txt")
        first, second = (archive.catalog.get_job(j.id) for j in new)
        assert first.outcome == "ingested" and first.document_id
        assert (second.outcome, second.document_id, second.reason) == (
            "unchanged", first.document_id, "same content as th_a.txt"
        )
        assert not any(runner.spool.iterdir())
    finally:
        runner.stop()
        archive.close()


def test_service_killed_during_uploads_leaves_no_spooled_file_and_every_job_settled(tmp_path):
    data = tmp_path / "data"
    catalog = open_catalog(data)  # one catalog, looked at often: not one per look
    key = create_key(catalog, "admin")[1]
    headers = {"Authorization": f"Bearer {key}"}
    texts = sample_texts(16)
    with served(data, settings_of(data).database_url) as service:
        for name, content in texts.items():
            upload = httpx.post(f"{service.url}/documents", headers=headers, files={"file": (name, content)})
            assert upload.status_code == 202
        wait_until(lambda: catalog.jobs("done"), timeout=120, every=0.02)
        os.kill(service.process.pid, signal.SIGKILL)
        service.process.wait()
    catalog = open_catalog(data)
    assert catalog.jobs("queued") or catalog.jobs("running"), "the kill came after every job had ended"

    with served(data, settings_of(data).database_url) as service:
        wait_until(lambda: not catalog.jobs("queued") and not catalog.jobs("running"), timeout=180)
        jobs = catalog.jobs()
        assert len(jobs) == len(texts)
        assert all(j.status == "done" and j.document_id for j in jobs), [(j.filename, j.status) for j in jobs]
        names = {d.filename for d in catalog.list_documents()}
        assert names == set(texts)
        time.sleep(0.2)
    assert not any((data / "uploads").iterdir())
    assert main(["--data-dir", str(data), "verify"]) == 0


def test_searching_during_a_rebuild_answers_503_while_other_endpoints_answer(service: Service):
    from indices.embedded import embedded_parts

    service.ingest("th_summary.txt", THAI_SUMMARY.encode())
    archive = service.client.app.state.application.archive
    with archive.writing:  # the rebuild's start, as the ingest thread does it
        for part in embedded_parts(archive.index):
            part.reset()
    response = service.get("/search", "public", params={"q": "หม้อไอน้ำ"})
    assert response.status_code == 503, response.text
    assert "rebuilt from the catalog" in response.json()["error"]["message"]
    assert service.get("/documents", "public").json()["total"] == 1
    # The ingest thread notices (it looks every 2 s) and rebuilds the index from the catalog.
    found = wait_until(
        lambda: (r := service.get("/search", "public", params={"q": "หม้อไอน้ำ"})).status_code == 200 and r,
        timeout=60,
    )
    assert found.json()["total"] >= 1
