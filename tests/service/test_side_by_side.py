"""A confidential version of a document and its public version stand side by side under one file name:
neither upload replaces or hides the other, whatever their order or timing, and a name stands for the
public document."""

from __future__ import annotations

import pytest

from corpus.store import document_id_for
from tests.conftest import MONGOLIA_PDD
from tests.service.conftest import Service

NAME = "en_hospital_heatpump_pdd.txt"
PUBLIC = MONGOLIA_PDD.format(reduction="1,200").encode()
SECRET = (MONGOLIA_PDD.format(reduction="4,873") + "Clause QUOKKAZEBRA is not disclosed.\n").encode()


def documents(service: Service, role: str) -> dict[bool, dict]:
    items = service.get("/documents", role).json()["items"]
    return {item["confidential"]: item for item in items if item["filename"] == NAME}


def file_of(service: Service, role: str, document: str) -> bytes:
    response = service.get(f"/documents/{document}/file", role)
    assert response.status_code == 200, response.text
    return response.content


@pytest.mark.parametrize("confidential_first", [False, True])
def test_the_two_versions_of_a_name_stand_side_by_side(service: Service, confidential_first: bool):
    uploads = [(SECRET, True), (PUBLIC, False)] if confidential_first else [(PUBLIC, False), (SECRET, True)]
    jobs = {flag: service.ingest(NAME, data, confidential=flag) for data, flag in uploads}
    assert {flag: job["status"] for flag, job in jobs.items()} == {False: "done", True: "done"}
    assert jobs[False]["document_id"] == document_id_for(NAME)  # the public id is the name's, as before
    assert jobs[True]["document_id"] != jobs[False]["document_id"]

    both = documents(service, "reviewer")
    assert {flag: item["id"] for flag, item in both.items()} == {f: j["document_id"] for f, j in jobs.items()}
    assert both[False]["version"] == both[True]["version"] == 1
    assert set(documents(service, "public")) == {False}
    assert file_of(service, "public", NAME) == PUBLIC
    assert file_of(service, "reviewer", jobs[True]["document_id"]) == SECRET
    assert service.get(f"/documents/{jobs[True]['document_id']}", "public").status_code == 404
    assert not service.get("/search", "public", params={"q": "QUOKKAZEBRA"}).json()["hits"]


def test_a_name_stands_for_the_public_document_for_insiders_too(service: Service):
    public = service.ingest(NAME, PUBLIC)
    secret = service.ingest(NAME, SECRET, confidential=True)
    only_secret = service.ingest("annex.txt", b"Annex QUOKKAZEBRA, confidential.", confidential=True)
    shown = service.get(f"/documents/{NAME}", "reviewer").json()["document"]
    assert (shown["id"], shown["confidential"]) == (public["document_id"], False)
    by_id = service.get(f"/documents/{secret['document_id']}", "reviewer").json()["document"]
    assert (by_id["filename"], by_id["confidential"]) == (NAME, True)
    annex = service.get("/documents/annex.txt", "reviewer").json()["document"]
    assert annex["id"] == only_secret["document_id"]
    assert service.get("/documents/annex.txt", "public").status_code == 404
    facts = service.get("/facts", "reviewer", params={"document": NAME}).json()["items"]
    assert {fact["document"]["id"] for fact in facts} == {public["document_id"]}


@pytest.mark.parametrize("confidential_first", [False, True])
def test_uploads_of_one_name_at_once_end_the_same_whatever_their_order(
    service: Service, confidential_first: bool
):
    """Queued together (one batch for the ingest thread, or two): the outcome does not depend on timing."""
    order = [True, False] if confidential_first else [False, True]
    content = {False: PUBLIC, True: SECRET}
    accepted = [service.upload(NAME, content[flag], confidential=flag) for flag in order]
    finished = [service.wait(response.json()["id"]) for response in accepted]
    assert [job["status"] for job in finished] == ["done", "done"]
    both = documents(service, "admin")
    assert set(both) == {False, True}
    assert file_of(service, "admin", both[False]["id"]) == PUBLIC
    assert file_of(service, "admin", both[True]["id"]) == SECRET


def test_a_new_public_version_leaves_the_confidential_document_as_it_is(service: Service):
    service.ingest(NAME, PUBLIC)
    secret = service.ingest(NAME, SECRET, confidential=True)
    changed = MONGOLIA_PDD.format(reduction="1,300").encode()
    again = service.ingest(NAME, changed)
    assert again["status"] == "done" and again["document_id"] == document_id_for(NAME)
    both = documents(service, "admin")
    assert (both[False]["version"], both[True]["version"]) == (2, 1)
    assert both[True]["id"] == secret["document_id"]
    assert file_of(service, "admin", both[True]["id"]) == SECRET
    assert file_of(service, "public", NAME) == changed
