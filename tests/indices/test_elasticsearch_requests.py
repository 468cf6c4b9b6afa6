"""What the Elasticsearch backend sends, checked without a server (the behaviour itself is checked
against a real server by test_conformance.py when JCM_TEST_ES_URL is set)."""

from indices.algorithm import QUOTED_SYNONYM_BOOST, SYNONYM_BOOST
from indices.base import parse_filters
from indices.elasticsearch import _NATIVE_FIELDS, _all_units, _any_unit, _filtered, index_body
from indices.query import NAME_SLOP, parse_query


def test_mapping_holds_the_python_tokens_and_the_native_sub_fields():
    body = index_body(_NATIVE_FIELDS)
    properties = body["mappings"]["properties"]
    assert {properties[stream]["analyzer"] for stream in ("words", "parts", "grams")} == {"jcm_tokens"}
    assert body["settings"]["analysis"]["analyzer"]["jcm_tokens"]["tokenizer"] == "whitespace"
    sub_fields = properties["text"]["fields"]
    assert {name: field["analyzer"] for name, field in sub_fields.items()} == {
        "thai": "thai", "kuromoji": "kuromoji", "icu": "icu_analyzer"
    }
    assert properties["countries"]["type"] == properties["doc_type"]["type"] == "keyword"


def test_every_word_is_a_must_clause_and_a_phrase_is_a_match_phrase():
    query = _all_units(parse_query('"waste heat recovery" kiln'))
    must = query["bool"]["must"]
    assert len(must) == 2
    assert must[0] == {"match_phrase": {"words": {"query": "waste heat recovery", "boost": 1.0}}}
    assert must[1]["dis_max"]["queries"][0] == {"term": {"words": {"value": "kiln", "boost": 1.0}}}


def test_the_fallback_needs_any_word_and_ranks_every_word_first():
    query = _any_unit(parse_query("kindergartens kiln"))
    assert query["bool"]["minimum_should_match"] == 1
    every, *some = query["bool"]["should"]
    assert every["bool"]["boost"] > 1 and len(some) == 2


def test_glossary_alternatives_are_a_dis_max():
    query = _all_units(parse_query("boiler", expand=True))
    alternatives = query["bool"]["must"][0]["dis_max"]["queries"]
    assert len(alternatives) == 3  # boiler, ボイラ, หม้อไอน้ำ


def test_filters_go_to_the_filter_context():
    conditions = parse_filters({"country": ["TH", "PH"], "year": 2020, "has_warnings": "true"})
    query = _filtered({"match_all": {}}, conditions)
    assert query["bool"]["filter"] == [
        {"terms": {"countries": ["TH", "PH"]}},
        {"terms": {"year": [2020]}},
        {"term": {"has_warnings": True}},
    ]


def test_a_public_viewer_filter_excludes_confidential_passages_inside_the_query():
    conditions = parse_filters({"public_only": True, "has_warnings": True})
    query = _filtered({"match_all": {}}, conditions)
    assert query["bool"]["filter"] == [
        {"term": {"public_warnings": True}},
        {"term": {"confidential": False}},
    ]


def test_the_mapping_knows_the_confidential_flag():
    properties = index_body(_NATIVE_FIELDS)["mappings"]["properties"]
    assert properties["confidential"] == properties["public_warnings"] == {"type": "boolean"}


def test_a_grammar_word_is_a_should_clause_and_never_a_match_alone():
    parsed = parse_query("kiln of the cement")
    query = _all_units(parsed)
    assert len(query["bool"]["must"]) == 2  # kiln, cement
    assert len(query["bool"]["should"]) == 3  # of, the, and the words kept together
    every, *some = _any_unit(parsed)["bool"]["should"]
    assert len(some) == 2


def test_the_fallback_counts_some_words_of_a_multi_word_term_below_the_whole():
    every, issuance, kiln = _any_unit(parse_query("クレジット発行 kiln", expand=True))["bool"]["should"]
    whole, pieces = issuance["dis_max"]["queries"]
    assert "dis_max" in whole and 0 < pieces["bool"]["boost"] < 1
    words = {query["term"]["words"]["value"] for query in pieces["bool"]["should"] if "term" in query}
    assert {"credit", "issuance", "issued"} <= words  # クレジット and 発行 in their three streams
    assert [query["term"] for query in kiln["dis_max"]["queries"]] == [  # no pieces: one word
        {"words": {"value": "kiln", "boost": 1.0}}, {"parts": {"value": "kiln", "boost": 0.7}}
    ]


def test_a_glossary_name_of_several_words_is_a_sloppy_phrase_of_words_only():
    [clause] = _all_units(parse_query("credits issued", expand=True))["bool"]["must"]
    phrases = [
        query["match_phrase"]
        for option in clause["dis_max"]["queries"]
        for query in _leaves(option)
        if "match_phrase" in query
    ]
    in_words = [phrase["words"] for phrase in phrases if "words" in phrase]
    assert {"query": "credit issued", "boost": 1.0, "slop": NAME_SLOP} in in_words
    assert all("slop" not in p[stream] for p in phrases for stream in p if stream != "words")


def _leaves(query: dict) -> list[dict]:
    """The term and phrase queries inside nested bool and dis_max queries."""
    if "bool" in query:
        return [leaf for inner in query["bool"].get("must", []) for leaf in _leaves(inner)]
    if "dis_max" in query:
        return [leaf for inner in query["dis_max"]["queries"] for leaf in _leaves(inner)]
    return [query]


def test_the_other_names_of_a_quoted_term_are_boosted_further_down():
    def boosts(query: str) -> list[float]:
        [clause] = _all_units(parse_query(query, expand=True))["bool"]["must"]
        return [option["bool"]["boost"] for option in clause["dis_max"]["queries"][1:]]

    assert set(boosts('"boiler"')) == {QUOTED_SYNONYM_BOOST} and set(boosts("boiler")) == {SYNONYM_BOOST}
    assert QUOTED_SYNONYM_BOOST < SYNONYM_BOOST
