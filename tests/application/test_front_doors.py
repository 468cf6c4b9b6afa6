"""The front doors: what a viewer gets through them is what its role allows, and nothing a public viewer
may not read comes out of the reading door, in any of its answers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from application.access import ANONYMOUS, OPERATOR, Refused, Role, Viewer
from application.front import Application
from application.settings import Settings
from corpus.filters import FactQuery, WarningQuery
from corpus.models import ProjectDecision

PUBLIC = "Heat pump in Ulaanbaatar, Mongolia. Emission reductions: 1,200 tCO2e per year."
SECRET = "Confidential boiler study, Mongolia. Heat pump emission reductions: 9,870 tCO2e per year."
PUBLIC_KEY = Viewer(Role.PUBLIC, "k-public")


@pytest.fixture(scope="module")
def application(
    tmp_path_factory: pytest.TempPathFactory, module_database_url: str | None
) -> Iterator[Application]:
    data = tmp_path_factory.mktemp("doors")
    made = Application(Settings(data_dir=data, database_url=module_database_url, workers=1))
    folder = Path(data) / "incoming"
    folder.mkdir()
    (folder / "public.txt").write_text(PUBLIC, encoding="utf-8")
    (folder / "secret.txt").write_text(SECRET, encoding="utf-8")
    uploads = made.uploading(OPERATOR)
    uploads.ingest_paths([folder / "public.txt"])
    uploads.ingest_paths([folder / "secret.txt"], confidential=True)
    yield made
    made.close()


def secret_id(application: Application) -> str:
    found = application.reading(OPERATOR).find_document("secret.txt")
    assert found is not None and found.confidential
    return found.id


@pytest.mark.parametrize("viewer", [ANONYMOUS, PUBLIC_KEY], ids=["anonymous", "public key"])
def test_a_public_viewer_never_reads_a_confidential_document(application: Application, viewer: Viewer):
    hidden = secret_id(application)
    read = application.reading(viewer)
    assert [d.filename for d in read.documents()] == ["public.txt"] and read.count_documents() == 1
    assert read.document(hidden) is None and read.find_document("secret.txt") is None
    assert all(f.document.id != hidden for f in read.facts(FactQuery()))
    assert read.count_facts(FactQuery()) == len(read.facts(FactQuery())) > 0
    assert read.facts_of(hidden) == []
    assert all(hidden not in {d.id for d in w.documents} for w in read.warnings(WarningQuery()))
    assert all(hidden not in {d.id for d in w.documents} for w in read.warnings_of())
    assert all(hidden not in p.documents for p in read.projects())
    results = read.search("heat pump")
    assert results.hits and {hit.document.filename for hit in results.hits} == {"public.txt"}
    assert all(f.document.id != hidden for f in results.facts)
    assert all(f.document.id != hidden for hit in read.with_facts(results).hits for f in hit.facts)


def test_an_insider_reads_both(application: Application):
    read = application.reading(Viewer(Role.REVIEWER, "k-reviewer"))
    assert {d.filename for d in read.documents()} == {"public.txt", "secret.txt"}
    assert {hit.document.filename for hit in read.search("heat pump").hits} == {"public.txt", "secret.txt"}


@pytest.mark.parametrize(("viewer", "status"), [(ANONYMOUS, 401), (PUBLIC_KEY, 403)])
def test_review_through_the_front_door_is_refused_to_a_public_viewer(
    application: Application, viewer: Viewer, status: int
):
    with pytest.raises(Refused) as refused:
        application.reviewing(viewer)
    assert refused.value.status == status


@pytest.mark.parametrize("role", [Role.PUBLIC, Role.REVIEWER])
def test_uploads_are_refused_to_roles_that_may_not_upload(application: Application, role: Role):
    with pytest.raises(Refused):
        application.uploading(Viewer(role, "k"))


@pytest.mark.parametrize("role", [Role.PUBLIC, Role.SECRETARIAT, Role.REVIEWER])
def test_administration_is_refused_to_every_role_but_admin(application: Application, role: Role):
    admin = application.administering(Viewer(role, "k"))
    with pytest.raises(Refused):
        admin.delete_document("no-such-document")
    with pytest.raises(Refused):
        admin.api_keys()
    with pytest.raises(Refused):
        admin.create_key(Role.ADMIN)


def test_a_reviewers_decision_through_the_door_holds_and_frees_the_writers_lock(application: Application):
    read = application.reading(OPERATOR)
    ids = [d.id for d in read.documents()]
    review = application.reviewing(Viewer(Role.REVIEWER, "k-reviewer"))
    kept = review.decide(ProjectDecision(documents=ids, same=False, note="two plants"))
    assert sorted(kept.documents) == sorted(ids)
    assert not application.archive.writing.locked()
    assert [d.note for d in read.decisions()] == ["two plants"]
    assert application.reading(ANONYMOUS).decisions() == []  # it involves the confidential document
    assert review.undecide(*ids) and not review.undecide(*ids)
    assert not application.archive.writing.locked()
