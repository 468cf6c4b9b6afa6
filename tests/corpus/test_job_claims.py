"""Jobs claimed from the catalog by the processes that ingest: each job by one process at a time, leased
to it, and taken again once the lease of a process that died has run out. On SQLite and PostgreSQL."""
from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from corpus.database import connect
from corpus.models import Job
from corpus.store import SCHEMA_VERSION, Catalog
from tests.corpus.conftest import OpenCatalog


def queued(job_id: str, seconds_ago: float = 0) -> Job:
    created = datetime.now(UTC) - timedelta(seconds=seconds_ago)
    return Job(id=job_id, filename=f"{job_id}.txt", status="queued", created_at=created, updated_at=created)


def test_processes_claiming_at_once_take_each_job_once(open_catalog: OpenCatalog, tmp_path: Path):
    data = tmp_path / "data"
    catalog = open_catalog(data)
    for number in range(40):
        catalog.save_job(queued(f"j-{number:02d}", seconds_ago=100 - number))
    # Separate catalogs stand for separate processes: each its own connections.
    claimants = [open_catalog(data) for _ in range(4)]
    taken: dict[int, list[str]] = {n: [] for n in range(len(claimants))}
    start = threading.Barrier(len(claimants))

    def claim(number: int) -> None:
        start.wait()
        while jobs := claimants[number].claim_jobs(f"owner-{number}", 60, limit=3):
            taken[number] += [job.id for job in jobs]

    threads = [threading.Thread(target=claim, args=(n,)) for n in taken]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [job_id for ids in taken.values() for job_id in ids]
    assert sorted(every) == [f"j-{n:02d}" for n in range(40)]  # each once, none left
    assert all(job.status == "running" for job in catalog.jobs())


def test_jobs_are_claimed_oldest_first_and_returned_as_they_were(catalog: Catalog):
    catalog.save_job(queued("j-new", seconds_ago=1))
    catalog.save_job(queued("j-old", seconds_ago=60))
    [first] = catalog.claim_jobs("a", 60, limit=1)
    assert (first.id, first.status) == ("j-old", "queued")
    assert catalog.get_job("j-old").status == "running"
    assert [job.id for job in catalog.claim_jobs("b", 60, limit=5)] == ["j-new"]
    assert catalog.claim_jobs("c", 60, limit=5) == []


def test_a_running_job_is_taken_again_only_once_its_lease_has_run_out(catalog: Catalog):
    catalog.save_job(queued("j-1"))
    [claimed] = catalog.claim_jobs("dead", 1.0, limit=1)
    time.sleep(0.6)
    assert catalog.renew_leases("dead", 1.0) == 1  # while it renews, nobody else takes it
    time.sleep(0.6)
    assert catalog.claim_jobs("other", 60, limit=1) == []
    time.sleep(0.6)  # no renewal for 1.2 s: the lease ran out
    [again] = catalog.claim_jobs("other", 60, limit=1)
    assert (again.id, again.status) == ("j-1", "running")  # it says it was interrupted


def test_a_process_that_lost_its_lease_no_longer_writes_the_job(catalog: Catalog):
    catalog.save_job(queued("j-1"))
    [job] = catalog.claim_jobs("slow", 0.2, limit=1)
    time.sleep(0.3)
    catalog.claim_jobs("taker", 60, limit=1)
    stale = job.model_copy(update={"status": "failed", "reason": "stale"})
    assert not catalog.save_job(stale, owner="slow")
    done = job.model_copy(update={"status": "done"})
    assert catalog.save_job(done, owner="taker")
    assert catalog.get_job("j-1").status == "done"
    assert catalog.renew_leases("taker", 60) == 0  # a job that ended holds no lease


def test_claiming_named_jobs_takes_only_those_still_queued(catalog: Catalog):
    for job_id in ("j-1", "j-2", "j-3"):
        catalog.save_job(queued(job_id))
    catalog.claim_jobs("other", 60, limit=1, ids=["j-2"])
    taken = catalog.claim_jobs("me", 60, limit=5, ids=["j-1", "j-2"])
    assert [job.id for job in taken] == ["j-1"]


def test_a_catalog_of_version_2_gains_job_leases_in_place(open_catalog: OpenCatalog, tmp_path: Path):
    data = tmp_path / "data"
    catalog = open_catalog(data)
    catalog.save_job(queued("j-old"))
    url = catalog.database_url
    catalog.close()
    db = connect(url, data / "catalog.sqlite3")  # the catalog as version 2 made it: jobs without leases
    for column in ("lease_owner", "lease_until"):
        db.execute(f"ALTER TABLE jobs DROP COLUMN {column}")
    db.execute("UPDATE schema_version SET version = 2")
    db.close()

    upgraded = open_catalog(data)
    db = connect(url, data / "catalog.sqlite3")
    try:
        assert db.execute("SELECT version FROM schema_version").fetchone()[0] == SCHEMA_VERSION == 3
        assert {"lease_owner", "lease_until"} <= db.columns("jobs")
    finally:
        db.close()
    assert [job.id for job in upgraded.claim_jobs("worker", 60, limit=5)] == ["j-old"]
