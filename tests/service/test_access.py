"""Roles, keys and the viewer: what each role may do, how keys are checked, stored and revoked."""

import hashlib

import pytest

from application.access import ACTIONS, ANONYMOUS, Role, Viewer, create_key, viewer_for
from application.settings import Settings
from corpus.store import Catalog
from service.cli import main
from tests.backends import stored_bytes
from tests.service.conftest import Service

ALLOWED = {
    Role.ADMIN: ACTIONS,
    Role.SECRETARIAT: {"read", "read_confidential", "upload"},
    Role.REVIEWER: {"read", "read_confidential", "review"},
    Role.PUBLIC: {"read"},
}


@pytest.mark.parametrize("role", list(Role))
def test_what_each_role_may_do(role):
    viewer = Viewer(role, "k1")
    assert {action for action in ACTIONS if viewer.may(action)} == ALLOWED[role]
    assert viewer.sees_confidential == (role != Role.PUBLIC)


def test_an_unknown_action_is_an_error_not_a_refusal():
    with pytest.raises(ValueError, match="unknown action"):
        Viewer(Role.ADMIN, None).may("fly")


def test_viewer_for_a_key_a_missing_key_and_anonymous_reading(tmp_path, database_url):
    catalog = Catalog(tmp_path, database_url)
    record, key = create_key(catalog, "reviewer", "Ms Tanaka")
    closed, open_ = Settings(data_dir=tmp_path), Settings(data_dir=tmp_path, anonymous_read=True)
    assert viewer_for(catalog, f"Bearer {key}", closed) == Viewer(Role.REVIEWER, record.id)
    assert viewer_for(catalog, f"bearer  {key} ", closed) == Viewer(Role.REVIEWER, record.id)
    assert viewer_for(catalog, None, closed) is None
    assert viewer_for(catalog, None, open_) == ANONYMOUS
    for bad in (f"Basic {key}", "Bearer", "Bearer jcm_not-a-key", key):
        assert viewer_for(catalog, bad, open_) is None  # a wrong key is refused even when reading is open
    catalog.revoke_key(record.id)
    assert viewer_for(catalog, f"Bearer {key}", closed) is None


def test_keys_are_stored_as_their_sha256_only(tmp_path, database_url):
    catalog = Catalog(tmp_path, database_url)
    record, key = create_key(catalog, "admin")
    assert record.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert len(key) > 40 and key.startswith("jcm_")
    stored = stored_bytes(catalog)
    assert key.encode() not in stored and record.key_hash.encode() in stored


def test_cli_creates_lists_and_revokes_keys(tmp_path, capsys, database_env):
    data = str(tmp_path / "data")
    assert main(["--data-dir", data, "keys", "create", "--role", "secretariat", "--name", "desk"]) == 0
    key = capsys.readouterr().out.strip().splitlines()[-1]
    catalog = Catalog(tmp_path / "data", database_env)
    [record] = catalog.api_keys()
    assert viewer_for(catalog, f"Bearer {key}", Settings(data_dir=tmp_path)) == Viewer(
        Role.SECRETARIAT, record.id
    )
    assert main(["--data-dir", data, "keys", "list"]) == 0
    listing = capsys.readouterr().out
    assert record.id in listing and "secretariat" in listing and "desk" in listing and key not in listing
    assert main(["--data-dir", data, "keys", "revoke", record.id]) == 0
    assert viewer_for(catalog, f"Bearer {key}", Settings(data_dir=tmp_path)) is None
    assert main(["--data-dir", data, "keys", "revoke", "nope"]) == 2


def test_serve_tells_a_first_user_how_to_get_a_key(tmp_path, database_url):
    from application.front import Application
    from service.cli import first_run_hint

    application = Application(Settings(data_dir=tmp_path, database_url=database_url))
    hint = first_run_hint(application)
    assert "keys create --role admin" in hint and "JCM_ANONYMOUS_READ=1" in hint
    create_key(application.archive.catalog, "admin")
    assert first_run_hint(application) is None
    application.close()


def test_keys_over_http_admin_only_and_revoked_keys_get_401(service: Service):
    created = service.post("/keys", json={"role": "reviewer", "name": "checker"})
    assert created.status_code == 201
    key = created.json()["key"]
    assert service.client.get("/warnings", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    listed = service.get("/keys").json()
    assert created.json()["id"] in {k["id"] for k in listed} and all("key" not in k for k in listed)
    for role in ("secretariat", "reviewer", "public"):
        assert service.post("/keys", role, json={"role": "admin"}).status_code == 403
        assert service.get("/keys", role).status_code == 403
    assert service.delete(f"/keys/{created.json()['id']}").status_code == 204
    revoked = service.client.get("/warnings", headers={"Authorization": f"Bearer {key}"})
    assert revoked.status_code == 401 and revoked.json()["error"]["code"] == "unauthorized"
    assert service.delete("/keys/nope").status_code == 404


@pytest.mark.parametrize(
    ("role", "method", "path", "status"),
    [
        ("public", "post", "/documents", 403),
        ("reviewer", "post", "/documents", 403),
        ("public", "delete", "/documents/x", 403),
        ("secretariat", "delete", "/documents/x", 403),
        ("reviewer", "delete", "/documents/x", 403),
        ("admin", "delete", "/documents/x", 404),
        ("secretariat", "post", "/warnings/x/review", 403),
        ("reviewer", "post", "/warnings/x/review", 404),
        ("public", "get", "/jobs/x", 403),
        ("reviewer", "get", "/jobs/x", 403),
        ("secretariat", "get", "/jobs/x", 404),
        (None, "get", "/documents", 401),
        (None, "get", "/health", 200),
    ],
)
def test_roles_on_writes(service: Service, role, method, path, status):
    arguments = {"json": {"status": "acknowledged"}} if path.endswith("review") else {}
    if path == "/documents" and method == "post":
        arguments = {"files": {"file": ("a.txt", b"Emission reductions: 5 tCO2e.")}}
    response = getattr(service, method)(path, role, **arguments)
    assert response.status_code == status, response.text
