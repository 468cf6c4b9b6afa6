"""The data-access layer: one SQL for both databases, and the setting that chooses PostgreSQL."""
from __future__ import annotations

from pathlib import Path

import pytest

from application.settings import Settings, SettingsError
from corpus import store
from corpus.database import lock_number, postgres_sql
from corpus.store import SCHEMA, Catalog, schema_statements

SECRET_URL = "mysql://admin:s3cret@db.example/jcm"


def test_sqlite_statements_are_rewritten_for_postgresql():
    sql = (
        "SELECT data FROM t WHERE json_extract(d.data, '$.evidence.page') = ? AND instr(k, ?) > 0 "
        "AND x LIKE '5%'"
    )
    assert postgres_sql(sql) == (
        "SELECT data FROM t WHERE (d.data::json #>> '{evidence,page}') = %s AND strpos(k, %s) > 0 "
        "AND x LIKE '5%%'"
    )


def test_the_schema_is_one_statement_at_a_time_without_comments():
    statements = schema_statements(SCHEMA)
    assert all("--" not in s and ";" not in s for s in statements)
    assert sum(s.startswith("CREATE TABLE") for s in statements) == SCHEMA.count("CREATE TABLE")


def test_a_lock_is_named_alike_in_every_process():
    assert lock_number("document\0abc") == lock_number("document\0abc") != lock_number("document\0abd")
    assert -(2**63) <= lock_number("x") < 2**63


def test_a_database_url_that_is_not_postgresql_is_refused_without_printing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("JCM_DATABASE_URL", SECRET_URL)
    with pytest.raises(SettingsError) as refused:
        Settings()
    assert "JCM_DATABASE_URL" in str(refused.value) and "s3cret" not in str(refused.value)
    with pytest.raises(ValueError, match="postgresql://"):
        Catalog(tmp_path, SECRET_URL)


def test_the_setting_reads_a_postgresql_url_and_defaults_to_sqlite(monkeypatch: pytest.MonkeyPatch):
    assert Settings().database_url is None
    monkeypatch.setenv("JCM_DATABASE_URL", "postgresql://jcm@db:5432/jcm")
    assert Settings().database_url == "postgresql://jcm@db:5432/jcm"


def test_a_write_the_database_aborted_for_a_deadlock_is_run_again(monkeypatch: pytest.MonkeyPatch):
    class Deadlock(Exception):
        pass

    monkeypatch.setattr(store, "transient_errors", lambda: (Deadlock,))
    monkeypatch.setattr(store.time, "sleep", lambda _seconds: None)
    attempts: list[int] = []

    @store.retried
    def write(value: int) -> int:
        attempts.append(value)
        if len(attempts) < 3:
            raise Deadlock
        return value

    assert write(7) == 7 and attempts == [7, 7, 7]

    @store.retried
    def always_deadlocked() -> None:
        attempts.append(0)
        raise Deadlock

    attempts.clear()
    with pytest.raises(Deadlock):
        always_deadlocked()
    assert len(attempts) == store.WRITE_ATTEMPTS
