"""File names with invisible format characters are refused with their reason (issue 15, finding 5): U+202E
RIGHT-TO-LEFT OVERRIDE makes "report\u202etxt.exe" show as "reportexe.txt", so a name with it, or with any
other format character (zero-width, bidirectional marks and isolates, the byte-order mark), a line or
paragraph separator, is refused at upload (API, web form) and by `jcm ingest`, as control characters
already were. Thai and Japanese names, whose marks are letters' parts, are taken."""

from __future__ import annotations

import pytest

from service.cli import main
from tests.conftest import THAI_SUMMARY
from tests.service.conftest import Service

HIDDEN = {
    "report\u202etxt.exe.txt": "U+202E RIGHT-TO-LEFT OVERRIDE",
    "zero\u200bwidth.txt": "U+200B ZERO WIDTH SPACE",
    "\ufeffbom.txt": "U+FEFF ZERO WIDTH NO-BREAK SPACE",
    "mark\u200e.txt": "U+200E LEFT-TO-RIGHT MARK",
    "isolate\u2067x\u2069.txt": "U+2067 RIGHT-TO-LEFT ISOLATE, U+2069 POP DIRECTIONAL ISOLATE",
    "line\u2028separator.txt": "U+2028 LINE SEPARATOR",
}


def upload_raw_name(service: Service, name: str, content: bytes):
    """The name's UTF-8 bytes as they are in the multipart header (a client may send anything)."""
    boundary = "jcm-names"
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n\r\n'
    body = head.encode() + content + f"\r\n--{boundary}--\r\n".encode()
    headers = {**service.headers("secretariat"), "content-type": f"multipart/form-data; boundary={boundary}"}
    return service.client.post("/documents", content=body, headers=headers)


@pytest.mark.parametrize(("name", "named"), HIDDEN.items())
def test_an_upload_named_with_a_format_character_is_refused_with_the_reason(service: Service, name, named):
    response = upload_raw_name(service, name, b"Emission reductions: 10 tCO2e.")
    assert response.status_code == 422, response.text
    message = response.json()["error"]["message"]
    assert "invisible format characters" in message and named in message
    assert service.get("/jobs").json()["total"] == 0


@pytest.mark.parametrize("name", ["สรุปโครงการคัดเลือก.txt", "排出削減量の報告書.txt", "café report.txt"])
def test_thai_japanese_and_accented_names_are_taken(service: Service, name):
    response = upload_raw_name(service, name, THAI_SUMMARY.encode())
    assert response.status_code == 202, response.text
    assert service.wait(response.json()["id"])["status"] == "done"


def test_jcm_ingest_refuses_a_file_named_with_a_format_character(tmp_path, capsys):
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "report\u202etxt.exe.txt").write_bytes(b"Emission reductions: 10 tCO2e.")
    (folder / "th_summary.txt").write_bytes(THAI_SUMMARY.encode())
    assert main(["--data-dir", str(tmp_path / "data"), "ingest", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "ingested 1, unchanged 0, failed 1" in out
    assert "it contains invisible format characters (U+202E RIGHT-TO-LEFT OVERRIDE)" in out
    assert "'report\\u202etxt.exe.txt'" in out  # shown escaped, never as the name it pretends to be
