"""Which documents speak about the same project, whatever their language.

A document is reduced to a signature: its host country (from the country gazetteer, or implied by a
place it names), the methodology ids it cites and the technologies, buildings and places it names (from
a small table of equivalent words in English, Japanese and Thai). Two documents are the same project
only when the signatures agree strongly; documents about several projects are never matched.
"""
from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import combinations
from pathlib import Path

from corpus.models import DocumentRef, Fact
from extractors.facts import country_mentions
from extractors.numbers import compile_guarded, find_periods, fold

TERMS_FILE = Path(__file__).parent / "data" / "project_terms.tsv"
_METHODOLOGY = re.compile(r"(?<![A-Za-z])[A-Z]{2}_AM\d{3}(?!\d)")
_LETTERS = re.compile(r"[^\W\d_]")
MIN_NAME_LETTERS = 4
_LITERAL_RUN = re.compile(r"[^\\\[\](){}?*+|.^$]*")
_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# How much of the named words two documents must share to be the same project.
MIN_SHARED_CONCEPTS = 2
MIN_CONCEPT_OVERLAP = 0.5
# A project name this long (letters and digits) is one project's, whatever it is about.
MIN_NAME_CHARACTERS = 16
_NOT_A_LETTER = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class DocumentProfile:
    """What a document says beyond its numbers: its opening text and the monitoring period it covers."""

    document: DocumentRef
    text: str = ""
    monitoring_period: str | None = None


@dataclass(frozen=True)
class Signature:
    countries: frozenset[str]
    methodologies: frozenset[str]
    concepts: frozenset[str]
    projects_named: frozenset[str] = field(default_factory=frozenset)

    @property
    def host_country(self) -> str | None:
        return next(iter(self.countries)) if len(self.countries) == 1 else None

    @property
    def single_project(self) -> bool:
        return len(self.projects_named) <= 1 and self.host_country is not None


@dataclass(frozen=True)
class _Concept:
    name: str
    pattern: re.Pattern[str]
    country: str | None
    # The case-folded literal start of each of its names: a text holding none of them cannot name the
    # concept, and is told so by a substring test far cheaper than the pattern's scan.
    starts: tuple[str, ...]

    def named_in(self, text: str, folded: str) -> bool:
        """Whether the text names the concept; ``folded`` is text.casefold()."""
        return any(start in folded for start in self.starts) and self.pattern.search(text) is not None


@cache
def _concepts() -> tuple[_Concept, ...]:
    with TERMS_FILE.open(encoding="utf-8") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        return tuple(_concept(row) for row in rows)


def _concept(row: dict[str, str]) -> _Concept:
    names = alternatives(row["en"])
    english = [rf"(?<![A-Za-z])(?:{name})" for name in names]
    others = [name for language in ("ja", "th") for name in alternatives(row[language]) if name]
    pattern = compile_guarded("|".join(english + others), re.I)  # the guard skips text no name starts
    starts = tuple(literal_start(name).casefold() for name in names + others)
    return _Concept(row["concept"], pattern, row.get("country") or None, starts)


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


def profile_of(document: DocumentRef, texts: Iterable[str], limit: int = 4000) -> DocumentProfile:
    """A document's profile from its opening texts (title, host country, monitoring period)."""
    opening = ""
    for text in texts:
        if len(opening) >= limit:
            break
        opening += text + "\n"
    return DocumentProfile(document, opening, monitoring_period(opening))


def monitoring_period(text: str) -> str | None:
    """The one date range a text states ("2023-10-01/2024-09-30"), else a pair of dates on one line."""
    ranges = {p.value for p in find_periods(text) if "/" in p.value}
    if len(ranges) == 1:
        return ranges.pop()
    if ranges:
        return None
    for line in text.splitlines():
        dates = [p.value for p in find_periods(line) if _FULL_DATE.fullmatch(p.value)]
        if len(dates) == 2 and dates[0] < dates[1]:
            return f"{dates[0]}/{dates[1]}"
    return None


def signature(facts: Sequence[Fact], profile: DocumentProfile | None) -> Signature:
    texts = [profile.text if profile else ""] + [f.evidence.text for f in facts]
    text = fold("\n".join(dict.fromkeys(texts)))
    folded = text.casefold()
    named = [c for c in _concepts() if c.named_in(text, folded)]
    countries = {m.value for m in country_mentions(text)} | {c.country for c in named if c.country}
    known = {m.value for f in facts if f.subject for m in country_mentions(fold(f.subject))}
    projects = {f.subject for f in facts if f.subject and f.subject not in known and _is_name(f.subject)}
    return Signature(
        countries=frozenset(countries),
        methodologies=frozenset(_METHODOLOGY.findall(text)),
        concepts=frozenset(c.name for c in named),
        projects_named=frozenset(projects),
    )


def _is_name(subject: str) -> bool:
    """A table row labelled by its period ("2023-04-01 to 2024-03-31") names no project."""
    rest = subject
    for period in sorted(find_periods(subject), key=lambda p: p.start, reverse=True):
        rest = rest[: period.start] + rest[period.end :]
    return len(_LETTERS.findall(rest)) >= MIN_NAME_LETTERS


def same_project(first: Signature, second: Signature) -> bool:
    """Conservative: the same single host country, no conflicting methodology, the same things named."""
    if not (first.single_project and second.single_project) or first.host_country != second.host_country:
        return False
    if first.methodologies and second.methodologies and not first.methodologies & second.methodologies:
        return False
    if _names(first) & _names(second):  # the same project name, whatever technology it is about
        return True
    shared = first.concepts & second.concepts
    if first.methodologies & second.methodologies and shared:
        return True
    union = first.concepts | second.concepts
    return len(shared) >= MIN_SHARED_CONCEPTS and len(shared) / len(union) >= MIN_CONCEPT_OVERLAP


def _names(found: Signature) -> set[str]:
    """The project's names, compared without case, spacing or punctuation; a short name ("Energy
    saving") may be two projects' and names none."""
    names = {_NOT_A_LETTER.sub("", name.casefold()) for name in found.projects_named}
    return {name for name in names if len(name) >= MIN_NAME_CHARACTERS}


def project_pairs(
    signatures: Mapping[str, Signature], involving: Collection[str] | None = None
) -> list[tuple[str, str]]:
    """Pairs of documents (ids in sorted order) that speak about the same single project; with
    `involving`, only the pairs with at least one of those documents."""
    by_country: dict[str, list[str]] = defaultdict(list)
    for document_id, found in sorted(signatures.items()):
        if found.single_project and found.host_country:
            by_country[found.host_country].append(document_id)
    return [
        (first, second)
        for group in by_country.values()
        for first, second in (combinations(group, 2) if involving is None else _pairs_with(group, involving))
        if same_project(signatures[first], signatures[second])
    ]


def _pairs_with(group: list[str], involving: Collection[str]) -> list[tuple[str, str]]:
    """The pairs of a group that hold one of `involving`: as many as the group is long, not its square."""
    members = set(group)
    found = {
        (min(one, other), max(one, other))
        for one in involving if one in members
        for other in group if other != one
    }
    return sorted(found)


def stored_profile(profile: DocumentProfile, facts: Sequence[Fact]) -> tuple[str | None, str]:
    """What is kept of a document for the checks across documents: the host country within which it can
    be paired with others (None: a document without facts, or about several projects, never is), and its
    profile and signature (as `dump_profile` writes them)."""
    found = signature(sorted(facts, key=lambda f: f.evidence.start), profile)
    host = found.host_country if facts and found.single_project else None
    return host, dump_profile(profile, found)


def dump_profile(profile: DocumentProfile, found: Signature) -> str:
    """A document's profile and signature as stored beside it: both depend on that document only."""
    return json.dumps({
        "text": profile.text,
        "monitoring_period": profile.monitoring_period,
        "countries": sorted(found.countries),
        "methodologies": sorted(found.methodologies),
        "concepts": sorted(found.concepts),
        "projects_named": sorted(found.projects_named),
    }, ensure_ascii=False)


def load_profile(document: DocumentRef, stored: str) -> tuple[DocumentProfile, Signature]:
    data = json.loads(stored)
    fields = ("countries", "methodologies", "concepts", "projects_named")
    found = Signature(*(frozenset(data[field]) for field in fields))
    return DocumentProfile(document, data["text"], data["monitoring_period"]), found


def group_projects(signatures: Mapping[str, Signature]) -> list[list[str]]:
    """Documents grouped by project: the same-project pairs joined; a single-project document that
    matches no other is a project of its own. Documents about several projects belong to none."""
    parent = {d: d for d, found in signatures.items() if found.single_project}

    def root(document_id: str) -> str:
        while parent[document_id] != document_id:
            parent[document_id] = parent[parent[document_id]]
            document_id = parent[document_id]
        return document_id

    for first, second in project_pairs(signatures):
        parent[max(root(first), root(second))] = min(root(first), root(second))
    groups: dict[str, list[str]] = defaultdict(list)
    for document_id in sorted(parent):
        groups[root(document_id)].append(document_id)
    return sorted(groups.values())
