"""What only the embedded backend does: files on disk and a writer lock shared between processes.
The behaviour every backend shares is in test_conformance.py."""

from pathlib import Path

import pytest

from indices import EmbeddedIndex, IndexLockedError, IndexSchemaError
from indices.embedded import MARKER_FILE
from tests.indices.test_conformance import BIOMASS, CEMENT, TEXTILE, documents, found, passages_of


@pytest.fixture
def fresh(tmp_path: Path):
    created = EmbeddedIndex(tmp_path / "index", lock_timeout=0.3)
    yield created
    created.close()


def test_reopen_from_disk_after_close(tmp_path: Path):
    first = EmbeddedIndex(tmp_path / "index")
    first.add_passages(passages_of(TEXTILE))
    first.close()
    reopened = EmbeddedIndex(tmp_path / "index")
    assert reopened.count() == 3
    assert found(reopened, "ทอผ้า") == [("th-textile", 0)]
    reopened.close()


def test_an_index_built_by_another_version_asks_for_a_rebuild(tmp_path: Path):
    EmbeddedIndex(tmp_path / "index").close()
    (tmp_path / "index" / MARKER_FILE).write_text('{"schema_version": 0}')
    with pytest.raises(IndexSchemaError, match="rebuild"):
        EmbeddedIndex(tmp_path / "index")


def test_a_second_writer_waits_for_the_lock_then_fails_clearly(fresh: EmbeddedIndex):
    other = EmbeddedIndex(fresh.path, lock_timeout=0.3)
    fresh.add_passages(passages_of(BIOMASS))  # holds the writer until commit
    with pytest.raises(IndexLockedError, match="being written"):
        other.add_passages(passages_of(CEMENT))
    fresh.commit()  # releases the lock
    other.add_passages(passages_of(CEMENT))
    other.commit()
    assert documents(fresh, "heat") == {"en-cement"}  # a reader sees the other writer's commit
    other.close()


def test_a_reader_sees_each_of_quick_commits_of_another_writer(fresh: EmbeddedIndex):
    writer = EmbeddedIndex(fresh.path)
    assert documents(fresh, "heat") == set()
    indexed = 0
    for document in (BIOMASS, CEMENT, TEXTILE):
        writer.add_passages(passages_of(document))
        writer.commit()
        indexed += len(passages_of(document))
        assert fresh.count() == indexed
        assert documents(fresh, "ทอผ้า heat rice husk") == documents(writer, "ทอผ้า heat rice husk")
    writer.delete_document("en-cement")
    writer.commit()
    assert "en-cement" not in documents(fresh, "heat")
    writer.close()


def test_large_result_sets_walk_a_window_and_aggregate_the_facets(fresh: EmbeddedIndex):
    passages = [
        passage.model_copy(update={"block": block, "page": block + 1})
        for block, passage in enumerate(passages_of(CEMENT)[0:1] * 300)
    ]
    varied = [
        passage.model_copy(update={"text": f"{passage.text} Unit {block}."})
        for block, passage in enumerate(passages)
    ]
    fresh.add_passages(varied)
    fresh.commit()
    results = fresh.search("kiln", limit=5)
    assert len(results.hits) == 5
    assert results.total == 300
    assert results.facets["language"] == {"en": 300}
    assert results.facets["year"] == {"2021": 300}
    assert results.facets["country"] == {"PH": 300}
    last = fresh.search("kiln", limit=5, offset=295)
    assert len(last.hits) == 5


def test_page_snippets_from_stored_tokens_mark_words_of_every_block(fresh: EmbeddedIndex):
    fresh.add_passages(passages_of(TEXTILE))
    fresh.commit()
    hit = fresh.search("โรงงานทอผ้า ก๊าซเรือนกระจก").hits[0]
    assert hit.block == -1
    assert "<mark>ก๊าซเรือนกระจก</mark>" in hit.snippet


def test_snippets_from_stored_tokens_mark_words_around_a_letter_that_lowers_to_two(fresh: EmbeddedIndex):
    # "İ" lowers to two characters: offsets into the lowered text drift by one after it.
    passage = passages_of(CEMENT)[0]
    fresh.add_passages([passage.model_copy(update={"text": "Kiln line İ: waste heat recovery at the kiln."})])
    fresh.commit()
    assert fresh.search("kiln").hits[0].snippet.count("<mark>") == 2
    assert "<mark>İ</mark>" in fresh.search("İ").hits[0].snippet
