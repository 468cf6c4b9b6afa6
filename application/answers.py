"""Fact answers for a search: a query that names a kind of fact ("subsidy rate Thailand", "補助率",
"ปริมาณการลดก๊าซ เวียดนาม 2023") is also answered with the facts of that kind, for the country and year
it names, above the passages."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from application.projects import about_country
from corpus.filters import overlaps
from corpus.models import Document, Fact
from corpus.store import Catalog
from extractors.facts import country_mentions, find_cues, kinds_of_topic
from extractors.numbers import find_periods, fold

MAX_ANSWERS = 5
# Topics that name a kind only together with a number, never in a question: "emissions" alone asks for
# no fact kind, "emission reductions" does.
_CONTEXT_TOPICS = frozenset({"ghg"})
_YEAR = re.compile(r"\d{4}")
# A number standing alone that can only be a year: 1990-2099, or 2533-2642 in the Buddhist Era.
_BARE_YEAR = re.compile(r"(?<![\d.,])(?:19[9]\d|20\d\d|25[3-9]\d|26[0-4]\d)(?![\d.,%])")
BUDDHIST_ERA_OFFSET = 543
LATEST_GREGORIAN_YEAR = 2099


@dataclass(frozen=True)
class FactQuestion:
    """What a query asks for, read as a question about facts."""

    kinds: tuple[str, ...]
    country: str | None = None
    year: int | None = None


def fact_question(query: str) -> FactQuestion | None:
    """The fact kinds a query names, with the one country and year it names; None when it names no kind."""
    folded = fold(query)
    kinds: dict[str, None] = {}
    for cue in find_cues(folded):
        if cue.topic not in _CONTEXT_TOPICS:
            kinds.update(dict.fromkeys(kinds_of_topic(cue.topic)))
    if not kinds:
        return None
    countries = {mention.value for mention in country_mentions(folded)}
    return FactQuestion(tuple(kinds), countries.pop() if len(countries) == 1 else None, _year(folded))


def _year(folded: str) -> int | None:
    """The one year a query names: 2023, 令和5年 or 2566 (Buddhist Era), as the facts' periods give it."""
    years = {int(p.value[:4]) for p in find_periods(folded) if _YEAR.match(p.value)}
    for match in _BARE_YEAR.finditer(folded):
        year = int(match.group())
        years.add(year - BUDDHIST_ERA_OFFSET if year > LATEST_GREGORIAN_YEAR else year)
    return years.pop() if len(years) == 1 else None


def fact_answers(
    catalog: Catalog,
    query: str,
    *,
    include_confidential: bool,
    country: str | None = None,
    year: int | None = None,
) -> list[Fact]:
    """The facts a query asks for, newest documents' first, at most MAX_ANSWERS; none for a query that is
    no question about facts. A year is the fact's period's, else its document's; `country` and `year`
    (a search's filters) stand in for those the query does not name."""
    question = fact_question(query)
    if question is None:
        return []
    question = replace(question, country=question.country or country, year=question.year or year)
    # The documents are read once, for the country and the year of every kind's facts.
    documents = {d.id: d for d in catalog.list_documents(include_confidential=include_confidential)}
    years = {document_id: document.year for document_id, document in documents.items()}
    found = [
        fact
        for fact in catalog.facts(kinds=question.kinds, include_confidential=include_confidential)
        if _answers(fact, question, documents.get(fact.document.id))
    ]
    found.sort(key=lambda f: (-(years.get(f.document.id) or 0), f.document.id, f.evidence.start))
    return found[:MAX_ANSWERS]


def _answers(fact: Fact, question: FactQuestion, document: Document | None) -> bool:
    """Whether the fact is of the country and the year the question names, if it names them."""
    if question.country and not about_country(fact, question.country, document):
        return False
    return question.year is None or _of_year(fact, question.year, document.year if document else None)


def _of_year(fact: Fact, year: int, document_year: int | None) -> bool:
    if fact.period:
        return overlaps(fact.period, (date(year, 1, 1), date(year, 12, 31)))
    return document_year == year
