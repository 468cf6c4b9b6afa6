"""The glossary's data: every term reaches the index's analysis, and a concept links its languages."""
import json

import pytest

from indices.analysis import analyze
from indices.glossary import GLOSSARY_FILE, LANGUAGES, default_glossary, spellings

CONCEPTS = json.loads(GLOSSARY_FILE.read_text(encoding="utf-8"))["concepts"]


@pytest.mark.parametrize("concept", CONCEPTS, ids=[concept["en"][0] for concept in CONCEPTS])
def test_every_term_is_words_of_the_index_and_every_concept_names_all_three_languages(concept: dict) -> None:
    assert set(concept) == set(LANGUAGES)
    for language in LANGUAGES:
        for term in concept[language]:
            assert [t for t in analyze(term) if t.kind == "word"], f"{term} analyses to no words"


@pytest.mark.parametrize(("query", "finds"), [
    ("Chonburi", {"ชลบุรี", "チョンブリ"}),
    ("ho chi minh city", {"ホーチミン", "โฮจิมินห์"}),
    ("ヤンゴン", {"Yangon", "ย่างกุ้ง"}),
])
def test_a_place_named_in_one_language_is_also_searched_in_the_others(query: str, finds: set[str]) -> None:
    words = [t.text for t in analyze(query) if t.kind == "word"]
    [match] = default_glossary().find(words)
    assert finds <= {term.text for term in match.others}


@pytest.mark.parametrize(("query", "finds"), [
    ("是正処置要求", {"corrective action request"}),
    ("once-through boilers", {"貫流ボイラ"}),
    ("熱供給ボイラ", {"heat-only boiler"}),
    ("charging stations", {"充電ステーション", "สถานีอัดประจุไฟฟ้า"}),
    ("level of support", {"補助率", "subsidy rate"}),
    ("issue credits", {"クレジット発行"}),
    ("承認", {"approval"}),
    ("power", {"発電", "ไฟฟ้า"}),
])
def test_the_vocabulary_the_relevance_set_needed_links_the_languages(query: str, finds: set[str]) -> None:
    words = [t.text for t in analyze(query) if t.kind == "word"]
    match = default_glossary().whole(words)
    assert match is not None and finds <= {term.text for term in match.others}


@pytest.mark.parametrize(("query", "finds"), [
    ("チョットグラム", {"Chittagong", "Chattogram", "จิตตะกอง"}),
    ("Bukidnon", {"ブキドノン", "บูกิดนอน"}),
    ("Chon Buri", {"ชลบุรี", "チョンブリ"}),
    ("ทูฟ", set()),  # no place
])
def test_the_places_table_names_its_places_in_the_three_languages(query: str, finds: set[str]) -> None:
    words = [t.text for t in analyze(query) if t.kind == "word"]
    match = default_glossary().whole(words)
    assert finds <= ({term.text for term in match.others} if match else set())
    assert bool(match) == bool(finds)


def test_place_spellings_are_the_plain_names_of_the_patterns() -> None:
    assert spellings(r"Chon\s?Buri") == ["ChonBuri", "Chon Buri"]
    assert spellings(r"Hue(?![a-z])") == ["Hue"]
    assert spellings(r"Sainshand|Dornogovi") == ["Sainshand", "Dornogovi"]
    assert spellings(r"T[uö]v\s+(?:province|aimag)") == []  # a class and a group: no plain name
