"""The Elasticsearch side of the public passages' index, checked without a cluster against the scripted
server (tests/indices/scripted_es.py): which index each request goes to, and an older deployment's
public index reported as empty until `jcm reindex`."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from indices.elasticsearch import SCHEMA_META, SCHEMA_VERSION, first_name
from indices.visibility import PUBLIC_SUFFIX, PublicSplitIndex, open_elasticsearch
from tests.indices.scripted_es import ScriptedCluster, scripted_elasticsearch


@pytest.fixture
def cluster() -> Iterator[tuple[str, ScriptedCluster]]:
    with scripted_elasticsearch() as running:
        yield running


def test_a_public_callers_search_goes_to_the_public_index(cluster):
    url, scripted = cluster
    index = open_elasticsearch(url, "jcm-passages")
    index.search("heat", filters={"public_only": True})
    index.search("heat", filters={"public_only": False})
    index.search("heat")
    searched = [request.path for request in scripted.sent("POST", r"/[^/]+/_search")]
    assert searched == ["/jcm-passages-public/_search", "/jcm-passages/_search", "/jcm-passages/_search"]


def test_holds_document_counts_the_documents_passages(cluster):
    url, scripted = cluster
    index = open_elasticsearch(url, "jcm-passages")
    assert isinstance(index, PublicSplitIndex)
    scripted.script("POST", "/jcm-passages-public/_count", (200, {"count": 3}))
    assert index.public.holds_document("doc-1")
    [counted] = scripted.sent("POST", "/jcm-passages-public/_count")
    assert counted.body == [{"query": {"term": {"doc_id": "doc-1"}}}]


def test_a_public_index_created_beside_a_full_one_is_reported(cluster, caplog):
    url, scripted = cluster
    full = first_name("jcm-passages")  # an older deployment: passages, no public index
    scripted.indices[full] = {"_meta": {SCHEMA_META: SCHEMA_VERSION}}
    scripted.aliases["jcm-passages"] = {full}
    scripted.script("POST", "/jcm-passages/_count", (200, {"count": 12}))
    with caplog.at_level(logging.WARNING, logger="indices.visibility"):
        open_elasticsearch(url, "jcm-passages")
    assert f"jcm-passages{PUBLIC_SUFFIX}" in caplog.text and "jcm reindex" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="indices.visibility"):
        open_elasticsearch(url, "jcm-passages")  # both exist now: nothing to say
    assert not caplog.text


def test_a_public_callers_glossary_weights_count_public_passages_only(cluster):
    """The blended weights of boiler, ボイラ, หม้อไอน้ำ come from document frequencies: a public caller's
    from the public index, so a confidential document never moves them."""
    url, scripted = cluster
    index = open_elasticsearch(url, "jcm-passages")
    index.search("boiler", filters={"public_only": True})
    index.search("boiler")
    counted = [request.body for request in scripted.sent("POST", "/_msearch")]
    assert [{header["index"] for header in searches[::2]} for searches in counted] == [
        {"jcm-passages-public"}, {"jcm-passages"}
    ]
    bodies = counted[0][1::2]
    assert {"term": {"words": "boiler"}} in [body["query"] for body in bodies]
    assert bodies[-1]["query"] == {"match_all": {}}  # the passages counted, for the idf
