"""A damaged search index never takes the service down (issue 15, finding 4): tantivy maps its files, and
a file truncated under a live mapping ended `jcm serve` with SIGBUS at the next search. Now search
answers 503 with the error shape, the log says the index must be rebuilt, the service rebuilds it from
the catalog while it answers, start-up checks the index and rebuilds a damaged one in the background,
and `jcm verify` reports it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from application.archive import Archive
from application.settings import Settings
from corpus.models import DocumentRef, Passage
from indices import EmbeddedIndex, IndexDamagedError, IndexRebuildingError
from indices.embedded import REBUILDING_FILE
from service.cli import main
from tests.backends import copied_catalog
from tests.robustness.served import ROOT, ingest_samples, sample_texts, served, wait_until

TRUNCATED = ("*.store", "*.idx")  # the files a search reads first: stored passages, postings


def truncate_index(data: Path) -> list[Path]:
    """Every stored-passage and postings file of the index (the public passages' index too) cut to a third,
    as a full disk, a failing restore or a stray `truncate` would."""
    victims = [file for pattern in TRUNCATED for file in (data / "index").rglob(pattern)]
    for file in victims:
        os.truncate(file, file.stat().st_size // 3)
    assert victims
    return victims


@pytest.fixture(scope="module")
def ingested(tmp_path_factory, module_database_url) -> tuple[Path, str | None]:
    """Sample documents ingested once, in a data folder and a catalog each test copies."""
    data = tmp_path_factory.mktemp("damaged") / "data"
    ingest_samples(data, module_database_url)
    return data, module_database_url


@contextmanager
def copy_of(ingested: tuple[Path, str | None], tmp_path: Path) -> Iterator[tuple[Path, str | None]]:
    """A copy of the ingested data folder and of its catalog, for a test to damage."""
    data = tmp_path / "data"
    shutil.copytree(ingested[0], data)
    with copied_catalog(ingested[1]) as database_url:
        yield data, database_url


def test_a_file_truncated_while_the_service_runs_gives_503_and_the_service_lives_and_rebuilds(
    ingested, tmp_path
):
    with copy_of(ingested, tmp_path) as (data, database_url), served(data, database_url) as service:
        before = service.search()
        assert before.status_code == 200 and before.json()["total"] > 0
        time.sleep(0.5)  # no search reading (its facets a few ms after its answer): see indices.integrity
        truncate_index(data)

        refused = service.search()
        assert service.alive(), f"the service died (exit {service.process.returncode}):\n{service.log_text()}"
        assert refused.status_code == 503, refused.text
        error = refused.json()["error"]
        assert (error["status"], error["code"]) == (503, "unavailable")
        assert "search index is damaged" in error["message"] or "rebuilt" in error["message"]
        assert refused.headers["retry-after"]
        assert str(data) not in refused.text  # file paths are for the operator's log
        assert service.search().status_code in (503, 200)  # and again: still alive
        assert service.alive()
        for path in ("/health", "/documents"):
            assert service.process.poll() is None
            assert __import__("httpx").get(service.url + path).status_code == 200

        # The service rebuilds the index from the catalog by itself, and says so.
        rebuilt = wait_until(lambda: (r := service.search()).status_code == 200 and r, timeout=120)
        assert rebuilt.json()["total"] == before.json()["total"]
        log = service.log_text()
        assert "is damaged" in log and "must be rebuilt from the catalog (`jcm reindex`)" in log
        assert "search index rebuilt from the catalog" in log
        assert "Traceback" not in log


def test_start_up_over_a_damaged_index_answers_at_once_and_rebuilds_it_in_the_background(ingested, tmp_path):
    with copy_of(ingested, tmp_path) as (data, database_url):
        with served(data, database_url) as service:
            total = service.search().json()["total"]
        truncate_index(data)
        with served(data, database_url) as service:
            assert __import__("httpx").get(service.url + "/documents").status_code == 200
            answered = wait_until(lambda: (r := service.search()).status_code == 200 and r, timeout=120)
            assert answered.json()["total"] == total
            log = service.log_text()
    # Found by the start-up check (each file read through), logged, rebuilt with its progress logged.
    assert "is damaged" in log and "rebuilding it now" in log
    assert "rebuilding the search index: 12 of 12 documents" in log
    assert "search index rebuilt from the catalog" in log
    started, rebuilt = log.index("Application startup complete"), log.index("search index rebuilt")
    assert started < rebuilt or "Uvicorn running" in log[:rebuilt]


def test_no_damage_to_any_file_of_the_index_ends_the_process(tmp_path):
    """Each file kind truncated, emptied, overwritten or deleted, while the index is open and before it
    is opened: every search is refused with IndexDamagedError, and the process (the probe) lives."""
    probe = subprocess.run(
        [sys.executable, "-m", "tests.robustness.damage_probe", str(tmp_path)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=600,
    )
    ended = f"the probe ended with {probe.returncode}:\n{probe.stdout}\n{probe.stderr[-2000:]}"
    assert probe.returncode == 0, ended
    outcomes = dict(line.rsplit(": ", 1) for line in probe.stdout.splitlines())
    assert len(outcomes) == 6 * 4 * 2
    assert {case: outcome for case, outcome in outcomes.items() if outcome != "refused"} == {}


def test_verify_reports_a_file_overwritten_in_place_and_reindex_repairs_it(tmp_path, capsys, database_env):
    data = tmp_path / "data"
    archive = Archive(Settings(data_dir=data, database_url=database_env, workers=1))
    try:
        for name, content in list(sample_texts(3).items()):
            archive.ingestion.ingest_bytes(content, name)
        archive.derived.refresh(set())
    finally:
        archive.close()
    # Bytes changed in the middle of a positions file, its size and modification time kept: only the
    # checksum tantivy wrote in its footer tells.
    victim = sorted((data / "index").glob("*.pos"))[0]
    status = victim.stat()
    with victim.open("r+b") as stream:
        stream.seek(status.st_size // 2)
        stream.write(bytes(64))
    os.utime(victim, ns=(status.st_atime_ns, status.st_mtime_ns))

    assert main(["--data-dir", str(data), "verify"]) == 1
    out = capsys.readouterr().out
    assert f"{victim.name}: its checksum does not match its content" in out
    assert "`jcm reindex` rebuilds it" in out
    assert main(["--data-dir", str(data), "reindex"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(data), "verify"]) == 0


def test_verify_reports_a_rebuild_that_was_killed(tmp_path, capsys, database_env):
    data = tmp_path / "data"
    archive = Archive(Settings(data_dir=data, database_url=database_env, workers=1))
    try:
        archive.ingestion.ingest_bytes(next(iter(sample_texts(1).values())), "report.txt")
        archive.derived.refresh(set())
    finally:
        archive.close()
    (data / "index" / REBUILDING_FILE).write_text(f'{{"pid": {finished_pid()}}}')
    assert main(["--data-dir", str(data), "verify"]) == 1
    assert "incomplete: a rebuild from the catalog is running or was interrupted" in capsys.readouterr().out


def finished_pid() -> int:
    """The id of a process that has ended (and that no process has yet again, most likely)."""
    command = [sys.executable, "-c", "import os; print(os.getpid())"]
    return int(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def passages(count: int) -> list[Passage]:
    ref = DocumentRef(id="d1", filename="d1.pdf")
    return [
        Passage(document=ref, block=i, page=1, language="en", text=f"boiler number {i}") for i in range(count)
    ]


def test_searches_of_other_processes_wait_while_the_index_is_rebuilt(tmp_path):
    """`jcm reindex` clears the index, then fills it: a search from the service meanwhile is refused
    rather than answered from part of the passages."""
    serving = EmbeddedIndex(tmp_path / "index")
    serving.add_passages(passages(5))
    serving.commit()
    rebuilding = EmbeddedIndex(tmp_path / "index")
    rebuilding.clear()
    rebuilding.add_passages(passages(2))
    with pytest.raises(IndexRebuildingError, match="being rebuilt"):
        serving.search("boiler")
    assert rebuilding.search("boiler").total == 0  # the writer sees its own writes, as every writer does
    rebuilding.commit()
    assert serving.search("boiler").total >= 1 and serving.count() == 2
    rebuilding.close()
    serving.close()


def test_a_rebuild_killed_midway_is_reported_as_damage_to_repair(tmp_path):
    index = EmbeddedIndex(tmp_path / "index")
    index.add_passages(passages(3))
    index.commit()
    assert index.damage() is None
    (tmp_path / "index" / REBUILDING_FILE).write_text(f'{{"pid": {finished_pid()}}}')
    assert "rebuild from the catalog was interrupted" in (index.damage() or "")
    with pytest.raises(IndexRebuildingError):
        index.search("boiler")
    index.close()


def test_a_damaged_file_is_refused_before_a_writer_reads_it(tmp_path):
    index = EmbeddedIndex(tmp_path / "index")
    index.add_passages(passages(50))
    index.commit()
    index.search("boiler")
    store = next((tmp_path / "index").glob("*.store"))
    os.truncate(store, store.stat().st_size // 2)
    with pytest.raises(IndexDamagedError, match="truncated"):
        index.delete_document("d1")  # applying a delete and merging read the segment files
    index.reset()
    assert index.rebuilding and index.count() == 0
    index.clear()
    index.add_passages(passages(2))
    index.commit()
    assert not index.rebuilding and index.search("boiler").total >= 1 and index.count() == 2
    index.close()


def test_a_search_waiting_while_the_index_is_reset_is_refused_not_answered_empty(tmp_path):
    """A search that began on the damaged index and waited while the rebuild reset it: it is refused,
    never answered from the fresh index, which holds nothing yet (a caller would read "no results")."""
    import threading

    index = EmbeddedIndex(tmp_path / "index")
    index.add_passages(passages(5))
    index.commit()
    assert index.search("boiler").total  # the analysers loaded: the search below reaches the lock at once
    outcome: list[object] = []

    def search() -> None:
        try:
            outcome.append(index.search("boiler").total)
        except IndexRebuildingError as error:
            outcome.append(error)

    with index._state:  # the lock reset() takes: the search waits on it, as behind a reset under way
        waiting = threading.Thread(target=search)
        waiting.start()
        waiting.join(0.3)
        index.reset()
    waiting.join(10)
    assert len(outcome) == 1 and isinstance(outcome[0], IndexRebuildingError), outcome
    index.close()


WRITER = """
import sys, time
from corpus.models import DocumentRef, Passage
from indices import EmbeddedIndex
index = EmbeddedIndex(sys.argv[1])
deadline = time.monotonic() + float(sys.argv[2])
number = 0
while time.monotonic() < deadline:
    number += 1
    ref = DocumentRef(id=f"d{number}", filename=f"d{number}.pdf")
    index.add_passages([Passage(document=ref, block=0, page=1, language="en", text=f"boiler {number}")])
    if number > 3:
        index.delete_document(f"d{number - 3}")
    index.commit()  # every commit makes a segment; merges then remove the files of the ones merged away
index.close()
"""


def test_a_writer_in_another_process_merging_segments_away_is_no_damage_to_a_reader(tmp_path):
    """The service's API processes read the index a `jcm worker` writes: files a commit removes while a
    reader checks the segments it is about to map are not damage, and no search is refused."""
    path = tmp_path / "index"
    first = EmbeddedIndex(path)
    first.add_passages(passages(3))
    first.commit()
    first.close()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), "8"], cwd=ROOT)
    reader = EmbeddedIndex(path)
    searched = 0
    try:
        while writer.poll() is None:
            reader.search("boiler")
            searched += 1
    finally:
        writer.wait(timeout=60)
        reader.close()
    assert writer.returncode == 0 and searched > 100
