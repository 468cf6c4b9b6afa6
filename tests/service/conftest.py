"""A service under test with one key per role, and uploads followed to the end of their jobs.

Every service runs on the test's catalog backend (the fixture database_url, tests/conftest.py: SQLite,
and PostgreSQL when JCM_TEST_DATABASE_URL names a server), so each test that opens a service, an archive
or a catalog runs on both; `jcm` commands, in the process or as children, are told the backend in the
environment (database_env, tests.robustness.served.catalog_environment).

Chosen by what touches the catalog, these run once, on SQLite, as the backend is not their subject:
the read deadlines of `jcm serve` (HTTP framing), an unreachable Elasticsearch, the imports at start-up,
an error no handler expects, the reading of settings and tests of pure functions. A damaged catalog
is made with SQL (tests.backends.run_sql), on either backend; a PostgreSQL catalog a module builds once
is copied per test (copied_catalog) as its data folder is."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from application.access import Role, create_key
from application.settings import Settings
from service.api import create_app


@dataclass
class Service:
    client: TestClient
    keys: dict[str, str]  # role -> key
    settings: Settings

    def headers(self, role: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"} if role else {}

    def get(self, path: str, role: str | None = "admin", **kwargs):
        return self.client.get(path, headers=self.headers(role), **kwargs)

    def post(self, path: str, role: str | None = "admin", **kwargs):
        return self.client.post(path, headers=self.headers(role), **kwargs)

    def delete(self, path: str, role: str | None = "admin", **kwargs):
        return self.client.delete(path, headers=self.headers(role), **kwargs)

    def upload(self, name: str, data: bytes, role: str = "secretariat", confidential: bool = False):
        form = {"confidential": "true"} if confidential else {}
        return self.post("/documents", role, files={"file": (name, data)}, data=form)

    def wait(self, job_id: str, timeout: float = 120) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.get(f"/jobs/{job_id}").json()
            if job["status"] in ("done", "failed"):
                return job
            time.sleep(0.05)
        raise AssertionError(f"job {job_id} did not finish: {job}")

    def ingest(self, name: str, data: bytes, confidential: bool = False) -> dict:
        response = self.upload(name, data, confidential=confidential)
        assert response.status_code == 202, response.text
        return self.wait(response.json()["id"])


def start_service(
    data_dir: Path, database_url: str | None = None, anonymous_read: bool = False, **overrides: object
) -> tuple[TestClient, Settings]:
    """The app of a service over data_dir whose catalog is at database_url (None: SQLite in data_dir)."""
    settings = Settings(
        data_dir=data_dir, database_url=database_url, workers=1, anonymous_read=anonymous_read, **overrides
    )
    return TestClient(create_app(settings)), settings


@pytest.fixture
def service(tmp_path: Path, database_url: str | None) -> Iterator[Service]:
    client, settings = start_service(tmp_path / "data", database_url)
    with client:
        catalog = client.app.state.application.archive.catalog
        keys = {role.value: create_key(catalog, role, f"test {role.value}")[1] for role in Role}
        yield Service(client, keys, settings)
