"""The catalog's one data-access layer: a connection to SQLite (the default, a file in the data folder) or
to PostgreSQL (JCM_DATABASE_URL=postgresql://...) that runs the same SQL on both.

The catalog writes its SQL once, in the subset both databases understand, with SQLite's `?` parameters
and `json_extract(column, '$.a.b')`; on PostgreSQL those two are rewritten here. Whatever needs a
function of Python's (case folding, reading a period) is computed when a row is written and stored in a
column of its own, so both databases compare the same stored values and answer alike.
"""
from __future__ import annotations

import hashlib
import math
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
# A process creating or migrating a PostgreSQL catalog holds this advisory lock, so two processes opening
# a new or older catalog at once do not both create or migrate it.
MIGRATION_LOCK = 0x4A434D  # "JCM"
# What a NUL in a value becomes on PostgreSQL, whose text cannot hold one (postgres_params).
NUL_STAND_IN = "\ufffd"


class Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def fetchmany(self, size: int) -> list[Any]: ...
    def close(self) -> None: ...
    def __iter__(self) -> Any: ...


def is_postgres(url: str | None) -> bool:
    return bool(url) and url.startswith(POSTGRES_SCHEMES)


class Connection:
    """One connection of one thread, in autocommit mode: each statement outside begin()/commit() is its
    own transaction, as with sqlite3's isolation_level=None."""

    postgres: bool = False
    # What LIMIT takes for "no limit": SQLite wants a negative number, PostgreSQL NULL.
    no_limit: int | None = -1

    def execute(self, sql: str, params: Sequence[object] = ()) -> Cursor:
        raise NotImplementedError

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        raise NotImplementedError

    def execute_ddl(self, statement: str) -> None:
        """One statement of the schema (CREATE TABLE, CREATE INDEX), written for SQLite."""
        raise NotImplementedError

    def has_table(self, name: str) -> bool:
        raise NotImplementedError

    def columns(self, table: str) -> set[str]:
        """The names of a table's columns (none when there is no such table)."""
        raise NotImplementedError

    def lock(self, keys: Iterable[str]) -> None:
        """Hold these keys until the transaction ends, against other writers taking one of them."""
        raise NotImplementedError

    @property
    def usable(self) -> bool:
        """False once the connection is lost: it is then replaced by a new one."""
        return True

    @contextmanager
    def exclusively(self) -> Iterator[None]:
        """Around a transaction that creates or migrates the schema: one process at a time. SQLite's
        BEGIN IMMEDIATE already is."""
        yield

    @property
    def in_transaction(self) -> bool:
        raise NotImplementedError

    def begin(self) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        self.execute("COMMIT")

    def rollback(self) -> None:
        self.execute("ROLLBACK")

    def close(self) -> None:
        raise NotImplementedError


class SQLiteConnection(Connection):
    def __init__(self, path: Path) -> None:
        # Only its thread uses it; check_same_thread is off so that the catalog's close() may close it.
        self.raw = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        self.raw.execute("PRAGMA foreign_keys=ON")
        self.raw.execute("PRAGMA synchronous=NORMAL")

    def execute(self, sql: str, params: Sequence[object] = ()) -> Cursor:
        return self.raw.execute(sql, tuple(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        self.raw.executemany(sql, rows)

    def execute_ddl(self, statement: str) -> None:
        self.raw.execute(statement)

    def has_table(self, name: str) -> bool:
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
        return self.raw.execute(sql, (name,)).fetchone() is not None

    def columns(self, table: str) -> set[str]:
        return {row[1] for row in self.raw.execute(f"PRAGMA table_info({table})")}

    def lock(self, keys: Iterable[str]) -> None:
        """Nothing to do: a SQLite transaction already holds the database's one write lock."""

    @property
    def in_transaction(self) -> bool:
        return self.raw.in_transaction

    def begin(self) -> None:
        # IMMEDIATE takes the write lock now: one writer at a time, and no write fails half-way for it.
        self.execute("BEGIN IMMEDIATE")

    def close(self) -> None:
        self.raw.close()


class PostgresConnection(Connection):
    postgres = True
    no_limit = None

    def __init__(self, url: str) -> None:
        import psycopg  # only a PostgreSQL catalog needs the driver loaded

        self.raw = psycopg.connect(url, autocommit=True)

    def execute(self, sql: str, params: Sequence[object] = ()) -> Cursor:
        return self.raw.execute(postgres_sql(sql), postgres_params(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        with self.raw.cursor() as cursor:
            cursor.executemany(postgres_sql(sql), [postgres_params(row) for row in rows])

    def execute_ddl(self, statement: str) -> None:
        self.raw.execute(postgres_ddl(statement))

    def has_table(self, name: str) -> bool:
        # to_regclass looks the name up along the search path, as the catalog's statements do.
        return self.raw.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()[0]

    def columns(self, table: str) -> set[str]:
        # The table the search path finds, as has_table and the catalog's statements do.
        sql = (
            "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attnum > 0 "
            "AND NOT attisdropped"
        )
        return {row[0] for row in self.raw.execute(sql, (table,))}

    def lock(self, keys: Iterable[str]) -> None:
        """Advisory locks, held to the transaction's end; taken in one order, so two writers wanting the
        same keys queue rather than deadlock."""
        for key in sorted(set(keys)):
            self.raw.execute("SELECT pg_advisory_xact_lock(%s)", (lock_number(key),))

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.raw.info.transaction_status != TransactionStatus.IDLE

    @property
    def usable(self) -> bool:
        return not (self.raw.closed or self.raw.broken)

    @contextmanager
    def exclusively(self) -> Iterator[None]:
        """Taken before the transaction begins, not inside it: a transaction sees the tables another
        created only if it began after that one committed (PostgreSQL reads its catalog of tables once
        a transaction starts), and a migration must see what the one before it did."""
        self.raw.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        try:
            yield
        finally:
            self.raw.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))

    def begin(self) -> None:
        # Several writers may work at once: each transaction sees what others committed before each of
        # its statements (READ COMMITTED), and rows it changes are locked until it ends.
        self.execute("BEGIN")

    def close(self) -> None:
        self.raw.close()


def lock_number(key: str) -> int:
    """The signed 64-bit number PostgreSQL's advisory locks are named by, the same in every process."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)


def connect(url: str | None, sqlite_path: Path) -> Connection:
    """A connection to the PostgreSQL database at url, else to the SQLite file."""
    if is_postgres(url):
        return PostgresConnection(url or "")
    return SQLiteConnection(sqlite_path)


JSON_EXTRACT = re.compile(r"json_extract\(([\w.]+), '\$\.([\w.]+)'\)")


@lru_cache(maxsize=512)
def postgres_sql(sql: str) -> str:
    """A statement written for SQLite, as PostgreSQL takes it with parameters: %s for ? (a literal %
    doubled), and the functions rewritten (postgres_functions)."""
    return postgres_functions(sql.replace("%", "%%").replace("?", "%s"))


def postgres_params(params: Sequence[object]) -> tuple[object, ...]:
    """The values as PostgreSQL takes them, so that both databases answer alike."""
    return tuple(_postgres_value(value) for value in params)


def _postgres_value(value: object) -> object:
    # PostgreSQL's text cannot hold NUL (U+0000), which SQLite stores like any other character: a NUL is
    # written and compared as U+FFFD, the replacement character, so a filter or a name holding one (a
    # caller's typo, a fuzzer) finds what it finds on SQLite (nothing, mostly) instead of failing.
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", NUL_STAND_IN)
    # SQLite takes NaN as NULL, which no comparison holds for; PostgreSQL orders NaN above every number,
    # so "at most NaN" would hold for every value.
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def postgres_functions(sql: str) -> str:
    """json_extract as the json operator #>>, instr as strpos."""
    sql = JSON_EXTRACT.sub(lambda m: f"({m[1]}::json #>> '{{{m[2].replace('.', ',')}}}')", sql)
    return re.sub(r"\binstr\(", "strpos(", sql)


def postgres_ddl(script: str) -> str:
    """The schema written for SQLite, as PostgreSQL creates it: REAL is 8 bytes in SQLite, 4 in
    PostgreSQL; text compares by code point (collation C) as in SQLite, so every ORDER BY gives the same
    order on both, whatever the server's locale."""
    script = re.sub(r"\bREAL\b", "DOUBLE PRECISION", script)
    script = re.sub(r"\bTEXT\b", 'TEXT COLLATE "C"', script)
    return postgres_functions(script)


def transient_errors() -> tuple[type[BaseException], ...]:
    """The errors after which a transaction, rolled back, may simply be run again: PostgreSQL aborts one of
    two writers that wait for each other's rows (a deadlock). SQLite has one writer and none of them."""
    try:
        from psycopg import errors
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return ()
    return (errors.DeadlockDetected, errors.SerializationFailure)


def integrity_errors() -> tuple[type[BaseException], ...]:
    """The exceptions a broken constraint raises, on either database."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return (sqlite3.IntegrityError,)
    return (sqlite3.IntegrityError, psycopg.IntegrityError)
