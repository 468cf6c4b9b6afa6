"""`jcm worker` beside a service that only queues uploads: the worker claims and ingests them, the service
sees each commit of the index the worker writes, and a worker killed with SIGKILL mid-file leaves its job
to the next worker, which finishes it without storing anything twice. On SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from application.access import create_key
from application.jobs import RESUMED
from corpus.store import Catalog
from tests.conftest import MONGOLIA_PDD, THAI_SUMMARY
from tests.robustness.served import ROOT, free_port, wait_until
from tests.service.conftest import start_service

ENGLISH = MONGOLIA_PDD.format(reduction="1,200").encode()
LEASE_SECONDS = 2  # a killed worker's job is taken again this long after its last renewal
PAUSE_SECONDS = 6  # the test-only pause in which the first worker is killed


def environment(database_url: str | None, **settings: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JCM_WORKERS": "1",
           "JCM_JOB_LEASE_SECONDS": str(LEASE_SECONDS), **settings}
    env.pop("JCM_DATABASE_URL", None)
    if database_url:
        env["JCM_DATABASE_URL"] = database_url
    return env


@contextmanager
def worker(data: Path, database_url: str | None, **settings: str) -> Iterator[subprocess.Popen]:
    """`jcm worker` over ``data`` in a process of its own, stopped (SIGTERM) when the block ends."""
    log = (data.parent / f"worker-{len(list(data.parent.glob('worker-*.log')))}.log").open("w")
    command = [sys.executable, "-m", "service.cli", "--data-dir", str(data), "worker"]
    process = subprocess.Popen(command, cwd=ROOT, env=environment(database_url, **settings),
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(60)
        log.close()


def verify(data: Path, database_url: str | None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "service.cli", "--data-dir", str(data), "verify"]
    return subprocess.run(command, cwd=ROOT, env=environment(database_url), capture_output=True, text=True,
                          timeout=300)


def test_a_worker_ingests_what_the_service_queues_and_the_service_finds_it(tmp_path, database_url):
    data = tmp_path / "data"
    client, _ = start_service(data, serve_ingests=False, database_url=database_url)
    with client:
        catalog: Catalog = client.app.state.application.archive.catalog
        headers = {"Authorization": f"Bearer {create_key(catalog, 'admin')[1]}"}
        upload = client.post("/documents", headers=headers, files={"file": ("th.txt", THAI_SUMMARY)})
        job_id = upload.json()["id"]
        assert client.get("/search", headers=headers, params={"q": "หม้อไอน้ำ"}).json()["total"] == 0
        with worker(data, database_url):
            done = wait_until(lambda: (j := catalog.get_job(job_id)).status in ("done", "failed") and j,
                              timeout=180)
            assert (done.status, done.outcome) == ("done", "ingested")
            # The service process reads the index the worker wrote, from its next commit on.
            found = client.get("/search", headers=headers, params={"q": "หม้อไอน้ำ"}).json()
            assert [hit["document"]["id"] for hit in found["hits"]][:1] == [done.document_id]
            # A change made in the service is indexed by the worker, which writes the index.
            assert client.delete(f"/documents/{done.document_id}", headers=headers).status_code == 204
            wait_until(lambda: client.get("/search", headers=headers,
                                          params={"q": "หม้อไอน้ำ"}).json()["total"] == 0, timeout=30)
    assert verify(data, database_url).returncode == 0


@pytest.mark.parametrize("moment", ["reading", "stored"])
def test_a_worker_killed_mid_file_leaves_its_job_to_the_next_worker(tmp_path, database_url, moment):
    """Killed while it reads the file (nothing stored yet), or once the document is stored but before
    its job is done and the index committed: the next worker takes the job when the lease runs out, and
    the document is stored once."""
    data = tmp_path / "data"
    client, _ = start_service(data, serve_ingests=False, database_url=database_url)
    with client:
        catalog: Catalog = client.app.state.application.archive.catalog
        headers = {"Authorization": f"Bearer {create_key(catalog, 'admin')[1]}"}
        upload = client.post("/documents", headers=headers, files={"file": ("en_pdd.txt", ENGLISH)})
        job_id = upload.json()["id"]
        reached = {
            "reading": lambda job: job.stage == "reading",
            "stored": lambda job: job.document_id is not None,
        }[moment]
        with worker(data, database_url, JCM_TEST_PAUSE_SECONDS=str(PAUSE_SECONDS)) as first:
            wait_until(lambda: reached(catalog.get_job(job_id)), timeout=180, every=0.05)
            os.kill(first.pid, signal.SIGKILL)
            first.wait()
        interrupted = catalog.get_job(job_id)
        assert interrupted.status == "running"  # as the killed worker left it

        with worker(data, database_url):
            done = wait_until(lambda: (j := catalog.get_job(job_id)).status in ("done", "failed") and j,
                              timeout=180)
        assert (done.status, done.outcome) == ("done", "ingested"), done
        assert done.reason is None and done.document_id
        if moment == "reading":  # it ran again from its spooled file
            assert interrupted.reason is None
        documents = catalog.list_documents(include_confidential=True)
        assert [(d.id, d.version) for d in documents] == [(done.document_id, 1)]  # stored once
        assert client.get(f"/jobs/{job_id}", headers=headers).json()["status"] == "done"
        found = client.get("/search", headers=headers, params={"q": "heat pump"}).json()
        assert {hit["document"]["id"] for hit in found["hits"]} == {done.document_id}
    assert not any((data / "uploads").iterdir())
    checked = verify(data, database_url)
    assert checked.returncode == 0, checked.stdout


def test_a_job_interrupted_twice_fails_rather_than_stopping_every_worker(tmp_path, database_url):
    data = tmp_path / "data"
    client, _ = start_service(data, serve_ingests=False, database_url=database_url)
    with client:
        catalog: Catalog = client.app.state.application.archive.catalog
        headers = {"Authorization": f"Bearer {create_key(catalog, 'admin')[1]}"}
        job_id = client.post("/documents", headers=headers, files={"file": ("a.txt", ENGLISH)}).json()["id"]
        for reason in (None, RESUMED):  # the second worker takes it again as resumed
            with worker(data, database_url, JCM_TEST_PAUSE_SECONDS=str(PAUSE_SECONDS)) as killed:
                wait_until(lambda r=reason: (j := catalog.get_job(job_id)).stage == "reading"
                           and j.reason == r, timeout=180, every=0.05)
                os.kill(killed.pid, signal.SIGKILL)
                killed.wait()
        with worker(data, database_url):
            failed = wait_until(lambda: (j := catalog.get_job(job_id)).status == "failed" and j, timeout=120)
        assert failed.reason.startswith("interrupted twice")
        assert catalog.list_documents(include_confidential=True) == []


def test_serve_with_two_processes_ingests_through_its_worker_and_both_find_the_document(tmp_path):
    data = tmp_path / "data"
    key = create_key(Catalog(data), "admin")[1]
    port = free_port()
    log_path = tmp_path / "serve.log"
    command = [sys.executable, "-m", "service.cli", "--data-dir", str(data), "serve", "--workers", "2",
               "--port", str(port)]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=environment(None), stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {key}"}
    try:
        wait_until(lambda: _answers(f"{url}/health"), timeout=120)
        upload = httpx.post(f"{url}/documents", headers=headers, files={"file": ("th.txt", THAI_SUMMARY)})
        job_id = upload.json()["id"]
        done = wait_until(lambda: (j := httpx.get(f"{url}/jobs/{job_id}", headers=headers).json())["status"]
                          in ("done", "failed") and j, timeout=180)
        assert done["status"] == "done"
        # Each connection lands on either process: every answer holds the document.
        totals = [httpx.get(f"{url}/search", headers=headers, params={"q": "หม้อไอน้ำ"}).json()["total"]
                  for _ in range(20)]
        assert totals[0] > 0 and set(totals) == {totals[0]}
        assert log_path.read_text().count("Started server process") == 2
        worker_pid = int((data / "index-writer.lock").read_text())  # the worker serve started
        assert worker_pid != process.pid
    finally:
        process.terminate()
        process.wait(60)
    wait_until(lambda: not _alive(worker_pid), timeout=60)  # the worker ends with the service


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.TransportError:
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_service_started_beside_a_worker_leaves_ingestion_and_the_index_to_it(tmp_path):
    """The index's writer lock decides: the worker holds it, so `jcm serve` on its own only queues."""
    data = tmp_path / "data"
    with worker(data, None):
        wait_until(lambda: (data / "index-writer.lock").exists()
                   and (data / "index-writer.lock").read_text().strip(), timeout=120)
        client, _ = start_service(data)  # the default: it would ingest, were it the index's writer
        with client:
            application = client.app.state.application
            assert not application.jobs.ingests and not application.archive.writes_index
            headers = {"Authorization": f"Bearer {create_key(application.archive.catalog, 'admin')[1]}"}
            upload = client.post("/documents", headers=headers, files={"file": ("en.txt", ENGLISH)})
            job_id = upload.json()["id"]
            done = wait_until(lambda: (j := client.get(f"/jobs/{job_id}", headers=headers).json())["status"]
                              in ("done", "failed") and j, timeout=180)
            assert done["status"] == "done"
            assert client.get("/search", headers=headers, params={"q": "heat pump"}).json()["total"] > 0


def test_a_second_worker_waits_while_another_writes_the_index_and_ends_when_asked(tmp_path):
    data = tmp_path / "data"
    writer = data / "index-writer.lock"
    with worker(data, None) as first:
        wait_until(lambda: writer.exists() and writer.read_text().strip() == str(first.pid), timeout=120)
        with worker(data, None) as second:
            wait_until(lambda: "another process writes the search index" in _worker_logs(tmp_path)
                       or second.poll() is not None, timeout=120)
            assert second.poll() is None  # waiting, not ingesting beside the first
            second.terminate()
            assert second.wait(30) == 0
        assert first.poll() is None and writer.read_text().strip() == str(first.pid)


def _worker_logs(folder: Path) -> str:
    return "\n".join(path.read_text() for path in folder.glob("worker-*.log"))
