"""A batch full of broken and hostile files: each fails alone with its reason, the rest goes in, and
nothing already in the catalog or the file store changes. Through `jcm ingest` and `POST /documents`."""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from application.access import Role, create_key
from corpus.database import connect
from corpus.layout import DataLayout
from service.cli import main
from tests.conftest import THAI_SUMMARY, english_docx, english_pdf, monitoring_xlsx
from tests.robustness import badfiles
from tests.service.conftest import Service, start_service

# Limits small enough that a file escaping the readers' own guards fails fast here.
LIMITS = {"JCM_FILE_SECONDS": "20", "JCM_WORKER_MEMORY_MB": "1536", "JCM_WORKERS": "2"}

# File name -> (maker, words the reason must contain). Content-based: the name may lie about the type.
REFUSED: dict[str, tuple[Callable[[], bytes], tuple[str, ...]]] = {
    "empty.txt": (lambda: b"", ("empty file",)),
    "cut_short.pdf": (lambda: badfiles.truncated(english_pdf()), ("not a valid pdf",)),
    "locked.pdf": (lambda: badfiles.encrypted_pdf("secret"), ("encrypted", "password")),
    "bomb.docx": (badfiles.docx_bomb, ("archive expands to more than", "refused")),
    "bomb.xlsx": (badfiles.xlsx_bomb, ("archive expands to more than", "refused")),
    "lying_bomb.docx": (badfiles.lying_docx_bomb, ("not a valid docx", "crc")),
    "laughs.docx": (badfiles.billion_laughs_docx, ("not a valid docx", "entity")),
    "zip_named.pdf": (lambda: badfiles.plain_zip(), ("not a valid docx or xlsx", "zip")),
    "huge.html": (badfiles.big_html, ("html larger than", "refused")),
    "bad_utf8.txt": (badfiles.invalid_utf8_text, ("not valid utf-8",)),
}
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Odd but readable: read as what they are.
READ: dict[str, tuple[Callable[[], bytes], str, int]] = {
    "no_user_password.pdf": (lambda: badfiles.encrypted_pdf(""), "application/pdf", 1),
    "pdf_named.docx": (english_pdf, "application/pdf", 2),
    "docx_named.pdf": (english_docx, DOCX_MEDIA_TYPE, 1),
    "blank_5000.pdf": (lambda: badfiles.blank_pages_pdf(5000), "application/pdf", 5000),
    "cyclic.pdf": (badfiles.cyclic_pdf, "application/pdf", 2),
    "deeply_nested.pdf": (badfiles.deeply_nested_pdf, "application/pdf", 1),
}
GOOD_NEWCOMER = ("meeting_notes.txt", b"Minutes of the joint committee meeting held in Tokyo.\n")


@pytest.fixture(scope="module")
def bad_files() -> dict[str, bytes]:
    return {name: make() for name, (make, *_rest) in {**REFUSED, **READ}.items()}


def snapshot(data_dir: Path, database_url: str | None) -> dict[str, object]:
    """Everything the catalog and the file store hold, row by row and byte by byte."""
    db = connect(database_url, DataLayout(data_dir).catalog)
    try:
        tables = {
            table: sorted(tuple(row) for row in db.execute(f"SELECT * FROM {table}").fetchall())
            for table in ("documents", "versions", "pages", "blocks", "facts", "warnings",
                          "warning_documents", "reviews")
        }
    finally:
        db.close()
    files = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (data_dir / "files").rglob("*") if p.is_file()
    }
    return {**tables, "files": files}


def unchanged_for(before: dict, after: dict, document_ids: set[str]) -> None:
    """Every row about the earlier documents, every warning and every stored file is as it was."""
    for table in ("documents", "versions", "pages", "blocks", "facts"):
        kept = [row for row in after[table] if row[0] in document_ids]
        assert kept == before[table], table
    for table in ("warnings", "warning_documents", "reviews"):
        assert after[table] == before[table], table
    assert {name: after["files"].get(name) for name in before["files"]} == before["files"]


def seed(ingest: Callable[[str, bytes], None]) -> None:
    ingest("th_summary.txt", THAI_SUMMARY.encode())
    ingest("monitoring.xlsx", monitoring_xlsx())


def test_cli_batch_of_bad_files(tmp_path, bad_files, capsys, monkeypatch, database_env):
    for name, value in LIMITS.items():
        monkeypatch.setenv(name, value)
    data = tmp_path / "data"
    first = tmp_path / "first"
    first.mkdir()
    seed(lambda name, content: (first / name).write_bytes(content))
    assert main(["--data-dir", str(data), "ingest", str(first)]) == 0
    capsys.readouterr()
    before = snapshot(data, database_env)
    earlier = {row[0] for row in before["documents"]}

    batch = tmp_path / "batch"
    batch.mkdir()
    for name, content in bad_files.items():
        (batch / name).write_bytes(content)
    (batch / GOOD_NEWCOMER[0]).write_bytes(GOOD_NEWCOMER[1])
    (batch / "th_summary.txt").write_bytes(b"\xff\xfe\x00\xd8 broken new version")  # a bad version
    (batch / "tab\tand\x01control.txt").write_bytes(b"Emission reductions: 10 tCO2.")
    (batch / "line\nbreak.txt").write_bytes(b"Emission reductions: 20 tCO2.")

    started = time.monotonic()
    code = main(["--data-dir", str(data), "ingest", str(batch)])
    out = capsys.readouterr().out
    assert time.monotonic() - started < 30
    assert code == 1
    failures = failed_lines(out)
    for name, (_make, words) in REFUSED.items():
        assert all(w in failures[name].lower() for w in words), (name, failures[name])
    assert "utf-16" in failures["th_summary.txt"].lower()
    for name in ("tab\tand\x01control.txt", "line\nbreak.txt"):
        assert failures[repr(name)] == f"unusable file name {name!r}: it contains control characters"
    odd_names = {repr("tab\tand\x01control.txt"), repr("line\nbreak.txt")}
    assert set(failures) == {*REFUSED, "th_summary.txt", *odd_names}

    after = snapshot(data, database_env)
    unchanged_for(before, after, earlier)
    documents = {row[1]: row for row in after["documents"]}
    for name, (_make, media_type, pages) in READ.items():
        assert f'"media_type":"{media_type}"' in documents[name][3], name
        assert f'"pages":{pages},' in documents[name][3], name
    assert '"status":"ingested"' in documents[GOOD_NEWCOMER[0]][3]
    assert not any("\n" in name or "\x01" in name for name in documents)


def failed_lines(out: str) -> dict[str, str]:
    """File name -> reason from the `failed:` lines of the summary."""
    found = {}
    for line in out.splitlines():
        if line.startswith("  failed: "):
            name, _, reason = line.removeprefix("  failed: ").partition(": ")
            found[name] = reason
    return found


@pytest.fixture
def client(tmp_path, monkeypatch, database_url) -> Iterator[Service]:
    for name, value in LIMITS.items():
        monkeypatch.setenv(name, value)
    test_client, settings = start_service(tmp_path / "data", database_url)
    with test_client:
        key = create_key(test_client.app.state.application.archive.catalog, Role("admin"))[1]
        yield Service(test_client, {"admin": key, "secretariat": key}, settings)


def upload(client: Service, name: str, content: bytes) -> dict:
    """The upload's job once finished, or, for an upload refused at once, its error as a failed job."""
    response = client.upload(name, content)
    if response.status_code != 202:
        return {"status": "refused", "reason": response.json()["error"]["message"]}
    return client.wait(response.json()["id"])


def upload_raw_name(client: Service, name: str, content: bytes):
    """An upload whose multipart header carries the name's bytes as they are (httpx would escape them)."""
    boundary = "jcm-test-boundary"
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n\r\n'
    body = head.encode() + content + f"\r\n--{boundary}--\r\n".encode()
    headers = {**client.headers("admin"), "content-type": f"multipart/form-data; boundary={boundary}"}
    return client.client.post("/documents", content=body, headers=headers)


def test_api_uploads_of_bad_files(client, tmp_path, bad_files):
    seed(lambda name, content: _assert_done(upload(client, name, content)))
    data, database_url = client.settings.data_dir, client.settings.database_url
    before = snapshot(data, database_url)
    earlier = {row[0] for row in before["documents"]}

    for name, (_make, words) in REFUSED.items():
        job = upload(client, name, bad_files[name])
        assert job["status"] in ("failed", "refused"), (name, job)
        assert all(w in job["reason"].lower() for w in words), (name, job["reason"])
    hostile_names = {
        "../../etc/passwd.pdf": "climbs out of its folder",
        "..\\..\\windows\\win.ini.txt": "climbs out of its folder",
        "nul\x00byte.txt": "control characters",
        "bell\x07.txt": "control characters",
    }
    for name, reason in hostile_names.items():
        response = upload_raw_name(client, name, f"Emission reductions in {name!r}: 10 tCO2.".encode())
        assert response.status_code == 422 and reason in response.json()["error"]["message"], name
    assert upload(client, "th_summary.txt", badfiles.truncated(english_pdf()))["status"] == "failed"

    unchanged_for(before, snapshot(data, database_url), earlier)
    for name, (_make, media_type, pages) in READ.items():
        job = _assert_done(upload(client, name, bad_files[name]))
        assert job["pages_total"] == pages, name
        document = client.get(f"/documents/{job['document_id']}").json()["document"]
        assert document["media_type"] == media_type
    listed = {d["filename"] for d in client.get("/documents", params={"limit": 100}).json()["items"]}
    assert not any(".." in name or "passwd" in name or "\x00" in name for name in listed)


def _assert_done(job: dict) -> dict:
    assert job["status"] == "done", job
    return job
