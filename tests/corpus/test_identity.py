"""A document is known by its file name and its confidentiality: a confidential version of a file and its
public version stand side by side, no write turns one into the other, and an older catalog (file names
unique on their own) is migrated with its ids."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from corpus.models import Document, PageInfo
from corpus.store import Catalog, IdentityConflict, document_id_for, sha256_of
from tests.corpus.test_store import block

NAME = "en_hospital_heatpump_pdd.txt"


def document(catalog: Catalog, name: str, data: bytes, *, confidential: bool, version: int = 1) -> Document:
    return Document(
        id=catalog.identify(name, confidential), filename=name, sha256=sha256_of(data), version=version,
        media_type="text/plain", size=len(data), pages=1, confidential=confidential,
        ingested_at=datetime.now(UTC),
    )


def save(catalog: Catalog, stored: Document) -> None:
    catalog.save_document(stored, [PageInfo(number=1)], [block(0, stored.sha256[:8])], [])


def test_a_public_and_a_confidential_document_of_one_name_stand_side_by_side(catalog: Catalog):
    public = document(catalog, NAME, b"public", confidential=False)
    secret = document(catalog, NAME, b"secret", confidential=True)
    assert public.id == document_id_for(NAME)  # a public document's id is its name's, as it always was
    assert secret.id != public.id
    save(catalog, public)
    save(catalog, secret)
    listed = catalog.list_documents(include_confidential=True)
    assert [(d.id, d.confidential) for d in listed] == sorted(
        [(public.id, False), (secret.id, True)], key=lambda pair: pair[0]
    )
    assert catalog.get_document(public.id) == public
    assert catalog.get_document(secret.id, include_confidential=True) == secret


def test_a_name_stands_for_the_public_document_unless_confidential_is_asked(catalog: Catalog):
    public = document(catalog, NAME, b"public", confidential=False)
    secret = document(catalog, NAME, b"secret", confidential=True)
    only_secret = document(catalog, "annex.txt", b"annex", confidential=True)
    for stored in (secret, public, only_secret):  # the confidential one first: the order does not matter
        save(catalog, stored)
    assert catalog.find_document(NAME) == public
    assert catalog.find_document(NAME, include_confidential=True) == public
    assert catalog.find_document(NAME, include_confidential=True, confidential=True) == secret
    assert catalog.find_document(NAME, confidential=True) is None  # a public viewer never gets it
    assert catalog.find_document(secret.id, include_confidential=True) == secret
    assert catalog.find_document(secret.id) is None
    assert catalog.find_document("annex.txt", include_confidential=True) == only_secret
    assert catalog.find_document("annex.txt") is None


def test_no_write_changes_a_stored_documents_confidentiality(catalog: Catalog):
    public = document(catalog, NAME, b"public", confidential=False)
    save(catalog, public)
    turned = public.model_copy(update={"confidential": True, "sha256": sha256_of(b"x")})
    with pytest.raises(IdentityConflict, match="confidentiality never change"):
        save(catalog, turned)
    renamed = public.model_copy(update={"id": "another-id"})  # the same name under another id
    with pytest.raises(IdentityConflict):
        save(catalog, renamed)
    assert catalog.list_documents(include_confidential=True) == [public]
    assert catalog.pending_refresh() == {public.id}


def test_concurrent_writers_of_one_name_never_mix_its_two_documents(open_catalog, tmp_path: Path):
    """Writers in threads with a catalog each (as processes have) store versions of the public and of
    the confidential document of one name, interleaved: each keeps its confidentiality and its id."""
    data = tmp_path / "data"
    open_catalog(data)
    errors: list[BaseException] = []

    def writer(confidential: bool) -> None:
        mine = open_catalog(data)
        try:
            for version in range(1, 16):
                content = f"{confidential} {version}".encode()
                save(mine, document(mine, NAME, content, confidential=confidential, version=version))
        except BaseException as error:  # noqa: BLE001 - reported by the test thread
            errors.append(error)
        finally:
            mine.close()

    threads = [threading.Thread(target=writer, args=(flag,)) for flag in (False, True, False, True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    stored = {d.confidential: d for d in open_catalog(data).list_documents(include_confidential=True)}
    assert set(stored) == {False, True}
    assert stored[False].id == document_id_for(NAME) and stored[True].id == document_id_for(NAME, True)
    assert stored[False].sha256 == sha256_of(b"False 15") and stored[True].sha256 == sha256_of(b"True 15")


# ---------------------------------------------------------------- an older catalog

FIRST_RELEASE = """
CREATE TABLE documents (id TEXT PRIMARY KEY, filename TEXT NOT NULL UNIQUE, sha256 TEXT NOT NULL,
                        data TEXT NOT NULL);
CREATE INDEX documents_sha ON documents(sha256);
CREATE TABLE versions (document_id TEXT NOT NULL, version INTEGER NOT NULL, sha256 TEXT NOT NULL,
                       ingested_at TEXT NOT NULL, PRIMARY KEY (document_id, version));
CREATE TABLE pending_refresh (document_id TEXT PRIMARY KEY);
CREATE TABLE reviews (warning_id TEXT PRIMARY KEY, status TEXT NOT NULL, note TEXT, updated_at TEXT NOT NULL);
"""


def older_catalog(data: Path, *, with_confidential_column: bool) -> tuple[Document, Document]:
    """A catalog of a release whose file names were unique: a public document and one more (confidential
    once releases knew confidentiality), both with the id of their name alone, and a review."""
    data.mkdir(parents=True)
    public = Document(id=document_id_for("a.txt"), filename="a.txt", sha256=sha256_of(b"a"),
                      media_type="text/plain", size=1)
    secret = Document(id=document_id_for(NAME), filename=NAME, sha256=sha256_of(b"s"),
                      media_type="text/plain", size=1, confidential=with_confidential_column)
    with sqlite3.connect(data / "catalog.sqlite3") as db:
        db.executescript(FIRST_RELEASE)
        if with_confidential_column:
            db.execute("ALTER TABLE documents ADD COLUMN confidential INTEGER NOT NULL DEFAULT 0")
        for stored in (public, secret):
            columns = "id, filename, sha256, data" + (", confidential" if with_confidential_column else "")
            values = [stored.id, stored.filename, stored.sha256, stored.model_dump_json()]
            values += [int(stored.confidential)] if with_confidential_column else []
            db.execute(f"INSERT INTO documents ({columns}) VALUES ({', '.join('?' * len(values))})", values)
            db.execute("INSERT INTO versions VALUES (?, 1, ?, '2024-01-01')", (stored.id, stored.sha256))
        db.execute("INSERT INTO pending_refresh VALUES (?)", (public.id,))
        db.execute("INSERT INTO reviews VALUES ('w-1', 'acknowledged', 'checked', '2024-01-01')")
    return public, secret


@pytest.mark.parametrize("with_confidential_column", [True, False])
def test_an_older_catalog_keeps_its_documents_and_ids(tmp_path: Path, with_confidential_column: bool):
    public, secret = older_catalog(tmp_path / "data", with_confidential_column=with_confidential_column)
    catalog = Catalog(tmp_path / "data")
    assert catalog.list_documents(include_confidential=True) == [public, secret]
    assert catalog.integrity_problems() == []
    assert catalog.pending_refresh(public=True) == {public.id}  # an older mark: the public view too
    with sqlite3.connect(tmp_path / "data" / "catalog.sqlite3") as db:
        assert db.execute("SELECT status, note FROM reviews").fetchall() == [("acknowledged", "checked")]
        ddl = db.execute("SELECT sql FROM sqlite_master WHERE name = 'documents'").fetchone()[0]
    assert "UNIQUE (filename, confidential)" in ddl
    Catalog(tmp_path / "data")  # opening it again finds nothing left to migrate


def test_a_name_an_older_confidential_document_holds_gets_a_public_document_beside_it(tmp_path: Path):
    """The older confidential document keeps the id of its name alone (its warnings and decisions are
    kept by it): a new version of it has that id, and a public document of its name gets another."""
    _, secret = older_catalog(tmp_path / "data", with_confidential_column=True)
    catalog = Catalog(tmp_path / "data")
    assert catalog.identify(NAME, True) == secret.id
    public = document(catalog, NAME, b"public", confidential=False)
    assert public.id not in (secret.id, document_id_for(NAME, True))
    assert catalog.identify(NAME, False) == public.id  # the same in every process, before it is stored
    save(catalog, public)
    save(catalog, document(catalog, NAME, b"s2", confidential=True, version=2))
    listed = catalog.list_documents(include_confidential=True)
    stored = {d.confidential: d for d in listed if d.filename == NAME}
    assert (stored[True].id, stored[True].version, stored[False].id) == (secret.id, 2, public.id)
    assert catalog.identify(NAME, False) == public.id
