"""Tables of words that name one thing in English, Japanese and Thai (a technology, a building, a
province or city, an event), each row compiled to one guarded pattern. The provinces and cities of the
partner countries live here (data/places.tsv): a place names its country, for a document's metadata and
for telling projects apart."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from extractors.numbers import compile_guarded

PLACES_FILE = Path(__file__).parent / "data" / "places.tsv"
_LITERAL_RUN = re.compile(r"[^\\\[\](){}?*+|.^$]*")


@dataclass(frozen=True)
class Term:
    """One row of a table: its name, what it is, its pattern over the three languages' names and the
    country a place names."""

    name: str
    kind: str  # technology, building, place or event
    pattern: re.Pattern[str]
    country: str | None
    # The case-folded literal start of each of its names: a text holding none of them cannot name the
    # term, and is told so by a substring test far cheaper than the pattern's scan.
    starts: tuple[str, ...]
    capital: bool = False  # a place that is its country's capital

    def named_in(self, text: str, folded: str) -> bool:
        """Whether the text names the term; ``folded`` is text.casefold()."""
        return any(start in folded for start in self.starts) and self.pattern.search(text) is not None


def read_rows(path: Path) -> list[dict[str, str]]:
    """A tab-separated table's rows; lines starting with # are comments."""
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t"))


def read_terms(path: Path, kind: str | None = None) -> tuple[Term, ...]:
    """The table's terms; `kind` for a table whose rows are all of one kind (places)."""
    return tuple(term(row, kind) for row in read_rows(path))


def term(row: dict[str, str], kind: str | None = None) -> Term:
    names = alternatives(row["en"])
    english = [rf"(?<![A-Za-z])(?:{name})" for name in names]
    others = [name for language in ("ja", "th") for name in alternatives(row[language]) if name]
    pattern = compile_guarded("|".join(english + others), re.I)  # the guard skips text no name starts
    starts = tuple(literal_start(name).casefold() for name in names + others)
    capital = row.get("capital") == "yes"
    return Term(row["concept"], kind or row["kind"], pattern, row.get("country") or None, starts, capital)


@cache
def places() -> tuple[Term, ...]:
    return read_terms(PLACES_FILE, "place")


def places_named(text: str) -> list[Term]:
    """The provinces and cities a folded text names."""
    folded = text.casefold()
    return [place for place in places() if place.named_in(text, folded)]


def alternatives(pattern: str) -> list[str]:
    """The pattern's alternatives: split at each "|" outside groups and classes, so that
    "hydro(?:power|electric)?" stays one name."""
    parts, start, depth, escaped, in_class = [], 0, 0, False, False
    for index, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:index])
            start = index + 1
    return [*parts, pattern[start:]]


def literal_start(name: str) -> str:
    """The plain characters a name's pattern begins with ("boilers?" -> "boiler", "heat[- ]?pump" ->
    "heat"): every text the pattern matches holds them."""
    run = _LITERAL_RUN.match(name).group()  # type: ignore[union-attr]
    if run and name[len(run) : len(run) + 1] in ("?", "*", "+", "{"):  # the quantifier takes the last one
        run = run[:-1]
    return run
