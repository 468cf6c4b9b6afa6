"""What a document is: its type, the partner countries it is about and its year, for filters and facets."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from corpus.models import Block, Fact
from extractors.facts.lexicon import country_mentions
from extractors.numbers import compile_guarded, find_periods, fold, read_json
from extractors.terms import places_named

TITLE_BLOCKS = 5
# A document says where its project is early on; its places are read there only.
PLACE_BLOCKS = 50
YEARS = range(1990, 2100)


@dataclass(frozen=True)
class DocumentMetadata:
    doc_type: str | None = None
    countries: list[str] = field(default_factory=list)
    year: int | None = None


@cache
def _type_patterns() -> dict[str, re.Pattern[str]]:
    cues = {k: v for k, v in read_json("doc_types.json").items() if not k.startswith("_")}
    return {
        doc_type: compile_guarded("|".join(p for patterns in by_language.values() for p in patterns), re.I)
        for doc_type, by_language in cues.items()
    }


def document_type(filename: str, blocks: Sequence[Block]) -> str | None:
    """The type named in the file name or the title region wins; else the type the text cues most."""
    title = " ".join([filename.replace("_", " "), *(b.text for b in blocks[:TITLE_BLOCKS])])
    for doc_type, pattern in _type_patterns().items():
        if pattern.search(title):
            return doc_type
    text = " ".join(b.text for b in blocks)
    counts = Counter({t: len(p.findall(text)) for t, p in _type_patterns().items()})
    best = counts.most_common(1)
    return best[0][0] if best and best[0][1] else None


def countries_of(blocks: Sequence[Block], facts: Sequence[Fact]) -> list[str]:
    """Partner countries the document names, most mentioned first; then those it names only through a
    province or city (a plant in Darkhan is in Mongolia), searched and filtered as the others."""
    mentions = Counter(m.value for b in blocks for m in country_mentions(fold(b.text)))
    mentions.update(f.subject for f in facts if f.subject in mentions)
    named = [country for country, _ in mentions.most_common()]
    implied = Counter(place.country for b in blocks[:PLACE_BLOCKS] for place in places_named(fold(b.text)))
    return named + [country for country, _ in implied.most_common() if country not in mentions]


def year_of(blocks: Sequence[Block]) -> int | None:
    """The first year stated in the title region, else the year the document states most often."""
    title_years = _years(blocks[:TITLE_BLOCKS])
    if title_years:
        return title_years[0]
    counted = Counter(_years(blocks)).most_common(1)
    return counted[0][0] if counted else None


def _years(blocks: Sequence[Block]) -> list[int]:
    years = []
    for block in blocks:
        for period in find_periods(block.text):
            year = int(period.value[:4]) if period.value[:4].isdigit() else None
            if year in YEARS:
                years.append(year)
    return years


def describe(filename: str, blocks: Sequence[Block], facts: Sequence[Fact]) -> DocumentMetadata:
    return DocumentMetadata(document_type(filename, blocks), countries_of(blocks, facts), year_of(blocks))
