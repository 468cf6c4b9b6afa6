"""What the Elasticsearch backend does when the cluster fails or refuses it, against the scripted server
(tests/indices/scripted_es.py): the real client library over real HTTP, with answers a real cluster
cannot be made to give on demand. Every failure is a SearchBackendError whose message says what
repairs it and holds no credential."""

from __future__ import annotations

import pytest

from corpus.models import DocumentRef, Passage
from indices.base import SearchBackendError
from indices.elasticsearch import ElasticsearchIndex
from indices.es_options import ElasticsearchOptions
from tests.indices.scripted_es import (
    ScriptedCluster,
    bulk_ok,
    media_type_error,
    scripted_elasticsearch,
    server_error,
)

PASSWORD = "s3cret-pass"
API_KEY = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="


def passages(count: int, first: int = 0) -> list[Passage]:
    return [
        Passage(document=DocumentRef(id=f"doc-{n}", filename=f"doc-{n}.txt"), block=0, page=1,
                text=f"Heat pump number {n}.", language="en")
        for n in range(first, first + count)
    ]


def opened(url: str, **options: object) -> ElasticsearchIndex:
    settings = {"max_retries": 0, **options}
    return ElasticsearchIndex(ElasticsearchOptions(url=url, **settings), index_name="t",  # type: ignore[arg-type]
                              retry_backoff=0.01)


def with_password(url: str) -> str:
    return url.replace("http://", f"http://elastic:{PASSWORD}@")


# ---------------------------------------------------------------- writing under load


def test_passages_a_busy_cluster_refused_are_sent_again_after_a_pause():
    with scripted_elasticsearch() as (url, cluster):
        cluster.script("PUT", "/_bulk", lambda sent: (200, bulk_ok(sent, status=429)),
                       lambda sent: (200, bulk_ok(sent)))
        index = opened(url, max_retries=2)
        index.add_passages(passages(3))
        index.commit()
        refused, accepted = cluster.sent("PUT", "/_bulk")
    assert [doc["text"] for doc in accepted.documents] == [doc["text"] for doc in refused.documents]
    assert len(accepted.documents) == 3


def test_a_bulk_request_answered_429_is_sent_again():
    with scripted_elasticsearch() as (url, cluster):
        too_many = (429, {"error": {"type": "es_rejected_execution_exception", "reason": "queue full"},
                          "status": 429})
        cluster.script("PUT", "/_bulk", too_many, lambda sent: (200, bulk_ok(sent)))
        index = opened(url, max_retries=2)
        index.add_passages(passages(2))
        index.commit()
        assert len(cluster.sent("PUT", "/_bulk")) == 2


def test_passages_refused_after_every_retry_are_a_backend_error():
    with scripted_elasticsearch() as (url, cluster):
        cluster.script("PUT", "/_bulk", lambda sent: (200, bulk_ok(sent, status=429)))
        index = opened(url, max_retries=1)
        index.add_passages(passages(2))
        with pytest.raises(SearchBackendError, match="refused passages: 2 failed, the first with status 429"):
            index.commit()
        assert len(cluster.sent("PUT", "/_bulk")) == 2


# ---------------------------------------------------------------- bounded writes


def test_writes_are_sent_in_chunks_as_the_buffer_fills_and_refreshed_once_per_commit():
    with scripted_elasticsearch() as (url, cluster):
        index = opened(url, bulk_chunk=2)
        for n in range(5):
            index.add_passages(passages(1, first=n))
        sent_before_commit = [len(request.documents) for request in cluster.sent("PUT", "/_bulk")]
        index.commit()
        sent = [len(request.documents) for request in cluster.sent("PUT", "/_bulk")]
        refreshes = cluster.sent("POST", "/t/_refresh")
    assert sent_before_commit == [2, 2] and sent == [2, 2, 1]
    assert len(refreshes) == 1


def test_deleted_documents_are_one_delete_by_query_and_a_passage_added_after_its_delete_survives():
    with scripted_elasticsearch() as (url, cluster):
        index = opened(url)
        for n in range(3):
            index.delete_document(f"doc-{n}")
        index.add_passages(passages(1, first=1))  # doc-1 re-ingested after its delete
        index.delete_document("doc-3")
        index.commit()
        [deleted] = cluster.sent("POST", "/t/_delete_by_query")
        [added] = cluster.sent("PUT", "/_bulk")
        order = [request.path for request in cluster.requests if request.path.endswith(("_bulk", "_query"))]
    assert deleted.body[0]["query"] == {"terms": {"doc_id": ["doc-0", "doc-1", "doc-2", "doc-3"]}}
    assert [doc["doc_id"] for doc in added.documents] == ["doc-1"]
    assert order == ["/t/_delete_by_query", "/_bulk"]  # the deletes first


def test_a_passage_added_before_its_documents_delete_is_not_sent():
    with scripted_elasticsearch() as (url, cluster):
        index = opened(url)
        index.add_passages(passages(2))
        index.delete_document("doc-0")
        index.commit()
        [added] = cluster.sent("PUT", "/_bulk")
    assert [doc["doc_id"] for doc in added.documents] == ["doc-1"]


# ---------------------------------------------------------------- reading


def test_the_walk_reads_keys_and_facets_and_only_the_hits_shown_fetch_text_and_file_name():
    hits = [{"_id": f"doc-{n}/1/0", "_score": 2.0 - n / 10,
             "_source": {"doc_id": f"doc-{n}", "page": 1, "block": 0, "text_key": str(n), "language": "en"}}
            for n in range(3)]
    with scripted_elasticsearch() as (url, cluster):
        cluster.script("POST", "/t/_search", (200, {"hits": {"total": {"value": 3, "relation": "eq"},
                                                             "hits": hits}}))
        cluster.script("POST", "/t/_mget", lambda asked: (200, {"docs": [
            {"_id": i, "found": True, "_source": {"text": f"Heat pump {i}", "filename": f"{i}.txt"}}
            for i in asked.body[0]["ids"]
        ]}))
        results = opened(url).search("heat", limit=2)
        [walked] = cluster.sent("POST", "/t/_search")
        [fetched] = cluster.sent("POST", "/t/_mget")
    assert not {"text", "filename", "words", "parts", "grams"} & set(walked.body[0]["_source"])
    assert {"doc_id", "page", "block", "text_key", "language"} <= set(walked.body[0]["_source"])
    assert fetched.body[0]["ids"] == ["doc-0/1/0", "doc-1/1/0"]  # the page shown, not the window
    assert [(hit.document.filename, hit.text) for hit in results.hits] == [
        ("doc-0/1/0.txt", "Heat pump doc-0/1/0"), ("doc-1/1/0.txt", "Heat pump doc-1/1/0")
    ]


def test_a_server_error_in_the_middle_of_a_search_is_a_backend_error():
    with scripted_elasticsearch() as (url, cluster):
        index = opened(url)
        cluster.script("POST", "/t/_search", server_error(500))
        with pytest.raises(SearchBackendError, match="answered 500 search_phase_execution_exception"):
            index.search("heat")


def test_a_cluster_gone_in_the_middle_of_a_search_is_a_backend_error_without_credentials():
    with scripted_elasticsearch() as (url, cluster):
        index = opened(with_password(url))
    with pytest.raises(SearchBackendError, match="cannot reach Elasticsearch") as raised:
        index.search("heat")
    assert PASSWORD not in str(raised.value) and "elastic:" not in str(raised.value)
    assert "http://***@127.0.0.1" in str(raised.value)


# ---------------------------------------------------------------- opening


def test_an_8x_server_is_refused_at_open_naming_the_client_to_install():
    with (scripted_elasticsearch(ScriptedCluster(version="8.15.3")) as (url, _),
          pytest.raises(SearchBackendError) as raised):
        opened(url)
    message = str(raised.value)
    assert "8.15.3" in message and 'pip install "elasticsearch>=8,<9"' in message


def test_the_compatibility_error_later_names_the_client_to_install_too():
    with scripted_elasticsearch() as (url, cluster):
        index = opened(url)
        cluster.script("POST", "/t/_search", (400, media_type_error()))
        with pytest.raises(SearchBackendError, match=r'pip install "elasticsearch>=8,<9"'):
            index.search("heat")


def test_refused_credentials_name_the_settings_and_never_the_secrets():
    unauthorized = (401, {"error": {"type": "security_exception", "reason": "unable to authenticate"},
                          "status": 401})
    with scripted_elasticsearch() as (url, cluster):
        cluster.script("GET", "/", unauthorized)
        with pytest.raises(SearchBackendError) as by_key:
            opened(url, api_key=API_KEY)
        with pytest.raises(SearchBackendError) as by_password:
            opened(with_password(url))
        sent = cluster.sent("GET", "/")
    assert "JCM_ES_API_KEY" in str(by_key.value) and API_KEY not in str(by_key.value)
    assert PASSWORD not in str(by_password.value) and "***@" in str(by_password.value)
    assert sent[0].headers["authorization"] == f"ApiKey {API_KEY}"  # the key was sent, just never shown


def test_a_tls_failure_names_the_trust_settings_without_credentials():
    with scripted_elasticsearch() as (url, _):  # it speaks plain HTTP: the TLS handshake fails
        secured = with_password(url).replace("http://", "https://")
        with pytest.raises(SearchBackendError, match="JCM_ES_CA_CERTS") as raised:
            opened(secured)
    assert PASSWORD not in str(raised.value) and "JCM_ES_CERT_FINGERPRINT" in str(raised.value)


def test_two_processes_creating_the_index_at_once_share_it():
    with scripted_elasticsearch() as (url, cluster):
        first = opened(url)
        del cluster.aliases["t"]  # the other process has created the index, not yet its alias
        second = opened(url)
        assert first.created and not second.created
        assert cluster.aliases["t"] == {"t-v2-initial"} and list(cluster.indices) == ["t-v2-initial"]


def test_drop_after_close_deletes_the_index():
    with scripted_elasticsearch() as (url, cluster):
        index = opened(url)
        index.close()
        index.drop()
        assert cluster.indices == {}
        assert cluster.sent("DELETE", "/t-v2-initial")


def test_credentials_that_may_not_read_the_version_still_open_the_index():
    """A key limited to the jcm indices lacks the cluster's monitor privilege that GET / needs."""
    forbidden = (403, {"error": {"type": "security_exception", "reason": "action [cluster:monitor/main] "
                                 "is unauthorized"}, "status": 403})
    with scripted_elasticsearch() as (url, cluster):
        cluster.script("GET", "/", forbidden)
        index = opened(url, api_key=API_KEY)
        assert index.created and cluster.aliases["t"] == {"t-v2-initial"}


def test_a_plain_index_of_an_older_release_gives_its_name_to_the_alias_in_one_request(caplog):
    with scripted_elasticsearch() as (url, cluster):
        cluster.indices["t"] = {"dynamic": "strict"}  # made before versioned indices: no schema version
        index = opened(url)
        assert index.legacy and index.outdated and "jcm reindex" in caplog.text
        index.add_passages(passages(1))
        index.commit()
        [written] = cluster.sent("PUT", "/_bulk")
        index.begin_rebuild()
        index.add_passages(passages(1))
        index.commit()
        [swapped] = cluster.sent("POST", "/_aliases")
        [rebuilt] = [name for name in cluster.indices if name.startswith("t-v2-")]
    assert "require_alias" not in written.query  # the plain index is no alias
    assert swapped.body[0]["actions"] == [
        {"remove_index": {"index": "t"}}, {"add": {"index": rebuilt, "alias": "t"}}
    ]
    assert cluster.aliases["t"] == {rebuilt} and "t" not in cluster.indices
    assert not index.legacy and not index.outdated
