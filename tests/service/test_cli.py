import csv
import io
import json
import socket
from pathlib import Path

import pytest

from service.cli import main
from tests.conftest import MONGOLIA_PDD, MONGOLIA_SUMMARY, THAI_SUMMARY

# Each command reads its catalog's backend from the environment, as `jcm` does for an operator.
pytestmark = pytest.mark.usefixtures("database_env")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


def as_json(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> list[dict]:
    code, out = run(capsys, "--data-dir", str(data), *args, "--format", "json")
    assert code == 0
    return json.loads(out)


def test_ingest_a_folder_then_query_facts_warnings_and_search(tmp_path, corpus_dir, capsys):
    data = tmp_path / "data"
    code, out = run(capsys, "--data-dir", str(data), "ingest", str(corpus_dir))
    assert code == 0, out
    assert "ingested 5, unchanged 0, failed 0" in out

    facts = as_json(capsys, data, "facts")
    thai = [f for f in facts if f["document"]["filename"] == "th_summary.txt"]
    assert {(f["kind"], f["value"], f["unit"]) for f in thai} >= {
        ("emission_reduction", 2000, "tCO2e/yr"), ("emission_reduction", 5000, "tCO2e/yr"),
    }
    stated = next(f for f in thai if f["value"] == 5000)
    assert stated["language"] == "th" and "๕,๐๐๐" in stated["evidence"]["text"]
    assert stated["evidence"]["page"] == 1

    warnings = as_json(capsys, data, "warnings")
    [sum_warning] = [w for w in warnings if w["rule"] == "sum_of_parts"
                     and w["documents"][0]["filename"] == "th_summary.txt"]
    assert (sum_warning["expected"], sum_warning["found"]) == (5000, 4000)

    hits = as_json(capsys, data, "search", "หม้อไอน้ำ", "--limit", "5")
    assert hits and hits[0]["document"]["filename"] == "th_summary.txt"
    assert "<mark>" in hits[0]["snippet"]


def test_facts_filters_and_formats(tmp_path, corpus_dir, capsys):
    data = tmp_path / "data"
    run(capsys, "--data-dir", str(data), "ingest", str(corpus_dir))
    japanese = as_json(capsys, data, "facts", "--document", "ja_pdd_sjis.txt")
    assert {f["kind"] for f in japanese} >= {"reference_emissions", "project_emissions", "emission_reduction"}
    assert all(f["document"]["filename"] == "ja_pdd_sjis.txt" for f in japanese)

    code, out = run(capsys, "--data-dir", str(data), "facts", "--format", "csv", "--kind", "project_cost")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows and {r["kind"] for r in rows} == {"project_cost"}

    code, out = run(capsys, "--data-dir", str(data), "facts", "--document", "missing.pdf")
    assert code == 2


def test_reingesting_is_a_no_op_and_a_changed_file_is_a_new_version(tmp_path, corpus_dir, capsys):
    data = tmp_path / "data"
    run(capsys, "--data-dir", str(data), "ingest", str(corpus_dir))
    code, out = run(capsys, "--data-dir", str(data), "ingest", str(corpus_dir))
    assert code == 0 and "ingested 0, unchanged 5, failed 0" in out

    (corpus_dir / "th_summary.txt").write_text(THAI_SUMMARY.replace("๕,๐๐๐", "๔,๐๐๐"), encoding="utf-8")
    code, out = run(capsys, "--data-dir", str(data), "ingest", str(corpus_dir))
    assert "ingested 1, unchanged 4, failed 0" in out
    [document] = [d for d in as_json(capsys, data, "documents") if d["filename"] == "th_summary.txt"]
    assert document["version"] == 2
    totals = [f["value"] for f in as_json(capsys, data, "facts", "--document", "th_summary.txt")]
    assert 4000 in totals and 5000 not in totals
    assert not [w for w in as_json(capsys, data, "warnings") if w["rule"] == "sum_of_parts"
                and w["documents"][0]["filename"] == "th_summary.txt"]


def test_a_bad_file_fails_with_its_reason_and_the_rest_is_ingested(tmp_path, corpus_dir, capsys):
    (corpus_dir / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog")
    (corpus_dir / "empty.txt").write_bytes(b"")
    data = tmp_path / "data"
    code, out = run(capsys, "--data-dir", str(data), "ingest", str(corpus_dir))
    assert code == 1
    assert "ingested 5, unchanged 0, failed 2" in out
    assert "failed: broken.pdf:" in out and "failed: empty.txt: empty file" in out
    documents = as_json(capsys, data, "documents")
    assert sum(d["status"] == "ingested" for d in documents) == 5


def test_warning_can_be_acknowledged_with_a_note(tmp_path, corpus_dir, capsys):
    data = tmp_path / "data"
    run(capsys, "--data-dir", str(data), "ingest", str(corpus_dir))
    [warning] = [w for w in as_json(capsys, data, "warnings") if w["rule"] == "sum_of_parts"
                 and w["documents"][0]["filename"] == "th_summary.txt"]
    code, out = run(capsys, "--data-dir", str(data), "warnings", "ack", warning["id"], "--note", "typo")
    assert code == 0 and "acknowledged" in out
    [again] = [w for w in as_json(capsys, data, "warnings") if w["id"] == warning["id"]]
    assert (again["status"], again["note"]) == ("acknowledged", "typo")


def test_search_finds_japanese_and_english_with_page_numbers(tmp_path, corpus_dir, capsys):
    data = tmp_path / "data"
    run(capsys, "--data-dir", str(data), "ingest", str(corpus_dir))
    hits = as_json(capsys, data, "search", "チラー")
    assert hits[0]["document"]["filename"] == "ja_pdd_sjis.txt"
    hits = as_json(capsys, data, "search", "dairy factory Ulaanbaatar")
    monitoring = [h for h in hits if h["document"]["filename"] == "2024/en_monitoring.pdf"]
    assert hits[: len(monitoring)] == monitoring  # every word held ranks above some words held
    assert {h["page"] for h in monitoring} == {1, 2}


def test_ingest_confidential_files_which_the_cli_shows_and_public_reads_do_not(
    tmp_path, capsys, database_env
):
    from corpus.store import Catalog

    data = tmp_path / "data"
    secret = tmp_path / "pdd_confidential.txt"
    secret.write_text(THAI_SUMMARY, encoding="utf-8")
    code, out = run(capsys, "--data-dir", str(data), "ingest", "--confidential", str(secret))
    assert code == 0 and "ingested 1" in out
    [document] = as_json(capsys, data, "documents")
    assert document["confidential"] is True
    assert as_json(capsys, data, "facts") and as_json(capsys, data, "search", "หม้อไอน้ำ")
    catalog = Catalog(data, database_env)
    assert catalog.list_documents() == [] and catalog.facts() == [] and catalog.warnings() == []
    assert catalog.count_documents() == 0 and catalog.count_documents(include_confidential=True) == 1
def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


@pytest.mark.parametrize(
    ("arguments", "environment", "message"),
    [
        (["reindex", "--backend", "elasticsearch", "--es-url", "<closed>"], {},
         "cannot reach Elasticsearch at"),
        (["reindex", "--backend", "elasticsearch"], {}, "needs a URL (JCM_ES_URL or --es-url)"),
        (["search", "boiler"], {"JCM_SEARCH_BACKEND": "elasticsearch", "JCM_ES_URL": "<closed>"},
         "cannot reach Elasticsearch at"),
        (["search", "boiler"], {"JCM_SEARCH_BACKEND": "solr"}, "unknown search backend 'solr'"),
    ],
)
def test_an_unusable_search_backend_is_a_one_line_error(tmp_path, capsys, monkeypatch, arguments, environment,
                                                         message):
    url = closed_port_url()
    monkeypatch.delenv("JCM_ES_URL", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value.replace("<closed>", url))
    code = main(["--data-dir", str(tmp_path / "data"), *(a.replace("<closed>", url) for a in arguments)])
    error = capsys.readouterr().err
    assert code == 2 and error.startswith("jcm: ") and message in error
    assert "Traceback" not in error


def test_projects_show_why_documents_are_one_and_an_operator_separates_them(tmp_path, capsys):
    folder, data = tmp_path / "files", tmp_path / "data"
    folder.mkdir()
    (folder / "pdd_en.txt").write_text(MONGOLIA_PDD.format(reduction="1,200"), encoding="utf-8")
    (folder / "summary_ja.txt").write_text(MONGOLIA_SUMMARY.format(reduction="1,500"), encoding="utf-8")
    assert run(capsys, "--data-dir", str(data), "ingest", str(folder))[0] == 0
    [project] = as_json(capsys, data, "projects")
    assert "same host country: Mongolia" in project["links"][0]["reasons"]
    assert [w["rule"] for w in as_json(capsys, data, "warnings")] == ["same_project_values"]

    code, _ = run(capsys, "--data-dir", str(data), "projects", "separate", "pdd_en.txt", "summary_ja.txt",
                  "--note", "two hospitals")
    assert code == 0
    assert len(as_json(capsys, data, "projects")) == 2
    assert as_json(capsys, data, "warnings") == []
    code, _ = run(capsys, "--data-dir", str(data), "projects", "link", "pdd_en.txt", "missing.txt")
    assert code == 2
