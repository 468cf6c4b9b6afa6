"""Language of a block by the script of its letters."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.language import detect_language


@pytest.mark.parametrize(("text", "language"), [
    ("รวมปริมาณก๊าซเรือนกระจกที่คาดว่าจะลดได้ทั้งสิ้น ๕,๐๐๐ ตัน", "th"),
    ("Emission reductions: 3,120 tCO2", "en"),
    ("排出削減量:1,350 tCO2/年", "ja"),
    ("プロジェクト", "ja"),
    ("環境省", "ja"),
    ("กลไกเครดิตร่วม Joint Crediting Mechanism (JCM) ของประเทศญี่ปุ่น", "th"),
    ("The Thai name of the mechanism is กลไกเครดิตร่วม, used in all notices.", "en"),
    ("JCM Model Projectの補助", "ja"),
    ("ＪＣＭ　ｍｏｄｅｌ", "en"),
    ("Société Générale", "en"),
    ("๒๕๖๗", "th"),
    ("1,350 | 2,400 | 45%", "und"),
    ("", "und"),
    ("  \n\t", "und"),
    ("—", "und"),
])
def test_language_by_dominant_script(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_any_kana_makes_japanese_win_over_latin() -> None:
    assert detect_language("Monitoring report for the heat pump project at the food factory の") == "ja"


def test_thai_beats_japanese_when_it_holds_more_letters() -> None:
    assert detect_language("โครงการติดตั้งหม้อไอน้ำ ボイラ") == "th"


@given(st.text())
def test_any_text_gets_one_of_the_four_labels(text: str) -> None:
    assert detect_language(text) in ("th", "en", "ja", "und")


@given(st.text(alphabet=st.characters(categories=("Nd", "Po", "Zs", "Sm", "Sc"), max_codepoint=0x7F)))
def test_digits_and_punctuation_alone_are_undetermined(text: str) -> None:
    assert detect_language(text) == "und"
