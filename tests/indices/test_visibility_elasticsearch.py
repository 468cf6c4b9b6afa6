"""The Elasticsearch side of the public passages' index, checked without a server: which index each
request goes to, and an older deployment's public index reported as empty until `jcm reindex`."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest

from indices import elasticsearch
from indices.visibility import PUBLIC_SUFFIX, PublicSplitIndex, open_elasticsearch


class FakeClient:
    """Records what is asked; knows which indices exist and how many passages each holds."""

    def __init__(self, existing: dict[str, int]) -> None:
        self.existing = existing
        self.calls: list[tuple[str, dict]] = []
        self.indices = SimpleNamespace(
            exists=lambda index: index in self.existing,
            put_mapping=lambda **kwargs: None,
            create=self._create,
        )

    def _create(self, index: str, **body: object) -> None:
        self.existing[index] = 0

    def count(self, index: str, query: dict) -> dict:
        self.calls.append(("count", {"index": index, "query": query}))
        return {"count": self.existing[index]}

    def search(self, index: str, **request: object) -> dict:
        self.calls.append(("search", {"index": index, **request}))
        return {"hits": {"hits": [], "total": {"value": 0}}}

    def msearch(self, searches: list[dict]) -> dict:
        self.calls.append(("msearch", {"searches": searches}))
        return {"responses": [{"hits": {"hits": [], "total": {"value": 0}}} for _ in searches[::2]]}

    def close(self) -> None:
        pass


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> FakeClient:
    """The one fake cluster every ElasticsearchIndex opened talks to."""
    fake = FakeClient({})
    original = elasticsearch.ElasticsearchIndex.__init__

    def with_fake(self, url=None, *, index_name=elasticsearch.DEFAULT_INDEX, **options):
        original(self, url, index_name=index_name, client=fake)

    monkeypatch.setattr(elasticsearch.ElasticsearchIndex, "__init__", with_fake)
    return fake


def test_a_public_callers_search_goes_to_the_public_index(client: FakeClient):
    index = open_elasticsearch("http://es:9200", "jcm-passages")
    index.search("heat", filters={"public_only": True})
    index.search("heat", filters={"public_only": False})
    index.search("heat")
    searched = [call["index"] for kind, call in client.calls if kind == "search"]
    assert searched == ["jcm-passages-public", "jcm-passages", "jcm-passages"]


def test_holds_document_counts_the_documents_passages(client: FakeClient):
    index = open_elasticsearch("http://es:9200", "jcm-passages")
    assert isinstance(index, PublicSplitIndex)
    client.existing["jcm-passages-public"] = 3
    assert index.public.holds_document("doc-1")
    request = {"index": "jcm-passages-public", "query": {"term": {"doc_id": "doc-1"}}}
    assert client.calls[-1] == ("count", request)


def test_a_public_index_created_beside_a_full_one_is_reported(client: FakeClient, caplog):
    client.existing["jcm-passages"] = 12  # an older deployment: passages, no public index
    with caplog.at_level(logging.WARNING, logger="indices.visibility"):
        open_elasticsearch("http://es:9200", "jcm-passages")
    assert f"jcm-passages{PUBLIC_SUFFIX}" in caplog.text and "jcm reindex" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="indices.visibility"):
        open_elasticsearch("http://es:9200", "jcm-passages")  # both exist now: nothing to say
    assert not caplog.text


def test_a_public_callers_glossary_weights_count_public_passages_only(client: FakeClient):
    """The blended weights of boiler, ボイラ, หม้อไอน้ำ come from document frequencies: a public caller's
    from the public index, so a confidential document never moves them."""
    index = open_elasticsearch("http://es:9200", "jcm-passages")
    index.search("boiler", filters={"public_only": True})
    index.search("boiler")
    counted = [call["searches"] for kind, call in client.calls if kind == "msearch"]
    assert [{header["index"] for header in searches[::2]} for searches in counted] == [
        {"jcm-passages-public"}, {"jcm-passages"}
    ]
    bodies = counted[0][1::2]
    assert {"term": {"words": "boiler"}} in [body["query"] for body in bodies]
    assert bodies[-1]["query"] == {"match_all": {}}  # the passages counted, for the idf
