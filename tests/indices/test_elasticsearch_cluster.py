"""The Elasticsearch backend's index lifecycle against a real cluster (JCM_TEST_ES_URL; skipped
otherwise): the versioned index behind its alias, rebuilt beside the one searched and swapped in, an
index of another schema version or of a release before aliases replaced by a rebuild, two processes
creating the index at once, writes sent in bounded chunks, and deletion after close.

How the tests reach the cluster: tests/indices/real_es.py."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterator

import pytest

from corpus.models import DocumentRef, Passage
from tests.indices.real_es import cluster_options, needs_cluster, raw_client

pytestmark = needs_cluster


@pytest.fixture
def name() -> Iterator[str]:
    """An alias of this test's own; every index behind it is deleted afterwards."""
    alias = f"jcm-test-{uuid.uuid4().hex}"
    yield alias
    with raw_client() as client:
        leftovers = concrete_indices(client, alias)
        if leftovers:
            client.indices.delete(index=leftovers, ignore_unavailable=True)
        if client.indices.exists(index=alias) and not client.indices.exists_alias(name=alias):
            client.indices.delete(index=alias)


def concrete_indices(client, alias: str) -> list[str]:
    found = client.indices.get(index=f"{alias}-v*", allow_no_indices=True, ignore_unavailable=True)
    return sorted(found.body)


def aliased(client, alias: str) -> list[str]:
    from elasticsearch import NotFoundError

    try:
        return sorted(client.indices.get_alias(name=alias).body)
    except NotFoundError:
        return []


def passages(texts: list[str], prefix: str = "doc") -> list[Passage]:
    return [
        Passage(document=DocumentRef(id=f"{prefix}-{n}", filename=f"{prefix}-{n}.pdf"), block=0, page=1,
                text=text, language="en", doc_type="pdd", countries=["MN"], year=2020)
        for n, text in enumerate(texts)
    ]


def opened(alias: str, **overrides: object):
    from indices.elasticsearch import ElasticsearchIndex

    return ElasticsearchIndex(cluster_options(**overrides), index_name=alias)


def texts_found(index, query: str) -> list[str]:
    return [hit.text for hit in index.search(query, expand=False).hits]


# ---------------------------------------------------------------- the alias


def test_the_index_is_a_versioned_index_behind_the_alias(name: str):
    from indices.elasticsearch import SCHEMA_VERSION

    index = opened(name)
    assert index.created and not index.outdated
    with raw_client() as client:
        [concrete] = aliased(client, name)
    assert concrete.startswith(f"{name}-v{SCHEMA_VERSION}-")
    index.close()


def test_a_rebuild_fills_a_new_index_while_searches_read_the_old_then_swaps_the_alias(name: str):
    index = opened(name)
    index.add_passages(passages(["The old boiler of the kiln."]))
    index.commit()
    with raw_client() as client:
        [before] = aliased(client, name)
    index.begin_rebuild()
    index.add_passages(passages(["The new heat pump of the kiln."]))
    reader = opened(name)  # another process searching meanwhile
    assert texts_found(reader, "kiln") == ["The old boiler of the kiln."]
    index.commit()
    assert texts_found(reader, "kiln") == ["The new heat pump of the kiln."]
    with raw_client() as client:
        [after] = aliased(client, name)
        assert after != before and not client.indices.exists(index=before)
        assert concrete_indices(client, name) == [after]
    reader.close()
    index.close()


def test_clear_empties_the_index_at_once(name: str):
    index = opened(name)
    index.add_passages(passages(["The old boiler of the kiln."]))
    index.commit()
    index.clear()
    assert index.count() == 0 and index.search("kiln").total == 0
    with raw_client() as client:
        assert len(concrete_indices(client, name)) == 1
    index.close()


def test_a_rebuild_closed_before_its_commit_leaves_the_index_as_it_was(name: str):
    index = opened(name)
    index.add_passages(passages(["The old boiler of the kiln."]))
    index.commit()
    index.begin_rebuild()
    index.add_passages(passages(["Half a rebuild."]))
    index.close()
    again = opened(name)
    assert texts_found(again, "kiln") == ["The old boiler of the kiln."]
    with raw_client() as client:
        assert len(concrete_indices(client, name)) == 1
    again.close()


def test_two_processes_creating_the_index_at_once_make_one(name: str):
    start = threading.Barrier(2)
    made: list[object] = []
    failed: list[BaseException] = []

    def create() -> None:
        start.wait()
        try:
            made.append(opened(name))
        except BaseException as error:  # reported below, in the test's thread
            failed.append(error)

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failed
    assert sorted(index.created for index in made) == [False, True]  # type: ignore[attr-defined]
    with raw_client() as client:
        assert len(aliased(client, name)) == 1 and len(concrete_indices(client, name)) == 1
    for index in made:
        index.close()  # type: ignore[attr-defined]


# ---------------------------------------------------------------- older indices


def test_an_index_of_another_schema_version_is_used_until_a_rebuild_replaces_it(
    name: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    from indices import elasticsearch

    current = elasticsearch.SCHEMA_VERSION
    monkeypatch.setattr(elasticsearch, "SCHEMA_VERSION", current - 1)
    older = opened(name)
    older.add_passages(passages(["The old boiler of the kiln."]))
    older.close()
    monkeypatch.setattr(elasticsearch, "SCHEMA_VERSION", current)
    with caplog.at_level(logging.WARNING, logger="indices.elasticsearch"):
        index = opened(name)
    assert index.outdated and f"schema version {current - 1}" in caplog.text and "jcm reindex" in caplog.text
    assert texts_found(index, "kiln") == ["The old boiler of the kiln."]
    index.begin_rebuild()
    index.add_passages(passages(["The rebuilt kiln."]))
    index.commit()
    assert not index.outdated and texts_found(index, "kiln") == ["The rebuilt kiln."]
    with raw_client() as client:
        [concrete] = aliased(client, name)
        assert f"-v{current}-" in concrete and concrete_indices(client, name) == [concrete]
    index.close()


def test_the_plain_index_of_a_release_before_aliases_is_replaced_by_a_rebuild(
    name: str, caplog: pytest.LogCaptureFixture
):
    from indices.elasticsearch import _NATIVE_FIELDS, index_body

    body = index_body({"thai": _NATIVE_FIELDS["thai"]})
    del body["mappings"]["_meta"]  # as the previous release made it
    with raw_client() as client:
        client.indices.create(index=name, **body)
    with caplog.at_level(logging.WARNING, logger="indices.elasticsearch"):
        index = opened(name)
    assert index.legacy and index.outdated and "before versioned indices" in caplog.text
    index.add_passages(passages(["Written into the plain index, kiln."]))
    index.commit()
    assert texts_found(index, "kiln") == ["Written into the plain index, kiln."]
    index.begin_rebuild()
    index.add_passages(passages(["Rebuilt behind the alias, kiln."]))
    index.commit()
    assert texts_found(index, "kiln") == ["Rebuilt behind the alias, kiln."]
    with raw_client() as client:
        assert client.indices.exists_alias(name=name) and len(aliased(client, name)) == 1
    index.close()


# ---------------------------------------------------------------- writing and reading


def test_a_large_write_is_sent_in_bounded_chunks_before_the_commit(name: str):
    index = opened(name, bulk_chunk=50)
    for n in range(240):
        index.add_passages(passages([f"Boiler number {n} of the plant."], prefix=f"d{n}"))
    with raw_client() as client:
        client.indices.refresh(index=name)
        sent_before_commit = client.count(index=name)["count"]
    assert sent_before_commit == 200  # four full chunks; forty passages still buffered
    index.commit()
    assert index.count() == 240
    index.delete_document("d0-0")
    index.delete_document("d1-0")
    index.commit()
    assert index.count() == 238
    index.close()


def test_hits_read_from_filtered_sources_carry_everything_shown(name: str):
    index = opened(name)
    made = passages(["The heat pump of the school in Darkhan.", "A boiler elsewhere."])
    index.add_passages(made)
    index.commit()
    results = index.search("heat pump Darkhan", expand=False)
    hit = results.hits[0]
    assert (hit.document, hit.page, hit.block, hit.language) == (made[0].document, 1, 0, "en")
    assert hit.text == made[0].text and "<mark>Darkhan</mark>" in hit.snippet
    assert results.facets["country"] == {"MN": 1} and results.facets["year"] == {"2020": 1}
    index.close()


def test_an_index_closed_can_still_be_dropped(name: str):
    index = opened(name)
    index.add_passages(passages(["Kiln."]))
    index.close()
    index.drop()
    with raw_client() as client:
        assert concrete_indices(client, name) == [] and aliased(client, name) == []
