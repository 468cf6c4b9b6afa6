"""`jcm ingest` killed at random moments, restarted, killed again, then let finish: every file is fully in,
the catalog, the stored files and the index agree (`jcm verify`), and a damaged index is found and
rebuilt by `jcm reindex`."""
from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from application.archive import Archive
from application.settings import Settings
from application.verify import verify_archive
from corpus.database import Connection, connect
from corpus.store import Catalog
from indices.embedded import EmbeddedIndex
from service.cli import main
from tests.backends import copied_catalog, run_sql
from tests.robustness.mixed import write_mixed
from tests.robustness.served import catalog_environment

FILES = 200
KILLS = 4
SEED = 20261202
ROOT = Path(__file__).resolve().parents[2]


def start_ingest(folder: Path, data: Path, database_url: str | None) -> subprocess.Popen:
    env = {**os.environ, "JCM_WORKERS": "1", "PYTHONPATH": str(ROOT), **catalog_environment(database_url)}
    return subprocess.Popen(
        [sys.executable, "-m", "service.cli", "--data-dir", str(data), "ingest", str(folder)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True, text=True,
    )


class StoredCount:
    """How many documents the catalog holds, looked at through one connection: the kills are timed by
    looking every few milliseconds, and a new PostgreSQL connection each time would cost the server a
    process of its own each time."""

    def __init__(self, data: Path, database_url: str | None) -> None:
        self.path, self.database_url = data / "catalog.sqlite3", database_url
        self.db: Connection | None = None

    def __call__(self) -> int:
        if self.db is None:
            if not self.database_url and not self.path.exists():
                return 0
            self.db = connect(self.database_url, self.path)
        if not self.db.has_table("documents"):  # the schema is not created yet
            return 0
        return self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]

    def close(self) -> None:
        if self.db is not None:
            self.db.close()


def kill_when_busy(
    process: subprocess.Popen, stored_count: StoredCount, rng: random.Random, final_phase: bool
) -> None:
    """SIGKILL the ingest and its workers once it is storing documents, after a random delay; in the
    final phase, once every document is stored and warnings and the index are being brought up to date."""
    before = stored_count()
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        count = stored_count()
        if (count >= FILES) if final_phase else (count > before):
            break
        time.sleep(0.02)
    time.sleep(rng.uniform(0.0, 0.3) if final_phase else rng.uniform(0.0, 3.0))
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def problems(data: Path, database_url: str | None, *areas: str) -> list[str]:
    archive = Archive(Settings(data_dir=data, database_url=database_url))
    try:
        report = verify_archive(archive)
    finally:
        archive.close()
    return [problem for area in areas for problem in report.problems[area]]


@dataclass
class Crashed:
    data: Path
    database_url: str | None
    written: dict[str, bytes]  # file name -> content
    stored_at_kills: list[int]


@pytest.fixture(scope="module")
def killed_then_finished(tmp_path_factory, module_database_url) -> Crashed:
    root = tmp_path_factory.mktemp("crash")
    folder, data = root / "incoming", root / "data"
    written = write_mixed(folder, FILES)
    rng = random.Random(SEED)
    stored_at_kills = []
    stored_count = StoredCount(data, module_database_url)
    for kill in range(KILLS):
        process = start_ingest(folder, data, module_database_url)
        kill_when_busy(process, stored_count, rng, final_phase=kill == KILLS - 1)
        stored_at_kills.append(stored_count())
        # Whatever the moment of the kill, the catalog and the stored files are whole; only warnings
        # and the index may lag, and the next run brings them up to date.
        assert problems(data, module_database_url, "catalog", "files") == [], f"after kill {kill + 1}"
    stored_count.close()
    finished = start_ingest(folder, data, module_database_url)
    out, _ = finished.communicate(timeout=120)
    assert finished.returncode == 0, out
    return Crashed(data, module_database_url, written, stored_at_kills)


@pytest.fixture
def crashed(killed_then_finished: Crashed, monkeypatch: pytest.MonkeyPatch) -> Crashed:
    """The archive after the kills, its catalog's backend in the environment for the `jcm` commands."""
    monkeypatch.setenv("JCM_DATABASE_URL", killed_then_finished.database_url or "")
    return killed_then_finished


def test_every_file_is_fully_in_after_the_kills(crashed: Crashed):
    assert crashed.stored_at_kills[0] < FILES, "the first kill came too late to interrupt anything"
    catalog = Catalog(crashed.data, crashed.database_url)
    written = crashed.written
    for name, content in written.items():
        document = catalog.find_document(name)
        assert document is not None and document.status == "ingested", name
        assert document.sha256 == hashlib.sha256(content).hexdigest() and document.version == 1
        assert catalog.files.get(document.sha256) == content
        assert len(catalog.pages(document.id)) == document.pages >= 1
        assert catalog.blocks(document.id) and catalog.facts(document_id=document.id), name
    assert catalog.pending_refresh() == set()


def test_verify_passes_after_the_kills(crashed: Crashed, capsys):
    data = crashed.data
    assert main(["--data-dir", str(data), "verify"]) == 0
    assert capsys.readouterr().out.splitlines()[:3] == ["catalog: ok", "files: ok", "index: ok"]


def test_damaged_index_is_found_by_verify_and_repaired_by_reindex(crashed: Crashed, capsys):
    data = crashed.data
    victim = Catalog(data, crashed.database_url).find_document("doc_007.pdf")
    assert victim is not None
    index = EmbeddedIndex(data / "index")
    index.delete_document(victim.id)
    index.close()
    assert main(["--data-dir", str(data), "verify"]) == 1
    out = capsys.readouterr().out
    assert "document 'doc_007.pdf': " in out and "passages missing from the index" in out
    assert "jcm reindex" in out
    assert main(["--data-dir", str(data), "reindex"]) == 0
    assert main(["--data-dir", str(data), "verify"]) == 0

    # The whole index directory gone: every document's passages are missing, reindex rebuilds them.
    shutil.rmtree(data / "index")
    capsys.readouterr()
    assert main(["--data-dir", str(data), "verify"]) == 1
    assert "index: 200 problems" in capsys.readouterr().out
    assert main(["--data-dir", str(data), "reindex"]) == 0
    assert main(["--data-dir", str(data), "verify"]) == 0


def test_damaged_catalog_and_file_store_are_found_by_verify(
    crashed: Crashed, tmp_path, capsys, monkeypatch
):
    data = tmp_path / "copy"
    shutil.copytree(crashed.data, data)
    with copied_catalog(crashed.database_url) as database_url:
        monkeypatch.setenv("JCM_DATABASE_URL", database_url or "")
        catalog = Catalog(data, database_url)
        victim = catalog.find_document("doc_008.docx")
        other = catalog.find_document("doc_009.xlsx")
        assert victim is not None and other is not None
        run_sql(
            catalog,
            f"UPDATE facts SET document_id = 'gone' WHERE document_id = '{victim.id}'",
            f"DELETE FROM pages WHERE document_id = '{other.id}'",
        )
        stored = catalog.files.path_for(victim.sha256)
        stored.write_bytes(stored.read_bytes()[:-10])
        assert main(["--data-dir", str(data), "verify"]) == 1
        catalog.close()
    out = capsys.readouterr().out
    assert "facts rows of no document" in out
    assert "document 'doc_009.xlsx': pages" in out
    assert "does not match its SHA-256" in out
