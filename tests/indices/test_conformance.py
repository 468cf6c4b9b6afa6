"""The behaviour every SearchIndex backend must share, run against each backend.

The embedded index always runs; Elasticsearch runs against the server at JCM_TEST_ES_URL (each test
module gets indices of its own, deleted afterwards) and is skipped when that variable is not set.
"""

import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from corpus.models import DocumentRef, Passage
from indices import EmbeddedIndex, SearchIndex
from tests.indices.real_es import cluster_options, needs_cluster

BACKENDS = ["embedded", pytest.param("elasticsearch", marks=needs_cluster)]

TEXTILE = DocumentRef(id="th-textile", filename="th_textile_pdd.txt")
BIOMASS = DocumentRef(id="th-biomass", filename="th_biomass_summary.txt")
HEAT = DocumentRef(id="en-heat", filename="en_heat_mr.pdf")
CEMENT = DocumentRef(id="en-cement", filename="en_cement_selection.txt")
HOSPITAL = DocumentRef(id="ja-hospital", filename="ja_hospital_pdd.docx")

DOCUMENTS = {
    TEXTILE.id: dict(language="th", doc_type="pdd", countries=["TH"], year=2016),
    BIOMASS.id: dict(language="th", doc_type="summary", countries=["LA"], year=2019, has_warnings=True),
    HEAT.id: dict(language="en", doc_type="monitoring_report", countries=["MN"], year=2020),
    CEMENT.id: dict(language="en", doc_type="selection", countries=["PH"], year=2021),
    HOSPITAL.id: dict(language="ja", doc_type="pdd", countries=["MN", "JP"], year=2020),
}
BLOCKS = {
    TEXTILE.id: [
        (1, "โครงการนี้ติดตั้งระบบผลิตไฟฟ้าพลังงานแสงอาทิตย์บนหลังคาโรงงานทอผ้าในจังหวัดนครปฐม"),
        (1, "คาดว่าจะลดการปล่อยก๊าซเรือนกระจกได้ประมาณ ๘,๒๐๐ ตันต่อปี"),
        (2, "น้ำเสียจากกระบวนการย้อมผ้าได้รับการบำบัดก่อนปล่อยออก"),
    ],
    BIOMASS.id: [
        (1, "โรงไฟฟ้าชีวมวลขนาดเล็กใช้แกลบและเศษไม้เป็นเชื้อเพลิง"),
        (1, "เงินอุดหนุนไม่เกินร้อยละ ๕๐ ของค่าลงทุนเริ่มต้น"),
    ],
    HEAT.id: [
        (1, "Air-source heat pumps now warm three kindergartens."),
        (1, "All three buildings are in Ulaanbaatar and were heated by coal-fired boilers before."),
        (1, "Monitoring Report, Mongolia heat supply"),
        (2, "Emission reductions in the first monitoring period were 1,250 tCO2e."),
        (2, "Monitoring Report, Mongolia heat supply"),
    ],
    CEMENT.id: [
        (1, "The selected project adds a waste heat recovery system to a cement kiln."),
        (1, "Heat from the exhaust is reused, so less waste leaves the plant and energy recovery improves."),
        (2, "Costs <b>excluding</b> tax & duties: 8,200 USD"),
    ],
    HOSPITAL.id: [
        (1, "本事業では、ウランバートル市内の病院に空気熱源ヒートポンプを導入する。"),
        (1, "年間の排出削減量は約８，２００トンと見込まれる。"),
        (2, "屋上には太陽光発電設備も設置する。"),
    ],
}


def passages_of(document: DocumentRef) -> list[Passage]:
    return [
        Passage(document=document, block=block, page=page, text=text, **DOCUMENTS[document.id])
        for block, (page, text) in enumerate(BLOCKS[document.id])
    ]


ALL_PASSAGES = [
    passage for document in (TEXTILE, BIOMASS, HEAT, CEMENT, HOSPITAL) for passage in passages_of(document)
]


def open_index(backend: str, directory: Path, **options: object) -> SearchIndex:
    if backend == "embedded":
        return EmbeddedIndex(directory / "index", **options)
    from indices.elasticsearch import ElasticsearchIndex

    return ElasticsearchIndex(cluster_options(), index_name=f"jcm-test-{uuid.uuid4().hex}")


def dispose(index: SearchIndex) -> None:
    index.close()
    drop = getattr(index, "drop", None)
    if drop is not None:
        drop()


@pytest.fixture(scope="module", params=BACKENDS)
def index(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    built = open_index(request.param, tmp_path_factory.mktemp("search"))
    built.add_passages(ALL_PASSAGES)
    built.commit()
    yield built
    dispose(built)


@pytest.fixture(params=BACKENDS)
def make_index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], SearchIndex]]:
    """Opens empty indices of the backend under test (several open the same index only when embedded)."""
    opened: list[SearchIndex] = []

    def make() -> SearchIndex:
        opened.append(open_index(request.param, tmp_path))
        return opened[-1]

    yield make
    for created in opened:
        dispose(created)


@pytest.fixture
def fresh(make_index: Callable[[], SearchIndex]) -> SearchIndex:
    return make_index()


def found(index: SearchIndex, query: str, expand: bool = False, **filters: object) -> list[tuple[str, int]]:
    results = index.search(query, filters=filters or None, expand=expand)
    return [(hit.document.id, hit.block) for hit in results.hits]


def documents(index: SearchIndex, query: str, expand: bool = False, **filters: object) -> set[str]:
    return {document for document, _ in found(index, query, expand, **filters)}


def leading(index: SearchIndex, query: str, count: int, expand: bool = False) -> set[str]:
    """The documents of the first hits: those holding every word rank before those holding some."""
    return {hit.document.id for hit in index.search(query, expand=expand).hits[:count]}


def test_it_is_a_search_index(index: SearchIndex):
    assert isinstance(index, SearchIndex)
    assert index.count() == len(ALL_PASSAGES)


# ---------------------------------------------------------------- languages


def test_thai_inner_part_of_a_word_finds_the_passage(index: SearchIndex):
    assert found(index, "ทอผ้า") == [("th-textile", 0)]
    assert found(index, "โรงงานทอผ้า") == [("th-textile", 0)]
    assert found(index, "ชีวมวล") == [("th-biomass", 0)]


def test_thai_snippet_keeps_tone_marks(index: SearchIndex):
    hit = index.search("ย้อมผ้า").hits[0]
    assert hit.text == BLOCKS[TEXTILE.id][2][1]
    assert "<mark>ย้อมผ้า</mark>" in hit.snippet
    assert "น้ำเสีย" in hit.snippet and "ก่อน" in hit.snippet


def test_japanese_compound_and_its_parts(index: SearchIndex):
    assert found(index, "ヒートポンプ") == [("ja-hospital", 0)]
    assert found(index, "ポンプ") == [("ja-hospital", 0)]
    assert found(index, "太陽光発電") == [("ja-hospital", 2)]
    assert found(index, "太陽光") == [("ja-hospital", 2)]
    assert "<mark>太陽光</mark>" in index.search("太陽光", expand=False).hits[0].snippet


def test_full_width_and_thai_digits_match_ascii_numbers(index: SearchIndex):
    expected = {("th-textile", 1), ("ja-hospital", 1), ("en-cement", 2)}
    assert set(found(index, "8200")) == expected
    assert set(found(index, "８，２００")) == expected
    assert set(found(index, "๘๒๐๐")) == expected


def test_english_plurals_match(index: SearchIndex):
    assert found(index, "heat pump")[0] == ("en-heat", 0)
    assert "<mark>pumps</mark>" in index.search("Heat Pump", expand=False).hits[0].snippet


# ---------------------------------------------------------------- query semantics


def test_quoted_phrase_needs_the_words_in_order(index: SearchIndex):
    assert found(index, '"waste heat recovery"') == [("en-cement", 0)]
    assert found(index, "“recovery heat waste”") == []
    assert {("en-cement", 0), ("en-cement", 1)} <= set(found(index, "waste heat recovery"))


def test_words_are_all_required_and_fall_back_to_any(index: SearchIndex):
    assert documents(index, "kiln exhaust") == {"en-cement"}
    fallback = documents(index, "kindergartens kiln")  # no passage holds both
    assert fallback == {"en-heat", "en-cement"}


def test_words_in_different_blocks_of_a_page_find_the_page(index: SearchIndex):
    results = index.search("heat pumps Ulaanbaatar", expand=False)
    assert (results.hits[0].document.id, results.hits[0].page, results.hits[0].block) == ("en-heat", 1, -1)
    assert leading(index, "heat pumps Ulaanbaatar", 1) == {"en-heat"}
    snippet = results.hits[0].snippet
    assert {"heat", "pumps", "Ulaanbaatar"} <= set(re.findall("<mark>(.*?)</mark>", snippet))


def test_a_page_and_its_blocks_do_not_take_two_slots(index: SearchIndex):
    hits = index.search("heat").hits
    slots = [(hit.document.id, hit.page, hit.block == -1) for hit in hits]
    for document, page, _ in slots:
        assert {(document, page, True), (document, page, False)} - set(slots)


def test_text_repeated_on_every_page_does_not_flood_the_results(fresh: SearchIndex):
    pages = [
        Passage(document=HEAT, block=block, page=block // 2 + 1, text=text, language="en")
        for block, text in enumerate(
            text for page in range(1, 7) for text in ("Mongolia heat supply report", f"Page {page} body.")
        )
    ]
    fresh.add_passages(pages)
    fresh.commit()
    results = fresh.search("heat supply")
    assert [hit.page for hit in results.hits] == [1, 2, 3]
    assert results.total == 3


@pytest.mark.parametrize("query", ["", "   ", "!!!", '"', '""', "((", "「」", "AND OR", "*:*", "title:[a TO"])
def test_empty_punctuation_and_syntax_like_queries_do_not_raise(index: SearchIndex, query: str):
    results = index.search(query)
    if query in {"AND OR", "title:[a TO"}:  # plain words, searched as words
        assert results.total == len(results.hits)
    else:
        assert results.total == 0 and results.hits == []


# ---------------------------------------------------------------- filters, facets, pages


def test_filters(index: SearchIndex):
    assert documents(index, "8200", language="ja") == {"ja-hospital"}
    assert documents(index, "8200", doc_type="pdd") == {"ja-hospital", "th-textile"}
    assert documents(index, "8200", country="PH") == {"en-cement"}
    assert documents(index, "8200", countries=["TH", "PH"]) == {"th-textile", "en-cement"}
    assert documents(index, "8200", year=2020) == {"ja-hospital"}
    assert documents(index, "8200", year=["2016", 2021]) == {"th-textile", "en-cement"}
    assert documents(index, "เงินอุดหนุน", has_warnings=True) == {"th-biomass"}
    assert documents(index, "เงินอุดหนุน", has_warnings="false") == set()
    assert documents(index, "8200", document="en-cement") == {"en-cement"}


def test_unknown_filter_is_a_clear_error(index: SearchIndex):
    with pytest.raises(ValueError, match="unknown search filter"):
        index.search("heat", filters={"colour": "red"})
    with pytest.raises(ValueError, match="year"):
        index.search("heat", filters={"year": "last year"})


def test_facets_count_the_matching_passages(index: SearchIndex):
    facets = index.search("8200").facets
    assert facets["language"] == {"th": 1, "ja": 1, "en": 1}
    assert facets["doc_type"] == {"pdd": 2, "selection": 1}
    assert facets["country"] == {"TH": 1, "MN": 1, "JP": 1, "PH": 1}
    assert facets["year"] == {"2016": 1, "2020": 1, "2021": 1}
    assert facets["has_warnings"] == {"false": 3}


def test_pagination(index: SearchIndex):
    everything = index.search("heat", limit=50)
    assert everything.total == len(everything.hits) >= 3
    pages = [index.search("heat", limit=2, offset=offset) for offset in range(0, everything.total + 1, 2)]
    assert all(page.total == everything.total for page in pages)
    paged = [(hit.document.id, hit.block) for page in pages for hit in page.hits]
    assert paged == [(hit.document.id, hit.block) for hit in everything.hits]
    assert index.search("heat", offset=100).hits == []


def test_hits_carry_what_the_user_needs(index: SearchIndex):
    hit = index.search("tax").hits[0]
    assert hit.document == CEMENT
    assert (hit.page, hit.block, hit.language) == (2, 2, "en")
    assert hit.text == "Costs <b>excluding</b> tax & duties: 8,200 USD"
    assert hit.snippet == "Costs &lt;b&gt;excluding&lt;/b&gt; <mark>tax</mark> &amp; duties: 8,200 USD"
    assert hit.score > 0


# ---------------------------------------------------------------- writing


def test_delete_document_removes_all_its_passages(fresh: SearchIndex):
    fresh.add_passages(passages_of(HEAT) + passages_of(CEMENT))
    fresh.commit()
    assert documents(fresh, "heat") == {"en-heat", "en-cement"}
    fresh.delete_document("en-heat")
    fresh.commit()
    assert documents(fresh, "heat") == {"en-cement"}
    assert fresh.count() == len(BLOCKS[CEMENT.id])


def test_passage_keys_name_every_block_passage_once(fresh: SearchIndex):
    fresh.add_passages(passages_of(HEAT) + passages_of(HOSPITAL))
    fresh.commit()
    expected = [(p.document.id, p.block) for p in passages_of(HEAT) + passages_of(HOSPITAL)]
    assert sorted(fresh.passage_keys()) == sorted(expected)
    fresh.delete_document(HEAT.id)
    fresh.commit()
    assert sorted(fresh.passage_keys()) == sorted((HOSPITAL.id, p.block) for p in passages_of(HOSPITAL))


def test_changes_are_visible_after_commit_only(fresh: SearchIndex):
    fresh.add_passages(passages_of(HOSPITAL))
    assert fresh.count() == 0
    fresh.commit()
    assert fresh.count() == 3


def test_clear(fresh: SearchIndex):
    fresh.add_passages(passages_of(BIOMASS))
    fresh.commit()
    fresh.clear()
    assert fresh.count() == 0 and fresh.search("ชีวมวล").total == 0


def test_reingesting_a_document_replaces_its_passages(fresh: SearchIndex):
    fresh.add_passages(passages_of(CEMENT))
    fresh.commit()
    revised = [
        passage.model_copy(update={"text": "Revised: kiln dust is collected."})
        for passage in passages_of(CEMENT)[:1]
    ]
    fresh.delete_document(CEMENT.id)
    fresh.add_passages(revised)
    fresh.commit()
    assert fresh.count() == 1
    assert found(fresh, "kiln") == [("en-cement", 0)]
    assert fresh.search("kiln").hits[0].text == "Revised: kiln dust is collected."


# ---------------------------------------------------------------- glossary expansion


def test_a_glossary_term_finds_its_names_in_the_other_languages(index: SearchIndex):
    results = index.search("heat pump")
    ranked = [hit.document.id for hit in results.hits]
    assert set(ranked[:2]) == {"en-heat", "ja-hospital"}
    assert set(ranked) <= {"en-heat", "ja-hospital", "en-cement"}  # heat alone: part of the term, below
    assert "ヒートポンプ" in results.also_searched
    ja_hit = next(hit for hit in results.hits if hit.document.id == "ja-hospital")
    assert "<mark>ヒートポンプ</mark>" in ja_hit.snippet


def test_expansion_can_be_turned_off(index: SearchIndex):
    results = index.search("heat pump", expand=False)
    assert leading(index, "heat pump", 1) == {"en-heat"}
    assert "ja-hospital" not in {hit.document.id for hit in results.hits}  # ヒートポンプ is not searched
    assert results.also_searched == []


def test_expansion_works_from_thai_and_japanese(index: SearchIndex):
    assert documents(index, "พลังงานแสงอาทิตย์", expand=True) == {"th-textile", "ja-hospital"}
    assert documents(index, "太陽光", expand=True) == {"th-textile", "ja-hospital"}
    assert documents(index, "แกลบ", expand=True) == {"th-biomass"}


def test_passages_holding_every_expanded_word_rank_first(index: SearchIndex):
    assert leading(index, "ヒートポンプ Ulaanbaatar", 2, expand=True) == {"ja-hospital", "en-heat"}
    assert leading(index, "heat pump kindergartens", 1, expand=True) == {"en-heat"}


def test_passages_holding_some_words_follow_those_holding_all(index: SearchIndex):
    """A passage with three of four words is shown after the full matches, not left out."""
    hits = index.search("heat pumps Ulaanbaatar kiln", expand=False).hits
    assert hits and {hit.document.id for hit in hits} >= {"en-heat"}
    assert all(first.score >= second.score for first, second in zip(hits, hits[1:], strict=False))


def test_a_quoted_glossary_phrase_is_expanded_too(index: SearchIndex):
    assert documents(index, '"heat pump"', expand=True) == {"en-heat", "ja-hospital"}


# ---------------------------------------------------------------- confidential documents

SECRET = DocumentRef(id="ja-hospital-secret", filename="ja_hospital_pdd_confidential.docx")
PUBLIC_ONLY = {"public_only": True}


def secret_passages(count: int = 2) -> list[Passage]:
    """A confidential version of the hospital PDD: another year, a warning only it is involved in."""
    texts = ["空気熱源ヒートポンプの契約額は機密である。",
             "Heat pump contract price: quokka clause 731,942 JPY."]
    return [  # each text numbered, so de-duplication keeps them all
        Passage(document=SECRET, block=block, page=block + 1, text=f"{texts[block % 2]} ({block})",
                language="ja", doc_type="pdd", countries=["MN", "JP"], year=2031, has_warnings=True,
                confidential=True)
        for block in range(count)
    ]


def test_public_only_leaves_confidential_passages_out_of_hits_totals_and_facets(fresh: SearchIndex):
    fresh.add_passages(passages_of(HOSPITAL) + passages_of(HEAT) + secret_passages())
    fresh.commit()
    everything = fresh.search("heat pump", filters={"document": [SECRET.id, HOSPITAL.id, HEAT.id]})
    public = fresh.search("heat pump", filters=PUBLIC_ONLY)
    assert SECRET.id in {hit.document.id for hit in everything.hits}
    assert SECRET.id not in {hit.document.id for hit in public.hits}
    assert public.total == everything.total - 2
    assert "2031" in everything.facets["year"] and "2031" not in public.facets["year"]
    assert fresh.search("quokka", filters=PUBLIC_ONLY).total == 0
    assert fresh.search("731942", filters=PUBLIC_ONLY).hits == []
    assert fresh.search("quokka").total == 1


def test_public_only_totals_and_facets_beyond_the_walked_window(fresh: SearchIndex):
    """More matches than the window: the total is estimated and facets are aggregations, both filtered."""
    public = [
        Passage(document=HEAT, block=block, page=block // 4 + 1, text=f"Boiler number {block} in Darkhan.",
                language="en", year=2020, countries=["MN"])
        for block in range(150)
    ]
    fresh.add_passages(public + secret_passages(300))
    fresh.commit()
    results = fresh.search("heat pump boiler", filters=PUBLIC_ONLY)  # any word: boiler passages only
    assert {hit.document.id for hit in results.hits} == {HEAT.id}
    assert results.facets["year"] == {"2020": results.facets["language"]["en"]}
    assert "ja" not in results.facets["language"]
    assert fresh.search("ヒートポンプ", filters=PUBLIC_ONLY).total == 0
    assert fresh.search("ヒートポンプ").total > 100


def test_public_only_counts_only_warnings_a_public_viewer_may_see(fresh: SearchIndex):
    """A cross-document warning with a confidential document flags the public one for insiders only."""
    flagged = [p.model_copy(update={"has_warnings": True}) for p in passages_of(HEAT)]
    fresh.add_passages(flagged + secret_passages())
    fresh.commit()
    assert fresh.search("Ulaanbaatar", filters={"has_warnings": True}).total == 1
    assert fresh.search("Ulaanbaatar", filters={**PUBLIC_ONLY, "has_warnings": True}).total == 0
    assert fresh.search("Ulaanbaatar", filters=PUBLIC_ONLY).facets["has_warnings"] == {"false": 1}
    assert fresh.search("Ulaanbaatar").facets["has_warnings"] == {"true": 1}


def test_a_country_named_by_the_document_only_counts_below_its_words(fresh: SearchIndex):
    """A plant in Darkhan is in Mongolia though its text never says so: its document's country holds
    the query's country word, and a passage that writes the word still ranks above it."""
    darkhan = DocumentRef(id="en-darkhan", filename="en_darkhan_solar.txt")
    chonburi = DocumentRef(id="en-chonburi", filename="en_chonburi_solar.txt")
    written = DocumentRef(id="en-mongolia", filename="en_mongolia_solar.txt")
    made = [
        (darkhan, "A 10 MW solar plant in Darkhan feeds the central grid.", ["Mongolia"]),
        (chonburi, "A 10 MW solar plant in Chonburi feeds the factory.", ["Thailand"]),
        (written, "Mongolia plans a second solar plant next year.", ["Mongolia"]),
    ]
    fresh.add_passages([
        Passage(document=ref, block=0, page=1, text=text, language="en", doc_type="pdd", countries=countries)
        for ref, text, countries in made
    ])
    fresh.commit()
    ranked = [hit.document.id for hit in fresh.search("Mongolia solar").hits]
    assert ranked[:2] == ["en-mongolia", "en-darkhan"]
    assert ranked.index("en-darkhan") < ranked.index("en-chonburi")


def test_grammar_words_are_not_required_of_a_full_match(index: SearchIndex):
    """"for" is missing from the passage about heat pumps for kindergartens: it still holds every word
    that matters, so it is the one full match rather than one of the passages holding some words."""
    results = index.search("heat pumps for kindergartens", limit=1, expand=False)
    assert [(hit.document.id, hit.block) for hit in results.hits] == [("en-heat", 0)]
    assert results.total == 1


def test_a_grammar_word_alone_makes_no_match(index: SearchIndex):
    assert found(index, "kindergartens the") == [("en-heat", 0)]
    assert documents(index, "the") == {"en-heat", "en-cement"}  # a query of grammar words requires them


def add_texts(index: SearchIndex, made: list[tuple[str, str, list[str]]]) -> None:
    """One English passage per (document id, text, countries)."""
    index.add_passages([
        Passage(document=DocumentRef(id=name, filename=f"{name}.txt"), block=0, page=1, text=text,
                language="en", doc_type="pdd", countries=countries)
        for name, text, countries in made
    ])
    index.commit()


def test_some_words_of_a_multi_word_term_count_for_part_of_it(fresh: SearchIndex):
    """No passage holds クレジット発行 or one of its names whole; "credits were issued" holds two of the
    words of "credits issued", so it ranks above a passage holding only the other word of the query."""
    add_texts(fresh, [
        ("en-issued", "Credits were issued last month for the new heat plant project in Ulaanbaatar.", []),
        ("en-meeting", "Ulaanbaatar meeting.", []),
    ])
    ranked = [hit.document.id for hit in fresh.search("クレジット発行 Ulaanbaatar", expand=True).hits]
    assert ranked == ["en-issued", "en-meeting"]


def test_a_country_named_by_its_glossary_names_counts(fresh: SearchIndex):
    """"Lao" is not in the country table but names Lao PDR in the glossary: the document about Lao PDR
    holds every word of the query, the shorter one about Thailand only some."""
    add_texts(fresh, [
        ("en-vientiane", "A rice husk power plant near Vientiane runs on husks of the mill.", ["Lao PDR"]),
        ("en-chonburi", "Rice husk power.", ["Thailand"]),
    ])
    for expand in (True, False):
        ranked = [hit.document.id for hit in fresh.search("Lao rice husk power", expand=expand).hits]
        assert ranked == ["en-vientiane", "en-chonburi"]


def test_a_glossary_name_of_several_words_weighs_as_one_term(fresh: SearchIndex):
    """หม้อไอน้ำ (boiler) is three Thai words: scored as three terms it outweighed the word typed; with
    the group's blended statistics it weighs as one, and the passage holding the word typed ranks first."""
    add_texts(fresh, [
        ("en-boiler", "The boiler.", []),
        ("th-boiler", "หม้อไอน้ำ", []),
        ("en-other", "Heat pumps warm the kindergartens of the city in winter.", []),
    ])
    ranked = [hit.document.id for hit in fresh.search("boiler", expand=True).hits]
    assert ranked == ["en-boiler", "th-boiler"]


def test_words_typed_naming_a_term_are_held_together_not_apart(fresh: SearchIndex):
    """"credits issued" names a glossary term: a bank that issued a bond with a credit rating holds its
    words apart and is no full match; the committee that decided to issue 6,310 credits holds one of
    its names with a word between, and is one."""
    add_texts(fresh, [
        ("en-bond", "The bank issued a bond with a good credit rating.", []),
        ("en-decided", "The committee decided to issue 6,310 credits.", []),
        ("en-typed", "Credits issued to the project.", []),
    ])
    results = fresh.search("credits issued", limit=2, expand=True)
    assert {hit.document.id for hit in results.hits} == {"en-typed", "en-decided"}
    assert results.total == 2  # the full matches fill the page: no passage holding some of the words


def test_a_term_inside_the_words_typed_counts_by_its_names(fresh: SearchIndex):
    """ความร้อนเหลือทิ้ง (waste heat) is a name of a term inside "waste heat recovery": a passage holding
    it ranks above one holding the same words in another order."""
    fresh.add_passages([
        Passage(document=DocumentRef(id=name, filename=f"{name}.txt"), block=0, page=1, text=text,
                language="th", countries=[])
        for name, text in (("th-apart", "ทิ้งความร้อนเหลือจากเตาหลอม"), ("th-named", "ความร้อนเหลือทิ้งจากเตาหลอม"))
    ])
    fresh.commit()
    ranked = [hit.document.id for hit in fresh.search("waste heat recovery", expand=True).hits]
    assert ranked == ["th-named", "th-apart"]


def test_the_other_names_of_a_quoted_term_rank_further_below_the_words_typed(fresh: SearchIndex):
    """Quoted, "boiler" asks for that very word: the one-word Japanese passage naming ボイラ that
    outranks a longer English one holding "boiler" falls below it."""
    fresh.add_passages([
        Passage(document=DocumentRef(id=name, filename=f"{name}.txt"), block=0, page=1, text=text,
                language=language, countries=[])
        for name, text, language in (
            ("en-long", "The plant replaced its boiler.", "en"),
            ("ja-short", "ボイラ", "ja"),
        )
    ])
    fresh.commit()
    assert [hit.document.id for hit in fresh.search("boiler", expand=True).hits] == ["ja-short", "en-long"]
    assert [hit.document.id for hit in fresh.search('"boiler"', expand=True).hits] == ["en-long", "ja-short"]
