"""The JCM glossary (data/glossary.json): one concept named in English, Japanese and Thai, so a query
in one language also finds passages written in the others. The provinces and cities of the places
table (extractors/data/places.tsv, which also gives documents their countries) are concepts too.

Terms are analysed with the same analysis as passages and matched against the query's word tokens,
so "Heat Pumps" matches the term "heat pump" and ボイラー matches ボイラ.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from extractors.terms import PLACES_FILE, alternatives, read_rows
from indices.analysis import analyze

GLOSSARY_FILE = Path(__file__).parent / "data" / "glossary.json"
LANGUAGES = ("en", "ja", "th")
_LOOKAROUND = re.compile(r"\(\?<?[!=][^)]*\)")  # Hue(?![a-z]): a guard, no part of the name
_PATTERN_SYNTAX = re.compile(r"[\\\[\](){}?*+|.^$]")


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    language: str
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Match:
    """Query words start..end (exclusive) name a glossary term; ``others`` are its concept's other terms."""

    start: int
    end: int
    others: tuple[Term, ...]


class Glossary:
    def __init__(self, concepts: Sequence[dict[str, list[str]]]) -> None:
        self._concepts: list[tuple[Term, ...]] = []
        self._by_words: dict[tuple[str, ...], list[int]] = {}
        for concept in concepts:
            self._add_concept(concept)
        self._longest = max((len(words) for words in self._by_words), default=0)

    def _add_concept(self, concept: dict[str, list[str]]) -> None:
        terms = tuple(
            Term(text, language, _words(text))
            for language in LANGUAGES
            for text in concept.get(language, [])
        )
        terms = tuple(term for term in terms if term.words)
        concept_id = len(self._concepts)
        self._concepts.append(terms)
        for term in terms:
            self._by_words.setdefault(term.words, []).append(concept_id)

    def find(self, words: Sequence[str]) -> list[Match]:
        """Non-overlapping matches, longest first from left to right."""
        matches: list[Match] = []
        start = 0
        while start < len(words):
            match = self._match_at(words, start)
            if match is None:
                start += 1
                continue
            matches.append(match)
            start = match.end
        return matches

    def whole(self, words: Sequence[str]) -> Match | None:
        """The match of all the words together (a quoted phrase naming a term), if any."""
        match = self._match_at(words, 0)
        return match if match is not None and match.end == len(words) else None

    def inner(self, words: Sequence[str]) -> list[Match]:
        """The terms named by a part of the words, shorter than all of them ("waste heat" and "heat" in
        "waste heat recovery"), longest first at each start."""
        matches: list[Match] = []
        for start in range(len(words)):
            shorter = words[start:] if start else words[: len(words) - 1]
            match = self._match_at(shorter, 0)
            if match is not None:
                matches.append(Match(start + match.start, start + match.end, match.others))
        return matches

    def _match_at(self, words: Sequence[str], start: int) -> Match | None:
        for end in range(min(len(words), start + self._longest), start, -1):
            key = tuple(words[start:end])
            concept_ids = self._by_words.get(key)
            if concept_ids:
                others = {
                    term.words: term
                    for concept_id in concept_ids
                    for term in self._concepts[concept_id]
                    if term.words != key
                }
                return Match(start, end, tuple(others.values()))
        return None


def _words(text: str) -> tuple[str, ...]:
    return tuple(token.text for token in analyze(text) if token.kind == "word")


@lru_cache(maxsize=1)
def default_glossary() -> Glossary:
    """The glossary file's concepts and the provinces and cities of extractors/data/places.tsv, so a
    place named in one language is searched by its names in the others (チョットグラム, Chattogram)."""
    data = json.loads(GLOSSARY_FILE.read_text(encoding="utf-8"))
    return Glossary([*data["concepts"], *place_concepts()])


def place_concepts() -> list[dict[str, list[str]]]:
    """Each place of the places table as a concept of the plain spellings of its names (in at least
    two languages: one language alone links nothing)."""
    concepts = []
    for row in read_rows(PLACES_FILE):
        concept = {language: spellings(row[language]) for language in LANGUAGES}
        if sum(bool(names) for names in concept.values()) >= 2:
            concepts.append(concept)
    return concepts


def spellings(pattern: str) -> list[str]:
    """The plain names a places-table pattern writes ("Chon\\s?Buri" -> Chonburi, Chon Buri); an
    alternative with other pattern syntax (classes, groups) is left out."""
    names: list[str] = []
    for alternative in alternatives(pattern):
        plain = _LOOKAROUND.sub("", alternative).replace("\\s+", " ")
        for name in (plain.replace("\\s?", ""), plain.replace("\\s?", " ")):
            if name and not _PATTERN_SYNTAX.search(name) and name not in names:
                names.append(name)
    return names
