"""The words and patterns fact extraction reads, loaded once from extractors/data: cue topics and
the kinds they give, countries, credit sides, dollars, labels and exchange-rate words."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import Any, NamedTuple

from extractors.numbers import (
    LabelledAlternation,
    compile_guarded,
    read_json,
    read_tsv,
)


class Cue(NamedTuple):
    topic: str
    start: int
    end: int


class _Mention(NamedTuple):
    """A period or a country named in a block."""

    start: int
    end: int
    value: str


def _cues() -> dict[str, Any]:
    return read_json("fact_cues.json")


def _alternation(patterns: Sequence[str]) -> str:
    return "|".join(patterns)


LANGUAGES = ("en", "ja", "th")


def _english_aware(patterns_by_language: dict[str, Any]) -> str:
    """One alternation of an entry's patterns in each language (its other keys, "_about" and the like, are
    no patterns); English patterns only match at a word start."""
    return _alternation(
        [
            rf"\b(?:{pattern})" if language == "en" else pattern
            for language, patterns in patterns_by_language.items()
            if language in LANGUAGES
            for pattern in patterns
        ]
    )


@cache
def _cue_alternation() -> LabelledAlternation:
    """Every cue pattern labelled by its topic, in the order of the topics and their patterns."""
    return LabelledAlternation(
        [
            (entry["topic"], rf"\b(?:{pattern})" if language == "en" else pattern)
            for entry in _cues()["topics"]
            for language, patterns in entry["patterns"].items()
            if language in LANGUAGES
            for pattern in patterns
        ],
        re.I,
    )


@cache
def _total_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Total words before a number, after it, and as a whole table-row label."""
    totals = _cues()["totals"]
    before = compile_guarded(rf"(?<![A-Za-z])(?:{_alternation(totals['before'])})", re.I)
    after = re.compile(rf"\s*(?:{_alternation(totals['after'])})(?![A-Za-z])", re.I)
    # a unit may follow the label: "Total (tCO2e)", "合計（tCO2/年）"
    unit = r"(?:[(（][^()（）]{1,20}[)）]\s*)?"
    row_label = re.compile(rf"\s*(?:{_alternation(totals['row_labels'])})\s*{unit}[:：.]?\s*", re.I)
    return before, after, row_label


@cache
def _header_roles() -> dict[str, re.Pattern[str]]:
    table = _cues()["table"]
    return {
        role: re.compile(rf"\s*(?:{_alternation(table[f'{role}_headers'])})\s*(?:[(（].*)?", re.I)
        for role in ("project", "country", "unit", "index", "period")
    }


@cache
def _base_of_relation() -> re.Pattern[str]:
    return re.compile(rf"\s*(?:{_alternation(_cues()['base_of_relations'])})\s*", re.I)


@cache
def _countries() -> tuple[re.Pattern[str], dict[str, str]]:
    canonical: dict[str, str] = {}
    alternatives: list[str] = []
    for row in read_tsv("countries.tsv"):
        for language in LANGUAGES:
            for name in row[language].split("|"):
                canonical[_country_key(name.replace("\\s?", "").replace("\\", ""))] = row["country"]
                alternatives.append(_country_alternative(name, language))
    alternatives.sort(key=len, reverse=True)
    return compile_guarded("|".join(alternatives), re.I), canonical


def _country_key(name: str) -> str:
    return name.replace(" ", "").lower()


def _country_alternative(name: str, language: str) -> str:
    if language == "en":
        return rf"\b{re.escape(name)}\b"
    if language == "ja":  # タイ must not be the start of タイプ
        return rf"(?:{name})(?![ァ-ヶー])"
    return name


@cache
def _project_nouns() -> re.Pattern[str]:
    return re.compile(_alternation(_cues()["subjects"]["project_nouns"]), re.I)


@cache
def _may_hold_number() -> re.Pattern[str]:
    words = [row["word"] for row in read_tsv("number_words.tsv")]
    fractions = [row["word"].split()[-1] for row in read_tsv("fraction_words.tsv")]
    english = _alternation([word for word in words + fractions if word.isascii()])
    others = _alternation([word[:2] for word in fractions if not word.isascii()])
    return re.compile(rf"[0-9๐-๙０-９〇一二三四五六七八九]|\b(?:{english})\b|{others}", re.I)


@cache
def _credit_sides() -> re.Pattern[str]:
    sides = {side: words for side, words in _cues()["credit_sides"].items() if not side.startswith("_")}
    groups = [f"(?P<s{index}>{_alternation(words)})" for index, words in enumerate(sides.values())]
    return compile_guarded(_alternation(groups), re.I)


def side_names() -> list[str]:
    """The sides issued credits go to ("Japan", "partner country"), as facts name them in `subject`."""
    return [side for side in _cues()["credit_sides"] if not side.startswith("_")]


@cache
def _dollar_names() -> dict[str, re.Pattern[str]]:
    dollars = {code: words for code, words in _cues()["dollars"].items() if not code.startswith("_")}
    return {code: re.compile(_alternation(words), re.I) for code, words in dollars.items()}


@cache
def _period_labels() -> tuple[re.Pattern[str], re.Pattern[str]]:
    cues = _cues()["document_period"]
    labels, titles = _alternation(cues["labels"]), _alternation(cues["titles"])
    return compile_guarded(labels, re.I), compile_guarded(titles, re.I)


# A form's item number before a label: "1.", "2)", "1.2.", and the lettered sections of the JCM forms
# ("A.1.", "C.2 ").
_ITEM_NUMBER = r"(?:[A-Z](?:\.[0-9]{1,2})+\.?|[0-9]{1,2}(?:\.[0-9]{1,2})*[.)])\s*"


@cache
def _project_label() -> re.Pattern[str]:
    labels = _alternation(_cues()["subjects"]["project_labels"])
    return re.compile(rf"\s*(?:{_ITEM_NUMBER})?(?:{labels})\s*[:：.]\s*(?P<name>\S.{{2,150}}?)\s*", re.I)


@cache
def _exchange_rate() -> tuple[re.Pattern[str], list[tuple[str, re.Pattern[str]]]]:
    rates = _cues()["exchange_rates"]
    names = _alternation([name for words in rates["currencies"].values() for name in words])
    one, equals, per = (_alternation(rates[key]) for key in ("one", "equals", "per"))
    currency = rf"(?:{names})(?![A-Za-z])"
    number = r"[0-9][0-9,]*(?:\.[0-9]+)?"
    stated = (
        rf"(?:(?:{one})\s*(?P<a>{currency})|(?P<a2>{currency})\s*(?:{one}))\s*(?:{equals})\s*"
        rf"(?:(?P<b>{currency})\s*)?(?P<n>{number})(?:\s*(?P<b2>{currency}))?"
    )
    per_unit = (
        rf"(?:(?P<b3>{currency})\s*)?(?P<n2>{number})(?:\s*(?P<b4>{currency}))?\s*(?:{per})\s*(?:(?:{one})\s*)?"
        rf"(?P<a3>{currency})"
    )
    codes = [(code, re.compile(_alternation(words), re.I)) for code, words in rates["currencies"].items()]
    return compile_guarded(rf"(?<![A-Za-z0-9.,])(?:{stated}|{per_unit})", re.I), codes


@cache  # asked for every cue of every clause, with a few dozen distinct pairs
def _kind_for(topic: str | None, unit_class: str) -> str | None:
    return _cues()["kind_by_topic"].get(topic or "", {}).get(unit_class)


def kinds_of_topic(topic: str) -> tuple[str, ...]:
    """The fact kinds a cue topic names, whatever the unit: "subsidy" names subsidy_amount and
    subsidy_share. For reading a question ("subsidy rate Thailand"), where no number gives the unit."""
    kinds = _cues()["kind_by_topic"].get(topic, {})
    return tuple(dict.fromkeys(kind for kind in kinds.values() if kind != _NOT_A_FACT))


def _fallback_kind(unit_class: str) -> str | None:
    return _cues()["fallback_kind"].get(unit_class)


# What kind_by_topic gives a number that a cue marks as outside the JCM facts: a loan, a national
# target, an efficiency.
_NOT_A_FACT = "none"


def _as_fact_kind(kind: str | None) -> str | None:
    return None if kind == _NOT_A_FACT else kind


# Cue topics that name an amount ("total support", "budget for ...").
_KIND_NAMING_TOPICS = frozenset({"subsidy", "subsidy_rate", "budget", "cost"})


# Between an amount's name and a cue that only says what it is for: "budget for the JCM Financing
# Programme", "cost of the project", "งบประมาณของโครงการสนับสนุน…".
_MODIFIER_GAP = re.compile(r"\s+(?:for|of)\s+(?:the\s+)?(?:JCM\s+)?|\s*(?:ของ|สำหรับ)\s*(?:โครงการ)?\s*", re.I)


def find_cues(folded: str) -> list[Cue]:
    """Cue words of a folded text with their topic: reduction, cost, subsidy, projects, ...; a cue that
    only modifies the cue before it ("budget for the financing programme") is left out."""
    return list(_cues_of(folded))


@lru_cache(maxsize=4096)  # a block's cues are asked for by its heading test, its prose and the block after
def _cues_of(folded: str) -> tuple[Cue, ...]:
    cues: list[Cue] = []
    for topic, match in _cue_alternation().finditer(folded):
        head = cues[-1] if cues else None
        if (
            head
            and head.topic in _KIND_NAMING_TOPICS
            and head.topic != topic
            and _MODIFIER_GAP.fullmatch(folded, head.end, match.start())
        ):
            continue
        cues.append(Cue(topic, match.start(), match.end()))
    return tuple(cues)


_THAI = re.compile(r"[\u0E00-\u0E7F]")
_JAPANESE = re.compile(r"[\u3040-\u30FF\u4E00-\u9FFF]")


def _pipeline_language(language: str, text: str) -> str:
    if language in LANGUAGES:
        return language
    return "th" if _THAI.search(text) else "ja" if _JAPANESE.search(text) else "en"


def country_mentions(folded: str, start: int = 0, end: int | None = None) -> list[_Mention]:
    """JCM partner countries named in a folded text, valued by their canonical English name."""
    return list(_country_mentions(folded, start, len(folded) if end is None else end))


@lru_cache(maxsize=8192)  # facts and metadata both look for countries in each block, one pass apart
def _country_mentions(folded: str, start: int, end: int) -> tuple[_Mention, ...]:
    pattern, canonical = _countries()
    return tuple(
        _Mention(match.start(), match.end(), canonical.get(_country_key(match.group()), match.group()))
        for match in pattern.finditer(folded, start, end)
    )
