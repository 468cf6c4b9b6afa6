"""A user's query string turned into what every backend must match, independent of any query syntax.

Quoted text ("waste heat recovery", “…”, 「…」) is one phrase; every other word is a unit of its
own. A unit holds the three ways an index may hold it, one per token stream of analysis.py: the
word tokens as a phrase, the Japanese mode A parts as a phrase and the character bigrams as a
phrase. A backend matches a unit when any of the three matches, and by default requires every unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indices.analysis import Token, analyze

MAX_UNITS = 32
_QUOTED = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」|『([^』]*)』')


@dataclass(frozen=True, slots=True)
class QueryUnit:
    """One thing the query asks for. Each field is a sequence to match as a phrase (one item:
    a term); an empty sequence means the stream offers no way to match the unit."""

    words: tuple[str, ...]
    parts: tuple[str, ...] = ()
    grams: tuple[str, ...] = ()
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    text: str
    units: tuple[QueryUnit, ...]
    terms: frozenset[str]

    @property
    def is_empty(self) -> bool:
        return not self.units

    @property
    def loose_words(self) -> tuple[str, ...]:
        """The words of the unquoted units in query order, to reward passages that keep them together."""
        return tuple(unit.words[0] for unit in self.units if not unit.quoted)


def parse_query(query: str) -> ParsedQuery:
    units: list[QueryUnit] = []
    terms: set[str] = set()
    cursor = 0
    for quoted in _QUOTED.finditer(query):
        units.extend(_word_units(query[cursor : quoted.start()], terms))
        units.extend(_phrase_unit(next(group for group in quoted.groups() if group is not None), terms))
        cursor = quoted.end()
    units.extend(_word_units(query[cursor:], terms))
    return ParsedQuery(query, tuple(dict.fromkeys(units))[:MAX_UNITS], frozenset(terms))


def _streams(text: str) -> tuple[list[Token], list[Token], list[Token]]:
    tokens = analyze(text)
    return (
        [token for token in tokens if token.kind == "word"],
        [token for token in tokens if token.kind == "part"],
        [token for token in tokens if token.kind == "gram"],
    )


def _inside(tokens: list[Token], start: int, end: int) -> tuple[str, ...]:
    return tuple(token.text for token in tokens if token.start >= start and token.end <= end)


def _word_units(text: str, terms: set[str]) -> list[QueryUnit]:
    words, parts, grams = _streams(text)
    terms.update(token.text for token in words + parts + grams)
    return [
        QueryUnit(
            words=(word.text,),
            parts=_inside(parts, word.start, word.end) or (word.text,),
            grams=_inside(grams, word.start, word.end),
        )
        for word in words
    ]


def _phrase_unit(text: str, terms: set[str]) -> list[QueryUnit]:
    words, parts, grams = _streams(text)
    if not words:
        return []
    terms.update(token.text for token in words + parts + grams)
    gram_phrase = _contiguous(grams) and grams[0].start == words[0].start and grams[-1].end == words[-1].end
    return [
        QueryUnit(
            words=tuple(word.text for word in words),
            parts=tuple(part.text for part in parts) if _covers(parts, words) else (),
            grams=tuple(gram.text for gram in grams) if gram_phrase else (),
            quoted=True,
        )
    ]


def _covers(parts: list[Token], words: list[Token]) -> bool:
    """Whether every word has parts (only Japanese words do), so the parts can stand for the phrase."""
    return all(_inside(parts, word.start, word.end) for word in words)


def _contiguous(grams: list[Token]) -> bool:
    """Whether the bigrams form one unbroken run (each overlaps the next), so they can be a phrase."""
    pairs = zip(grams, grams[1:], strict=False)
    return bool(grams) and all(second.start < first.end for first, second in pairs)
