"""Language of a text by the scripts its letters are written in: Thai, Japanese or English (Latin)."""
from __future__ import annotations

import re

from corpus.models import Language

THAI_LETTERS = re.compile(r"[\u0e01-\u0e4f]+")
THAI_DIGITS = re.compile(r"[\u0e50-\u0e59]+")
KANA = re.compile(r"[\u3041-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9d]+")
KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005\u3006]+")
LATIN_LETTERS = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\uff21-\uff3a\uff41-\uff5a]+")


def _count(pattern: re.Pattern[str], text: str) -> int:
    return sum(map(len, pattern.findall(text)))


def detect_language(text: str) -> Language:
    """The language whose script dominates the letters of `text`.

    Any kana makes Japanese win over Latin letters, because Japanese prose routinely carries
    Latin terms (JCM, tCO2) while English prose never carries kana. Kanji without kana count as
    Japanese: Chinese is not a language of this corpus. Thai digits alone still say Thai.
    """
    if text.isascii():  # an O(1) check in CPython that spares three scans of English text
        thai = kana = kanji = 0
    else:
        thai, kana, kanji = _count(THAI_LETTERS, text), _count(KANA, text), _count(KANJI, text)
    latin = _count(LATIN_LETTERS, text)
    japanese = kana + kanji
    if not (thai or japanese or latin):
        return "th" if THAI_DIGITS.search(text) else "und"
    if kana:
        latin = 0
    best = max(thai, japanese, latin)
    if thai == best:
        return "th"
    if japanese == best:
        return "ja"
    return "en"


def is_thai(char: str) -> bool:
    return "\u0e00" <= char <= "\u0e7f"


def is_thai_digit(char: str) -> bool:
    return "\u0e50" <= char <= "\u0e59"


def is_cjk(char: str) -> bool:
    """Kana, kanji, CJK punctuation and full-width forms: text written without spaces between words."""
    return (
        "\u3000" <= char <= "\u30ff"
        or "\u3400" <= char <= "\u4dbf"
        or "\u4e00" <= char <= "\u9fff"
        or "\uf900" <= char <= "\ufaff"
        or "\uff00" <= char <= "\uffef"
        or "\u31f0" <= char <= "\u31ff"
    )
