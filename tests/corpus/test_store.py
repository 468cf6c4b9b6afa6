import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from checks import run_checks
from corpus.database import integrity_errors
from corpus.models import Block, Document, DocumentRef, Evidence, Fact, PageInfo, ProfileRow
from corpus.store import Catalog, document_id_for, fact_rows, sha256_of
from tests.backends import open_connections


def make_document(filename: str, data: bytes, version: int = 1) -> Document:
    return Document(
        id=document_id_for(filename), filename=filename, sha256=sha256_of(data), version=version,
        media_type="text/plain", size=len(data), pages=1, languages=["en"], ingested_at=datetime.now(UTC),
    )


def make_fact(document: Document, value: float, start: int, total: bool = False) -> Fact:
    return Fact(
        id=f"f{start}", document=DocumentRef(id=document.id, filename=document.filename),
        kind="emission_reduction", value=value, unit="tCO2e", is_total=total,
        evidence=Evidence(page=1, text="x", start=start, end=start + 1, block=0),
    )


def block(index: int, text: str) -> Block:
    return Block(page=1, text=text, index=index, start=index * 10, end=index * 10 + len(text), language="en")


def test_a_saved_document_comes_back_with_its_pages_blocks_and_facts(catalog):
    document = make_document("a.txt", b"abc")
    catalog.save_document(document, [PageInfo(number=1, chars=3)], [block(0, "abc")],
                          fact_rows([make_fact(document, 5, 0)]))
    assert catalog.get_document(document.id) == document
    assert catalog.find_document("a.txt") == document
    assert [b.text for b in catalog.blocks(document.id)] == ["abc"]
    assert [f.value for f in catalog.facts(document_id=document.id)] == [5]
    assert catalog.document_with_content(sha256_of(b"abc")) == document


def test_facts_on_pages_are_those_of_each_page_and_no_other(catalog):
    first, second = make_document("a.txt", b"abc"), make_document("b.txt", b"def")
    for document, pages in ((first, (1, 2, 2)), (second, (1,))):
        facts = [
            make_fact(document, value, start).model_copy(
                update={"evidence": Evidence(page=page, text="x", start=start, end=start + 1, block=start)}
            )
            for start, (value, page) in enumerate(zip((10, 20, 30), pages, strict=False))
        ]
        catalog.save_document(document, [PageInfo(number=1)], [block(0, "abc")], fact_rows(facts))

    found = catalog.facts_on_pages([(first.id, 2), (second.id, 1), (first.id, 2), (first.id, 9)])

    assert {key: [f.value for f in facts] for key, facts in found.items()} == {
        (first.id, 2): [20, 30], (second.id, 1): [10], (first.id, 9): [],
    }
    assert found[first.id, 2] == [f for f in catalog.facts(document_id=first.id) if f.evidence.page == 2]


def test_saving_a_new_version_replaces_the_old_facts_and_blocks(catalog):
    first = make_document("a.txt", b"one")
    catalog.save_document(first, [], [block(0, "one"), block(1, "two")], fact_rows([make_fact(first, 1, 0)]))
    second = make_document("a.txt", b"two", version=2)
    facts = fact_rows([make_fact(second, 2, 0), make_fact(second, 3, 9)])
    catalog.save_document(second, [], [block(0, "new")], facts)
    assert [b.text for b in catalog.blocks(second.id)] == ["new"]
    assert sorted(f.value for f in catalog.facts()) == [2, 3]
    assert catalog.count_documents() == 1


def test_a_failing_write_leaves_the_previous_state_untouched(catalog):
    document = make_document("a.txt", b"one")
    catalog.save_document(document, [], [block(0, "one")], fact_rows([make_fact(document, 1, 0)]))
    duplicate_blocks = [block(0, "x"), block(0, "y")]  # violates the primary key mid-transaction
    with pytest.raises(integrity_errors()):
        catalog.save_document(make_document("a.txt", b"two", 2), [], duplicate_blocks, [])
    assert catalog.get_document(document.id) == document
    assert [b.text for b in catalog.blocks(document.id)] == ["one"]


def test_files_are_stored_once_by_content(catalog):
    digest = catalog.files.put(b"same bytes")
    assert catalog.files.put(b"same bytes") == digest
    assert catalog.files.get(digest) == b"same bytes"
    assert len(list((catalog.data_dir / "files").rglob("*"))) == 2  # one folder, one file


def test_review_survives_recomputing_warnings(catalog):
    document = make_document("a.txt", b"abc")
    facts = [make_fact(document, 1, 1), make_fact(document, 2, 2), make_fact(document, 9, 3, total=True)]
    catalog.save_document(document, [], [], fact_rows(facts))
    catalog.replace_warnings(run_checks(catalog.facts()))
    [warning] = catalog.warnings()
    catalog.review_warning(warning.id, "acknowledged", "known typo, corrected in v2")
    catalog.replace_warnings(run_checks(catalog.facts()))
    [again] = catalog.warnings(document_id=document.id)
    assert (again.status, again.note) == ("acknowledged", "known typo, corrected in v2")
    assert catalog.review_warning("nope", "dismissed", None) is None


def test_deleting_a_document_removes_everything_it_owned(catalog):
    document = make_document("a.txt", b"abc")
    facts = fact_rows([make_fact(document, 1, 0)])
    catalog.save_document(document, [PageInfo(number=1)], [block(0, "abc")], facts)
    catalog.delete_document(document.id)
    assert catalog.get_document(document.id) is None
    assert catalog.blocks(document.id) == [] and catalog.facts() == [] and catalog.pages(document.id) == []


def test_block_texts_come_in_order_and_can_stop_at_the_opening(catalog):
    document = make_document("long.txt", b"long")
    texts = [f"paragraph {i}" for i in range(300)]
    catalog.save_document(document, [PageInfo(number=1, chars=1)],
                          [block(i, text) for i, text in enumerate(texts)], [])
    assert list(catalog.block_texts(document.id)) == texts
    opening = catalog.block_texts(document.id)
    assert [next(opening) for _ in range(3)] == texts[:3]
    opening.close()  # stopping early releases the connection; the catalog stays usable
    assert catalog.blocks(document.id)[-1].text == texts[-1]


def test_threads_write_at_once_and_each_reads_what_the_others_committed(catalog):
    first = make_document("first.txt", b"first")
    catalog.save_document(first, [PageInfo(number=1)], [block(i, f"p{i}") for i in range(100)], [])
    opening = catalog.block_texts(first.id)
    assert next(opening) == "p0"  # a reader left part-way holds no snapshot once it is closed
    opening.close()

    def save(n: int) -> None:
        document = make_document(f"thread-{n}.txt", f"{n}".encode())
        catalog.save_document(document, [PageInfo(number=1)], [block(0, "x")], [])

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(save, range(20)))

    assert catalog.count_documents() == 21
    catalog.close()  # closing ends every thread's connection; the next call opens a new one
    assert catalog.find_document("thread-19.txt") is not None


def test_a_documents_own_warnings_are_stored_with_it_and_go_with_its_next_version(catalog):
    document = make_document("a.txt", b"abc")
    facts = [make_fact(document, 1, 1), make_fact(document, 2, 2), make_fact(document, 9, 3, total=True)]
    own = run_checks(facts)
    assert own, "the parts (1 + 2) do not make the total (9)"
    catalog.save_document(document, [], [], fact_rows(facts), ProfileRow("Mongolia", "{}"), own)
    assert [w.id for w in catalog.warnings(document.id)] == [w.id for w in own]
    assert catalog.documents_with_warnings() == {document.id}
    catalog.clear_pending([document.id])

    fixed = [make_fact(document, 1, 1), make_fact(document, 2, 2), make_fact(document, 3, 3, total=True)]
    second = make_document("a.txt", b"abd", version=2)
    catalog.save_document(second, [], [], fact_rows(fixed), ProfileRow("Mongolia", "{}"), [])
    assert catalog.warnings() == [] and catalog.documents_with_warnings() == set()
    assert catalog.pending_refresh() == {document.id}


def test_deleting_a_document_removes_its_warnings_and_marks_the_others_it_shared_one_with(catalog):
    first, second = make_document("a.txt", b"abc"), make_document("b.txt", b"abd")
    catalog.save_document(first, [], [], fact_rows([make_fact(first, 1, 0)]))
    catalog.save_document(second, [], [], fact_rows([make_fact(second, 2, 0)]))
    parts = [make_fact(first, 1, 1), make_fact(first, 2, 2), make_fact(first, 9, 3, total=True)]
    shared = run_checks(parts)[0]
    across = shared.model_copy(update={"documents": [DocumentRef(id=d.id, filename=d.filename)
                                                     for d in (first, second)]})
    catalog.replace_warnings([across])
    catalog.clear_pending([first.id, second.id])
    catalog.delete_document(first.id)
    assert catalog.warnings() == [] and catalog.documents_with_warnings() == set()
    assert catalog.pending_refresh() == {first.id, second.id}


def test_a_lost_postgresql_connection_is_replaced(catalog):
    if catalog.database_url is None:
        pytest.skip("a SQLite catalog is a file: no connection to lose")
    import psycopg

    catalog.save_document(make_document("a.txt", b"abc"), [], [block(0, "abc")], [])
    with catalog._connect() as db:
        pid = db.raw.info.backend_pid
    with psycopg.connect(catalog.database_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(psycopg.OperationalError):
        catalog.count_documents()  # the read that finds the connection lost fails
    assert catalog.count_documents() == 1


def test_connections_of_threads_that_ended_are_closed(catalog: Catalog):
    """The service reads in a pool of threads that come and go: a connection stays open only for a thread
    that is alive, or a long-running service would use up the server's connections. Counted on the
    server: SQLite keeps the file of a closed connection open while another connection to it is, so
    descriptors would not tell."""
    if not catalog.database_url:
        pytest.skip("a SQLite catalog is a file: its connections are not counted anywhere")
    ready = threading.Barrier(12)

    def read() -> None:
        catalog.list_documents()
        ready.wait(timeout=30)  # all at once: each thread its own connection

    threads = [threading.Thread(target=read) for _ in range(ready.parties)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert open_connections(catalog) >= ready.parties, "the threads did not each open a connection"
    catalog.list_documents()  # from this thread, the only one still alive
    assert open_connections(catalog) == 1  # this thread's
