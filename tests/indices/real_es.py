"""How the tests reach the real cluster of JCM_TEST_ES_URL (their Elasticsearch tests are skipped without
it). The URL may hold a user and password (https://elastic:...@localhost:9200); JCM_TEST_ES_API_KEY,
JCM_TEST_ES_CA_CERTS and JCM_TEST_ES_VERIFY_CERTS=false reach a secured cluster otherwise."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from indices.es_options import ElasticsearchOptions

ES_URL = os.environ.get("JCM_TEST_ES_URL")
needs_cluster = pytest.mark.skipif(not ES_URL, reason="JCM_TEST_ES_URL not set")


def cluster_options(**overrides: Any) -> ElasticsearchOptions:
    ca_certs = os.environ.get("JCM_TEST_ES_CA_CERTS")
    return ElasticsearchOptions(
        url=ES_URL or "",
        api_key=os.environ.get("JCM_TEST_ES_API_KEY") or None,
        ca_certs=Path(ca_certs) if ca_certs else None,
        verify_certs=os.environ.get("JCM_TEST_ES_VERIFY_CERTS", "true").lower() != "false",
        **overrides,
    )


def raw_client():
    """A client of the test cluster of its own, for what the tests check behind the index's back."""
    from elasticsearch import Elasticsearch

    options = cluster_options()
    return Elasticsearch(options.url, **options.client_arguments())
