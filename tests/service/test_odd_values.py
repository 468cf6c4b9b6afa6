"""Values each database takes its own way are answered alike on both. A NUL character (U+0000) in a
filter, an id or a name is a character like any other: SQLite stores it, PostgreSQL's text cannot hold
it, and on either the request is answered, never failed with 500. A bound that is not a number (NaN)
holds no value, where PostgreSQL would order NaN above every number."""
from __future__ import annotations

import pytest

from tests.conftest import MONGOLIA_PDD
from tests.service.conftest import Service

LISTS = [
    "/facts?country=%00", "/facts?unit=%00", "/facts?document=x%00", "/facts?subject=%00",
    "/warnings?rule=%00", "/warnings?document=x%00", "/documents?limit=5&offset=0",
]
ONE = ["/documents/%00", "/documents/a%00b/file", "/jobs/%00", "/projects/decisions/%00/x"]


@pytest.fixture
def loaded(service: Service) -> Service:
    assert service.ingest("pdd_en.txt", MONGOLIA_PDD.format(reduction="1,200").encode())["status"] == "done"
    return service


def test_a_nul_in_a_filter_finds_nothing(loaded: Service):
    for path in LISTS:
        response = loaded.get(path)
        assert response.status_code in (200, 404), (path, response.text)
    assert loaded.get("/facts", params={"country": "Mongolia\x00"}).json()["items"] == []
    assert loaded.get("/facts", params={"country": "Mongolia"}).json()["items"]
    for export in ("/facts/export", "/warnings/export"):
        assert loaded.get(export, params={"document": "\x00"}).status_code == 404


def test_a_nul_in_an_id_is_no_such_thing(loaded: Service):
    for path in ONE:
        method = loaded.delete if path.startswith("/projects") else loaded.get
        assert method(path).status_code == 404, path
    assert loaded.delete("/documents/%00").status_code == 404
    assert loaded.delete("/keys/%00").status_code == 404
    assert loaded.post("/warnings/%00/review", json={"status": "acknowledged"}).status_code == 404


def test_a_name_holding_a_nul_is_kept(loaded: Service):
    created = loaded.post("/keys", json={"role": "public", "name": "desk\x00two"})
    assert created.status_code == 201, created.text
    key = created.json()["key"]
    assert loaded.client.get("/facts", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    [named] = [k for k in loaded.get("/keys").json() if k["id"] == created.json()["id"]]
    assert named["name"].startswith("desk") and named["name"].endswith("two")


def test_a_bound_that_is_not_a_number_holds_no_value(loaded: Service):
    total = loaded.get("/facts").json()["total"]
    assert total > 0
    for bound in ("min_value", "max_value"):
        answer = loaded.get("/facts", params={bound: "nan"})
        assert answer.status_code == 200 and answer.json()["total"] == 0, (bound, answer.text)
    assert loaded.get("/facts", params={"max_value": "inf"}).json()["total"] == total
