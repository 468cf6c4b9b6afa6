import html
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indices.analysis import SNIPPET_CHARS, Token, analyze, analyze_streams, highlight, stem_english
from indices.query import parse_query

THAI_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


def texts(text: str, kind: str = "word") -> list[str]:
    return [token.text for token in analyze(text) if token.kind == kind]


def is_subsequence(needle: list[str], haystack: list[str]) -> bool:
    return any(haystack[start : start + len(needle)] == needle for start in range(len(haystack)))


def visible(snippet: str) -> str:
    return html.unescape(snippet.replace("<mark>", "").replace("</mark>", ""))


def marked(snippet: str) -> list[str]:
    return [html.unescape(found) for found in re.findall("<mark>(.*?)</mark>", snippet)]


# ---------------------------------------------------------------- Thai


def test_thai_inner_part_of_a_dictionary_word_is_found_through_bigrams():
    text = "เครื่องจักรใหม่ในโรงงานทอผ้าช่วยประหยัดไฟฟ้า"
    assert "ทอผ้า" not in texts(text)  # newmm keeps โรงงานทอผ้า as one word
    query_grams = texts("ทอผ้า", "gram")
    assert query_grams and is_subsequence(query_grams, texts(text, "gram"))


def test_thai_tone_marks_and_vowels_stay_on_their_consonant():
    text = "น้ำเสียจากการย้อมผ้าได้รับการบำบัดก่อนปล่อย"
    words = analyze(text)
    assert "".join(token.text for token in words if token.kind == "word") == text
    for token in analyze(text):
        assert not THAI_MARKS.match(token.text), token  # no token starts with a detached mark
        assert text[token.start : token.end] == token.text
    assert {"ย้อม", "ผ้า", "ก่อน"} <= set(texts(text))


def test_thai_sara_am_typed_as_two_characters_matches_the_usual_form():
    decomposed = unicodedata.normalize("NFKC", "ทำงาน")  # NFKC splits sara am in two
    assert decomposed != "ทำงาน"
    assert texts(decomposed) == texts("ทำงาน")
    token = analyze(decomposed)[0]
    assert (token.start, token.end) == (0, len(decomposed))


def test_thai_digits_are_folded_to_ascii():
    assert texts("ปี ๒๕๖๘ ลดได้ ๘,๒๐๐ ตัน") == ["ปี", "2568", "ลด", "ได้", "8200", "ตัน"]


# ---------------------------------------------------------------- Japanese


def test_japanese_compound_is_a_word_and_its_pieces_are_parts():
    assert "太陽光発電" in texts("屋上に太陽光発電を設置する")
    assert {"太陽", "光", "発電"} <= set(texts("屋上に太陽光発電を設置する", "part"))


def test_japanese_part_of_a_compound_is_found_through_parts_and_bigrams():
    text = "屋上に太陽光発電を設置する"
    assert is_subsequence(texts("太陽光", "part"), texts(text, "part"))
    assert is_subsequence(texts("太陽光", "gram"), texts(text, "gram"))
    assert is_subsequence(texts("ポンプ", "gram"), texts("空気熱源ヒートポンプ", "gram"))


def test_japanese_spelling_variants_meet():
    assert texts("ボイラ") == texts("ボイラー")
    assert texts("ｶﾞｽ") == texts("ガス")


# ---------------------------------------------------------------- numbers, English, mixed text


def test_full_width_and_grouped_numbers_match_plain_ones():
    assert texts("８，２００トン")[0] == "8200"
    assert texts("８２００") == texts("8,200") == texts("8200") == ["8200"]
    assert texts("1,234.5 and 12,345,678") == ["1234.5", "and", "12345678"]


def test_number_before_a_unit_is_a_token_of_its_own():
    assert texts("500kW boilers") == ["500", "kw", "boiler"]


def test_full_width_latin_is_folded():
    assert texts("ＪＣＭプロジェクト")[0] == "jcm"


def test_english_plurals_are_stemmed_lightly():
    assert texts("Heat Pumps") == ["heat", "pump"]
    assert stem_english("facilities") == "facility"
    assert stem_english("processes") == "process"
    assert stem_english("gases") == "gas"
    assert stem_english("mongolia's") == "mongolia"
    assert stem_english("analysis") == "analysis"
    assert stem_english("status") == "status"


def test_mixed_language_text_is_split_into_script_runs():
    tokens = texts("JCMプロジェクトในประเทศไทย uses heat pumps")
    assert tokens[:2] == ["jcm", "プロジェクト"]
    assert {"ไทย", "pump"} <= set(tokens)


def test_language_is_only_a_hint():
    text = "โรงงาน factory 工場"
    assert analyze(text, "th") == analyze(text, "en") == analyze(text)


def test_offsets_point_into_the_original_text():
    text = "ＪＣＭの削減量は８，２００トン、ไทย ๘,๒๐๐"
    for token in analyze(text):
        assert 0 <= token.start < token.end <= len(text)
    numbers = [token for token in analyze(text) if token.text == "8200"]
    assert [text[token.start : token.end] for token in numbers] == ["８，２００", "๘,๒๐๐"]


def test_streams_hold_the_same_texts_as_the_tokens():
    text = "ヒートポンプ heat pumps ทอผ้า"
    streams = analyze_streams(text)
    assert streams.words == texts(text)
    assert streams.parts == texts(text, "part")
    assert streams.grams == texts(text, "gram")


def test_punctuation_has_no_tokens():
    assert analyze("!!! ... 、。「」 ()") == []
    assert parse_query('"" (( ))').is_empty


# ---------------------------------------------------------------- highlighting


def test_marks_wrap_the_original_characters():
    snippet = highlight("削減量は約８，２００トン", parse_query("8200").terms)
    assert marked(snippet) == ["８，２００"]
    snippet = highlight("ลดได้ ๘,๒๐๐ ตัน", parse_query("8,200").terms)
    assert marked(snippet) == ["๘,๒๐๐"]


def test_html_in_the_text_is_escaped():
    snippet = highlight("Costs <b>excluding</b> tax & duties", parse_query("tax").terms)
    assert snippet == "Costs &lt;b&gt;excluding&lt;/b&gt; <mark>tax</mark> &amp; duties"


def test_thai_snippet_keeps_tone_marks_and_marks_the_inner_word():
    text = "น้ำเสียจากโรงงานทอผ้าได้รับการบำบัด"
    snippet = highlight(text, parse_query("ทอผ้า").terms)
    assert visible(snippet) == text
    assert marked(snippet) == ["ทอผ้า"]


def test_raw_query_words_are_folded_before_matching():
    assert marked(highlight("Two heat pumps", {"Pumps"})) == ["pumps"]


def test_lone_bigram_inside_another_word_is_not_marked():
    text = "ทองคำและโรงงานทอผ้า"  # ทอ also starts ทอง (gold)
    assert marked(highlight(text, parse_query("ทอผ้า").terms)) == ["ทอผ้า"]


def test_snippet_is_a_window_around_the_best_match():
    filler = "The committee reviewed the documents submitted during the period. " * 8
    text = filler + "A waste heat recovery unit was installed at the kiln. " + filler
    snippet = highlight(text, parse_query("waste heat recovery").terms)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert len(visible(snippet)) <= SNIPPET_CHARS + 2
    assert marked(snippet) == ["waste", "heat", "recovery"]
    assert visible(snippet).strip("…") in text


def test_snippet_without_match_is_the_start_of_the_text():
    text = "x" * 500
    assert highlight(text, {"absent"}) == "x" * SNIPPET_CHARS + "…"


@pytest.mark.parametrize(
    "mark", ["\u0e34", "\u0e31", "\u0e48", "\u0e38"]
)  # sara i, mai han-akat, mai ek, sara u
def test_thai_window_edges_do_not_split_clusters(mark: str):
    text = "ก" * (SNIPPET_CHARS - 1) + ("ก" + mark) * 50  # the plain cut would fall before a mark
    kept = visible(highlight(text, {"absent"})).rstrip("…")
    assert text.startswith(kept)
    assert not THAI_MARKS.match(text[len(kept)])


# ---------------------------------------------------------------- properties

_ALPHABET = st.sampled_from(list("ทอผ้าน้ำก่ ๘,๒ ヒートポンプ太陽光発電のを ８，２ Heat pumps 8,200 <&>\"'\n"))


@settings(max_examples=60, deadline=None)
@given(st.lists(_ALPHABET, max_size=80).map("".join), st.lists(_ALPHABET, max_size=12).map("".join))
def test_any_text_gives_valid_tokens_and_a_faithful_snippet(text: str, query: str):
    for token in analyze(text):
        assert isinstance(token, Token)
        assert 0 <= token.start < token.end <= len(text)
    snippet = highlight(text, set(parse_query(query).terms))
    assert visible(snippet).strip("…") in text


def test_query_bigrams_are_not_turned_into_other_words():
    text = "工場と病院にヒートポンプを導入した"
    assert marked(highlight(text, set(parse_query("ヒートポンプ").terms))) == ["ヒートポンプ"]


def test_bigrams_shared_with_an_unrelated_word_are_not_marked():
    text = "ประหยัดพลังงานในโรงงานทอผ้า"  # พลังงาน shares the bigrams of งาน with โรงงาน
    assert marked(highlight(text, set(parse_query("โรงงานทอผ้า").terms))) == ["โรงงานทอผ้า"]


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("本事業では、ウランバートル市内の病院に空気熱源ヒートポンプを導入する。", "ポンプ 病院"),
        ("โครงการนี้ติดตั้งระบบผลิตไฟฟ้าพลังงานแสงอาทิตย์บนหลังคาโรงงานทอผ้า", "ทอผ้า"),
        ("Air-source heat pumps now warm three kindergartens; 8,200 tCO2e.", "heat pump 8200"),
    ],
)
def test_highlight_from_stored_tokens_equals_highlight_from_the_text(text: str, query: str):
    from indices.analysis import analyze_with_offsets

    _, tokens = analyze_with_offsets(text)
    terms = set(parse_query(query).terms)
    assert highlight(text, terms, tokens=tokens) == highlight(text, terms)


_JAPANESE = st.sampled_from(["空気熱源", "ヒートポンプ", "ﾋｰﾄﾎﾟﾝﾌﾟ", "太陽光発電所", "の", "を", "　", "ＬＥＤ",
                             "街路灯", "、", "光", "発電", "ポ", "ﾎﾟ", "ン"])


@settings(max_examples=80, deadline=None)
@given(st.lists(_JAPANESE, max_size=20).map("".join), st.sampled_from(
    ["ヒートポンプ", "ポンプ", "太陽光", "「太陽光発電」", "発電所 熱源", "ヒート", "光発", "街路灯"]))
def test_a_japanese_term_inside_a_longer_word_is_marked_alike_from_stored_tokens(text: str, query: str):
    from indices.analysis import analyze_with_offsets

    _, tokens = analyze_with_offsets(text)
    terms = set(parse_query(query).terms)
    assert highlight(text, terms, tokens=tokens) == highlight(text, terms)
