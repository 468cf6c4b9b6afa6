"""A user's query string turned into what every backend must match, independent of any query syntax.

Quoted text ("waste heat recovery", “…”, 「…」) is one phrase; every other word is a unit of its
own. A unit holds the three ways an index may hold it, one per token stream of analysis.py: the
word tokens as a phrase, the Japanese mode A parts as a phrase and the character bigrams as a
phrase. A backend matches a unit when any of the three matches, and by default requires every unit.

With glossary expansion, units naming a glossary term (one word or several in a row) become one
clause whose alternatives are those words held together (in order, NAME_SLOP words between them at
most) or any other name of the concept, in the same or another language; the words one by one, and
the names of the terms inside them, are the clause's pieces, which count for part of it when too few
passages hold every clause. Every backend requires every clause but those of one grammar word (the,
の, ของ), which only add to the score of a passage holding them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from extractors.facts import country_mentions
from indices.analysis import Token, analyze, is_grammar_word
from indices.glossary import Glossary, Match, default_glossary

MAX_UNITS = 32
NAME_SLOP = 1  # words between the words of a glossary name (benchmarks/relevance.py: 0 and 2 did worse)
_QUOTED = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」|『([^』]*)』')


@dataclass(frozen=True, slots=True)
class QueryUnit:
    """One thing the query asks for. Each field is a sequence to match as a phrase (one item:
    a term); an empty sequence means the stream offers no way to match the unit."""

    words: tuple[str, ...]
    parts: tuple[str, ...] = ()
    grams: tuple[str, ...] = ()
    quoted: bool = False
    # Other words allowed between its words in the word stream: a glossary name of several words is
    # held by "issue 6,310 credits" as by "issue credits", as words typed are held anywhere in a passage.
    slop: int = 0


@dataclass(frozen=True, slots=True)
class QueryClause:
    """What every match must hold: all units of at least one alternative. A clause naming a partner
    country is also held, less strongly, by a passage of a document about that country that never
    writes its name (a plant in Darkhan is in Mongolia)."""

    alternatives: tuple[tuple[QueryUnit, ...], ...]
    country: str | None = None
    # A grammar word (the, の, ของ) is not required of a passage in the all-words tier: it says little
    # of what is asked, and a document in other words or another language lacks it.
    required: bool = True
    # The words of its multi-word alternatives one by one (glossary terms such as "credit issuance" or
    # クレジットの発行): when too few passages hold every clause, a passage holding some of a term's
    # words counts for part of it. Empty for a quoted phrase, whose words the user wants together.
    pieces: tuple[QueryUnit, ...] = ()
    # The user quoted the words: their own words matter more than the glossary's other names.
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    text: str
    units: tuple[QueryUnit, ...]
    terms: frozenset[str]
    clauses: tuple[QueryClause, ...] = ()
    also_searched: tuple[str, ...] = ()  # glossary terms the expansion added, to show the user

    @property
    def is_empty(self) -> bool:
        return not self.units

    @property
    def partly_matched(self) -> bool:
        """Whether a passage may hold part of the query: some of its clauses, or some words of a term."""
        return len(self.clauses) > 1 or any(clause.pieces for clause in self.clauses)

    @property
    def loose_words(self) -> tuple[str, ...]:
        """The words of the unquoted units in query order, to reward passages that keep them together."""
        return tuple(unit.words[0] for unit in self.units if not unit.quoted)


def parse_query(query: str, *, expand: bool = False) -> ParsedQuery:
    """The query's units; with ``expand``, glossary terms also search their other-language names."""
    units: list[QueryUnit] = []
    terms: set[str] = set()
    cursor = 0
    for quoted in _QUOTED.finditer(query):
        units.extend(_word_units(query[cursor : quoted.start()], terms))
        units.extend(_phrase_unit(next(group for group in quoted.groups() if group is not None), terms))
        cursor = quoted.end()
    units.extend(_word_units(query[cursor:], terms))
    kept = tuple(dict.fromkeys(units))[:MAX_UNITS]
    if not expand:
        return ParsedQuery(query, kept, frozenset(terms), _requiring_some(_plain_clauses(kept)))
    clauses, also_searched = _expanded_clauses(kept, terms)
    return ParsedQuery(query, kept, frozenset(terms), _requiring_some(clauses), also_searched)


def _plain_clauses(units: tuple[QueryUnit, ...]) -> tuple[QueryClause, ...]:
    return tuple(QueryClause(((unit,),), _country((unit,)), _required((unit,))) for unit in units)


def _required(units: tuple[QueryUnit, ...]) -> bool:
    """Whether a clause of these units is required: anything but one unquoted grammar word."""
    return len(units) != 1 or units[0].quoted or not is_grammar_word(units[0].words[0])


def _requiring_some(clauses: tuple[QueryClause, ...]) -> tuple[QueryClause, ...]:
    """The clauses, all required when none is: a query of grammar words only ("the", "の") asks for them."""
    if any(clause.required for clause in clauses):
        return clauses
    return tuple(replace(clause, required=True) for clause in clauses)


def _country(units: tuple[QueryUnit, ...], match: Match | None = None) -> str | None:
    """The partner country the units name, as documents' metadata names it: in the words typed, or
    else in the other names of the glossary term they name ("Lao" is a name of Lao PDR, ラオス)."""
    words = tuple(word for unit in units for word in unit.words)
    mentions = country_mentions(" ".join(words))
    if mentions:
        return mentions[0].value if len(mentions) == 1 else None
    if match is None:
        match = default_glossary().whole(words)
    others = match.others if match else ()
    named = {mention.value for term in others for mention in country_mentions(term.text)}
    return named.pop() if len(named) == 1 else None


def _expanded_clauses(
    units: tuple[QueryUnit, ...], terms: set[str]
) -> tuple[tuple[QueryClause, ...], tuple[str, ...]]:
    """Glossary matches over runs of unquoted units (and over a whole quoted phrase) become clauses
    with alternatives; ``terms`` gains the added terms' tokens so snippets mark them."""
    glossary = default_glossary()
    clauses: list[QueryClause] = []
    also_searched: dict[str, None] = {}
    index = 0
    while index < len(units):
        if units[index].quoted:
            whole = glossary.whole(units[index].words)
            clause = _clause(units[index : index + 1], whole, terms, also_searched)
            clauses.append(replace(clause, quoted=True))
            index += 1
            continue
        run_end = next((end for end in range(index, len(units)) if units[end].quoted), len(units))
        clauses.extend(_run_clauses(units[index:run_end], glossary, terms, also_searched))
        index = run_end
    return tuple(clauses), tuple(also_searched)


def _run_clauses(
    run: tuple[QueryUnit, ...], glossary: Glossary, terms: set[str], also_searched: dict[str, None]
) -> list[QueryClause]:
    by_start = {match.start: match for match in glossary.find([unit.words[0] for unit in run])}
    clauses: list[QueryClause] = []
    index = 0
    while index < len(run):
        match = by_start.get(index)
        end = match.end if match else index + 1
        clauses.append(_clause(run[index:end], match, terms, also_searched))
        index = end
    return clauses


def _clause(
    units: tuple[QueryUnit, ...], match: Match | None, terms: set[str], also_searched: dict[str, None]
) -> QueryClause:
    alternatives: list[tuple[QueryUnit, ...]] = [_together(units) if match else units]
    for term in match.others if match else ():
        synonym, synonym_terms = _term_unit(term.text)
        if synonym is not None and synonym not in units:
            alternatives.append((synonym,))
            terms.update(synonym_terms)
            also_searched[term.text] = None
    inner = _inner_names(units, terms) if match else []
    pieces = _pieces(units, alternatives, inner)
    return QueryClause(tuple(alternatives), _country(units, match), _required(units), pieces)


def _inner_names(units: tuple[QueryUnit, ...], terms: set[str]) -> list[QueryUnit]:
    """The glossary names of the terms inside a run of words typed ("waste heat" in "waste heat
    recovery": 廃熱, ความร้อนเหลือทิ้ง), as phrases; ``terms`` gains their tokens so snippets mark them."""
    if len(units) < 2:
        return []
    names: list[QueryUnit] = []
    for match in default_glossary().inner([unit.words[0] for unit in units]):
        for term in match.others:
            name, name_terms = _term_unit(term.text)
            if name is not None:
                names.append(name)
                terms.update(name_terms)
    return names


def _together(units: tuple[QueryUnit, ...]) -> tuple[QueryUnit, ...]:
    """Words typed that name a glossary term, matched together as its other names are (as Lucene's
    synonym graph makes a phrase of them): "credits issued" is not "issued a bond ... credit rating".
    Their words apart count for part of the term (QueryClause.pieces)."""
    if len(units) == 1:
        return units
    words = tuple(word for unit in units for word in unit.words)
    parts = tuple(part for unit in units for part in unit.parts) if all(u.parts for u in units) else ()
    return (QueryUnit(words=words, parts=parts, quoted=True, slop=NAME_SLOP),)


def _pieces(
    typed: tuple[QueryUnit, ...], alternatives: list[tuple[QueryUnit, ...]], inner: list[QueryUnit]
) -> tuple[QueryUnit, ...]:
    """Each word typed and of the other alternatives of several words, grammar words left out, and the
    names of the terms inside the words typed, once each; none when the user quoted the phrase."""
    if any(unit.quoted for unit in typed) and len(typed) == 1 and len(typed[0].words) > 1:
        return ()
    pieces: dict[tuple[str, ...], QueryUnit] = {}
    if len(typed) > 1:
        pieces.update((unit.words, unit) for unit in typed if not is_grammar_word(unit.words[0]))
    for (synonym,) in alternatives[1:]:
        if len(synonym.words) > 1:
            for word in synonym.words:
                if not is_grammar_word(word):
                    pieces.setdefault((word,), QueryUnit(words=(word,)))
    for name in inner:
        pieces.setdefault(name.words, name)
    return tuple(pieces.values())


@lru_cache(maxsize=4096)
def _term_unit(text: str) -> tuple[QueryUnit | None, frozenset[str]]:
    """A glossary term as a phrase unit and its token texts; the glossary is fixed, so this is cached."""
    terms: set[str] = set()
    units = _phrase_unit(text, terms)
    if not units:
        return None, frozenset()
    # Without character bigrams: a bigram phrase costs more than the rest of the query together,
    # and a glossary term is a dictionary word the segmenters know.
    unit = QueryUnit(words=units[0].words, parts=units[0].parts, quoted=True, slop=NAME_SLOP)
    # Its grammar words are not marked in snippets: "of" of "issuance of credits" would be marked
    # wherever a passage holding the other names writes it.
    marked = unit.words + unit.parts
    return unit, frozenset(term for term in terms if term in marked and not is_grammar_word(term))


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
