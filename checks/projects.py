"""Which documents speak about the same project, whatever their language.

A document is reduced to a signature of what it says about its project: host country (from the country
gazetteer, or implied by a place or a JCM project id it names), JCM project and methodology ids, the
project's name, its capacity, the technologies, buildings, places and events it names (from a table of
equivalent words in English, Japanese and Thai) and its year. Two documents are one project only when
that evidence agrees and nothing contradicts it; each resolution says why. A reviewer's decision, where
there is one, outweighs the evidence.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import combinations
from pathlib import Path

from corpus.models import DocumentRef, Fact, ProfileRow, ProjectDecision, ProjectLink
from extractors.facts.lexicon import country_mentions, side_names
from extractors.numbers import find_periods, fold
from extractors.terms import Term, places, read_rows, read_terms

DATA = Path(__file__).parent / "data"
TERMS_FILE = DATA / "project_terms.tsv"
PROJECT_IDS_FILE = DATA / "project_ids.tsv"
# Bumped when a signature gains evidence: profiles stored under an older version are computed again.
PROFILE_VERSION = 2
_METHODOLOGY = re.compile(r"(?<![A-Za-z])[A-Z]{2}_AM\d{3}(?!\d)")
_LETTERS = re.compile(r"[^\W\d_]")
MIN_NAME_LETTERS = 4
_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# How much of the named words two documents must share to be the same project.
MIN_SHARED_CONCEPTS = 2
MIN_CONCEPT_OVERLAP = 0.5
# A project name this long (letters and digits) is one project's, whatever it is about.
MIN_NAME_CHARACTERS = 16
_NOT_A_LETTER = re.compile(r"[\W_]+")
# How much of the sentences stating numbers a signature reads, beside the opening text.
MAX_EVIDENCE_CHARACTERS = 20_000
# Capacities as loosely stated as news states them ("a 16 MW plant" for 16.4 MW) are the same plant.
SAME_CAPACITY = 0.1
# An issuance of fewer credits than this is too common a figure to tell one project's from another's.
MIN_ISSUANCE = 50
# News of one event (the first credits of a country) is of one project within a year of it.
EVENT_YEARS = 1
Decisions = Mapping[tuple[str, str], bool]  # (first id, second id) in sorted order -> one project or not


@dataclass(frozen=True)
class DocumentProfile:
    """What a document says beyond its numbers: its opening text, the monitoring period it covers and
    the year it is of."""

    document: DocumentRef
    text: str = ""
    monitoring_period: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class Signature:
    countries: frozenset[str]
    methodologies: frozenset[str]
    concepts: frozenset[str]  # technologies and buildings
    projects_named: frozenset[str] = field(default_factory=frozenset)
    places: frozenset[str] = field(default_factory=frozenset)
    project_ids: frozenset[str] = field(default_factory=frozenset)
    capacities: frozenset[float] = field(default_factory=frozenset)  # kW
    events: frozenset[str] = field(default_factory=frozenset)
    issuances: frozenset[float] = field(default_factory=frozenset)  # tCO2e of credits issued in all
    year: int | None = None

    @property
    def host_country(self) -> str | None:
        return next(iter(self.countries)) if len(self.countries) == 1 else None

    @property
    def single_project(self) -> bool:
        """About one project: one name, one id, at most one host country, and something that tells it."""
        one = len(self.projects_named) <= 1 and len(self.project_ids) <= 1 and len(self.countries) <= 1
        return one and bool(identity_keys(self))


@dataclass(frozen=True)
class Resolution:
    """Whether two documents are one project, and why (what agrees, or what tells them apart)."""

    same: bool
    reasons: tuple[str, ...]
    decided_by: str = "evidence"  # or "reviewer"


@cache
def _concepts() -> tuple[Term, ...]:
    """Technologies, buildings and events (this folder's table), and the places of the partner countries."""
    return read_terms(TERMS_FILE) + places()


@cache
def _project_ids() -> tuple[re.Pattern[str], dict[str, str]]:
    """JCM project reference numbers (TH003, MN-002) and the host country each prefix names."""
    countries = {row["prefix"]: row["country"] for row in read_rows(PROJECT_IDS_FILE)}
    prefixes = "|".join(sorted(countries))
    return re.compile(rf"(?<![A-Za-z0-9_])({prefixes})-?(\d{{3}})(?![\d_])"), countries


def profile_of(
    document: DocumentRef, texts: Iterable[str], limit: int = 4000, year: int | None = None
) -> DocumentProfile:
    """A document's profile from its opening texts (title, host country, monitoring period)."""
    opening = ""
    for text in texts:
        if len(opening) >= limit:
            break
        opening += text + "\n"
    return DocumentProfile(document, opening, monitoring_period(opening), year)


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


# ---------------------------------------------------------------- signatures


# A place that only tells how far the site lies from it is no site: "230 km north of the capital city
# Ulaanbaatar", "ウランバートルから北へ約230km", "ห่างจากกรุงเทพฯ 80 กิโลเมตร".
_REFERENCE_PLACE = re.compile(
    r"\d[\d,.]*\s*(?:km|kilomet(?:er|re)s?|miles?)\s+"
    r"(?:(?:north|south|east|west)(?:[- ]?(?:east|west))?(?:ward)?\s+)?"
    r"(?:of|from)\s+(?:the\s+)?(?:capital(?:\s+city)?(?:\s+of)?\s+)?[A-Z][\w-]*"
    r"|[^\s、。,]{1,12}?(?:から|より)(?:北|南|東|西|北東|北西|南東|南西)?(?:に|へ)?約?\d[\d,.]*\s*(?:km|キロ)"
    r"|ห่างจาก\S{1,20}?\s*\d[\d,.]*\s*(?:กม\.?|กิโลเมตร)",
    re.I,
)


def signature(facts: Sequence[Fact], profile: DocumentProfile | None) -> Signature:
    text = _REFERENCE_PLACE.sub(" ", fold(_signature_text(facts, profile)))
    folded = text.casefold()
    named = [c for c in _concepts() if c.named_in(text, folded)]
    id_pattern, id_countries = _project_ids()
    ids = {f"{prefix}{number}" for prefix, number in id_pattern.findall(text)}
    countries = (
        {m.value for m in country_mentions(text)}
        | {c.country for c in named if c.country}
        | {id_countries[i[:2]] for i in ids}
    )
    known = {m.value for f in facts if f.subject for m in country_mentions(fold(f.subject))}
    known |= set(side_names())  # the side a share of credits went to names no project
    projects = {f.subject for f in facts if f.subject and f.subject not in known and _is_name(f.subject)}
    return Signature(
        countries=frozenset(countries),
        methodologies=frozenset(_METHODOLOGY.findall(text)),
        concepts=frozenset(c.name for c in named if c.kind in ("technology", "building")),
        projects_named=frozenset(projects),
        places=frozenset(c.name for c in named if c.kind == "place"),
        project_ids=frozenset(ids),
        capacities=frozenset(_capacities(facts)),
        events=frozenset(c.name for c in named if c.kind == "event"),
        issuances=frozenset(_issuances(facts)),
        year=profile.year if profile else None,
    )


def _signature_text(facts: Sequence[Fact], profile: DocumentProfile | None) -> str:
    """The opening text and the sentences stating numbers, up to a bound: what tells a project is said
    early, and a long report's thousandth sentence would only cost time."""
    texts, size = [profile.text if profile else ""], 0
    for sentence in dict.fromkeys(f.evidence.text for f in facts):
        if size >= MAX_EVIDENCE_CHARACTERS:
            break
        texts.append(sentence)
        size += len(sentence)
    return "\n".join(texts)


def _capacities(facts: Sequence[Fact]) -> set[float]:
    return {
        f.value for f in facts
        if f.kind == "capacity" and f.unit == "kW" and not f.is_total and f.qualifier in ("exact", "approx")
    }


def _issuances(facts: Sequence[Fact]) -> set[float]:
    """Credits issued in all (not one side's share): with its country, what identifies an issuance."""
    sides = set(side_names())
    return {
        f.value for f in facts
        if f.kind == "credits_issued" and f.unit == "tCO2e" and f.subject not in sides
        and f.qualifier == "exact" and f.value >= MIN_ISSUANCE
    }


def _is_name(subject: str) -> bool:
    """A table row labelled by its period ("2023-04-01 to 2024-03-31") names no project."""
    rest = subject
    for period in sorted(find_periods(subject), key=lambda p: p.start, reverse=True):
        rest = rest[: period.start] + rest[period.end :]
    return len(_LETTERS.findall(rest)) >= MIN_NAME_LETTERS


def _names(found: Signature) -> set[str]:
    """The project's names, compared without case, spacing or punctuation; a short name ("Energy
    saving") may be two projects' and names none."""
    names = {_NOT_A_LETTER.sub("", name.casefold()) for name in found.projects_named}
    return {name for name in names if len(name) >= MIN_NAME_CHARACTERS}


def identity_keys(found: Signature) -> frozenset[str]:
    """What another document must share with this one to be a candidate for the same project: its host
    country, JCM project id or name. A document with none of them is paired by a reviewer only."""
    keys = {f"country:{c}" for c in found.countries if len(found.countries) == 1}
    keys |= {f"id:{i}" for i in found.project_ids} | {f"name:{n}" for n in _names(found)}
    return frozenset(keys)


# ---------------------------------------------------------------- resolution


def resolve(first: Signature, second: Signature) -> Resolution:
    """Whether two documents speak about one project: only when their evidence agrees and nothing
    contradicts it. A shared project id or name outweighs a different site or capacity, which then
    is an inconsistency to warn about rather than another project."""
    if not (first.single_project and second.single_project):
        return Resolution(False, ("a document speaks about several projects",))
    conflicts = _conflicts(first, second)
    if conflicts:
        return Resolution(False, conflicts)
    identifiers = _identifiers(first, second)
    if identifiers:
        return Resolution(True, identifiers + _agreements(first, second))
    apart = _site_conflicts(first, second)
    if apart:
        return Resolution(False, apart)
    if not (first.host_country and second.host_country):
        return Resolution(False, ("no shared project id or name, and a host country is not stated",))
    agreements = _agreements(first, second)
    if _enough(first, second):
        return Resolution(True, agreements)
    return Resolution(False, ("too little in common: " + ("; ".join(agreements) or "nothing"),))


def _conflicts(first: Signature, second: Signature) -> tuple[str, ...]:
    found = []
    if first.host_country and second.host_country and first.host_country != second.host_country:
        found.append(f"different host countries: {first.host_country}, {second.host_country}")
    for label, one, other in (
        ("JCM project ids", first.project_ids, second.project_ids),
        ("methodologies", first.methodologies, second.methodologies),
    ):
        if one and other and not one & other:
            found.append(f"different {label}: {_listed(one)}; {_listed(other)}")
    return tuple(found)


def _identifiers(first: Signature, second: Signature) -> tuple[str, ...]:
    found = []
    if first.project_ids & second.project_ids:
        found.append(f"same JCM project id: {_listed(first.project_ids & second.project_ids)}")
    if _names(first) & _names(second):
        common = _names(second)
        shared = sorted(n for n in first.projects_named if _NOT_A_LETTER.sub("", n.casefold()) in common)
        found.append(f"same project name: {shared[0] if shared else _listed(_names(first) & _names(second))}")
    return tuple(found)


def _site_conflicts(first: Signature, second: Signature) -> tuple[str, ...]:
    """Another site, capacity or technology: the same company and technology elsewhere is another
    project, and so is another technology in the same country."""
    found = []
    one, other = _technologies(first.concepts), _technologies(second.concepts)
    if one and other and not one & other:
        found.append(f"different technologies: {_listed(one)}; {_listed(other)}")
    one_site, other_site = _sites(first), _sites(second)
    if one_site and other_site and not one_site & other_site:
        found.append(f"different sites: {_listed(one_site)}; {_listed(other_site)}")
    if first.capacities and second.capacities and not _capacity_in_common(first, second):
        found.append(
            f"different capacities: {_listed(_kw(first.capacities))}; {_listed(_kw(second.capacities))}"
        )
    return tuple(found)


def _capacity_in_common(first: Signature, second: Signature) -> bool:
    return any(
        abs(one - other) <= SAME_CAPACITY * max(one, other)
        for one in first.capacities for other in second.capacities
    )


def _agreements(first: Signature, second: Signature) -> tuple[str, ...]:
    found = []
    if first.host_country and first.host_country == second.host_country:
        found.append(f"same host country: {first.host_country}")
    for label, one, other in (
        ("methodology", first.methodologies, second.methodologies),
        ("site", _sites(first), _sites(second)),
        ("technology or building", first.concepts, second.concepts),
        ("event", first.events, second.events),
    ):
        if one & other:
            found.append(f"same {label}: {_listed(one & other)}")
    if _capacity_in_common(first, second):
        found.append("same capacity")
    issued = first.issuances & second.issuances
    if issued:
        found.append(f"same credit issuance: {_listed(f'{v:,.0f} tCO2e' for v in issued)}")
    return tuple(found)


def _enough(first: Signature, second: Signature) -> bool:
    """In one host country: a shared methodology or site with a shared technology or building, an event
    of the same year with a shared technology, the same credit issuance, or most of what both name."""
    things = first.concepts & second.concepts
    if things and (first.methodologies & second.methodologies or _sites(first) & _sites(second)):
        return True
    if _technologies(things) and first.events & second.events and _close_years(first, second):
        return True
    if first.issuances & second.issuances:
        return True
    shared = (first.concepts | _sites(first)) & (second.concepts | _sites(second))
    union = first.concepts | _sites(first) | second.concepts | _sites(second)
    return len(shared) >= MIN_SHARED_CONCEPTS and len(shared) / len(union) >= MIN_CONCEPT_OVERLAP


def _sites(found: Signature) -> frozenset[str]:
    """The places that may tell a project apart: a capital does not (extractors/data/places.tsv)."""
    return found.places - _capitals()


@cache
def _capitals() -> frozenset[str]:
    return frozenset(place.name for place in places() if place.capital)


def _technologies(concepts: Iterable[str]) -> set[str]:
    technologies = _technology_names()
    return {name for name in concepts if name in technologies}


@cache
def _technology_names() -> frozenset[str]:
    return frozenset(c.name for c in _concepts() if c.kind == "technology")


def _close_years(first: Signature, second: Signature) -> bool:
    return first.year is None or second.year is None or abs(first.year - second.year) <= EVENT_YEARS


def _listed(values: Iterable[object]) -> str:
    return ", ".join(sorted(str(v) for v in values))


def _kw(values: Iterable[float]) -> list[str]:
    return [f"{v:,.0f} kW" for v in values]


def same_project(first: Signature, second: Signature) -> bool:
    return resolve(first, second).same


# ---------------------------------------------------------------- pairs and groups


def decided(first: str, second: str, decisions: Decisions) -> Resolution | None:
    """A reviewer's decision on the pair, if there is one."""
    same = decisions.get((min(first, second), max(first, second)))
    if same is None:
        return None
    return Resolution(same, ("a reviewer linked them" if same else "a reviewer separated them",), "reviewer")


def resolve_pair(
    first: str, second: str, signatures: Mapping[str, Signature], decisions: Decisions
) -> Resolution:
    return decided(first, second, decisions) or resolve(signatures[first], signatures[second])


def candidate_pairs(
    signatures: Mapping[str, Signature], decisions: Decisions, involving: Collection[str] | None = None
) -> set[tuple[str, str]]:
    """Pairs (ids in sorted order) that share an identity key or a reviewer's decision; with
    `involving`, only those holding one of these documents."""
    by_key: dict[str, list[str]] = defaultdict(list)
    for document_id, found in sorted(signatures.items()):
        if found.single_project:
            for key in identity_keys(found):
                by_key[key].append(document_id)
    pairs = {pair for group in by_key.values() for pair in _pairs_in(group, involving)}
    pairs |= {(a, b) for a, b in decisions if a in signatures and b in signatures}
    if involving is not None:
        pairs = {(a, b) for a, b in pairs if a in involving or b in involving}
    return pairs


def _pairs_in(group: list[str], involving: Collection[str] | None) -> Iterable[tuple[str, str]]:
    """The pairs of a group, or those holding one of `involving`: as many as the group is long, not its
    square."""
    if involving is None:
        return combinations(group, 2)
    members = set(group)
    return {
        (min(one, other), max(one, other))
        for one in involving if one in members
        for other in group if other != one
    }


def project_pairs(
    signatures: Mapping[str, Signature],
    involving: Collection[str] | None = None,
    decisions: Decisions | None = None,
) -> list[tuple[str, str]]:
    """Pairs of documents (ids in sorted order) that speak about the same single project, by the
    evidence or a reviewer's decision; with `involving`, only the pairs with one of those documents."""
    return [pair for pair, _ in _same_project_pairs(signatures, decisions or {}, involving)]


def _same_project_pairs(
    signatures: Mapping[str, Signature], decisions: Decisions, involving: Collection[str] | None
) -> list[tuple[tuple[str, str], Resolution]]:
    """The candidate pairs found to be one project, in sorted order, each with its resolution."""
    resolved = (
        ((first, second), resolve_pair(first, second, signatures, decisions))
        for first, second in candidate_pairs(signatures, decisions, involving)
    )
    return sorted(((pair, found) for pair, found in resolved if found.same), key=lambda item: item[0])


def decisions_by_pair(decisions: Iterable[ProjectDecision]) -> Decisions:
    """Reviewers' decisions as the resolution reads them: one project or not, by pair of document ids."""
    return {(d.documents[0], d.documents[1]): d.same for d in decisions}


def group_projects(
    signatures: Mapping[str, Signature], decisions: Decisions | None = None
) -> list[tuple[list[str], list[ProjectLink]]]:
    """Documents grouped by project, each group with the links that joined it and their reasons: the
    reviewers' links first, then the evidence's, never joining documents a reviewer separated. A
    single-project document that matches no other is a project of its own."""
    decisions = decisions or {}
    members = {d: {d} for d, found in signatures.items() if found.single_project}
    members |= {d: {d} for pair in decisions for d in pair if d in signatures}
    apart = {pair for pair, same in decisions.items() if not same}
    links: list[ProjectLink] = []
    same = _same_project_pairs(signatures, decisions, None)
    for (first, second), resolution in sorted(same, key=lambda item: item[1].decided_by != "reviewer"):
        if members[first] is members[second] or _separated(members[first], members[second], apart):
            continue
        links.append(ProjectLink(documents=[first, second], decided_by=resolution.decided_by,
                                 reasons=list(resolution.reasons)))
        joined = members[first] | members[second]
        for document_id in joined:
            members[document_id] = joined
    groups = {min(group): sorted(group) for group in members.values()}
    ordered = [group for _, group in sorted(groups.items())]
    return [(group, [link for link in links if link.documents[0] in group]) for group in ordered]


def _separated(one: set[str], other: set[str], apart: set[tuple[str, str]]) -> bool:
    return any((min(a, b), max(a, b)) in apart for a in one for b in other)


# ---------------------------------------------------------------- storage


def stored_profile(profile: DocumentProfile, facts: Sequence[Fact]) -> ProfileRow:
    """What is kept of a document for the checks across documents: its host country, the keys by which
    other documents about its project are found (none for a document without facts, or about several
    projects) and its profile and signature (as `dump_profile` writes them)."""
    found = signature(sorted(facts, key=lambda f: f.evidence.start), profile)
    keys = tuple(sorted(identity_keys(found))) if facts and found.single_project else ()
    return ProfileRow(found.host_country, dump_profile(profile, found), keys)


def dump_profile(profile: DocumentProfile, found: Signature) -> str:
    """A document's profile and signature as stored beside it: both depend on that document only."""
    return json.dumps({
        "version": PROFILE_VERSION,
        "text": profile.text,
        "monitoring_period": profile.monitoring_period,
        "year": profile.year,
        **{name: sorted(getattr(found, name)) for name in _SET_FIELDS},
    }, ensure_ascii=False)


_SET_FIELDS = (
    "countries", "methodologies", "concepts", "projects_named", "places", "project_ids", "capacities",
    "events", "issuances",
)


def load_profile(document: DocumentRef, stored: str) -> tuple[DocumentProfile, Signature]:
    data = json.loads(stored)
    year = data.get("year")
    sets = {name: frozenset(data.get(name, ())) for name in _SET_FIELDS}
    found = Signature(**sets, year=year)  # type: ignore[arg-type]
    return DocumentProfile(document, data["text"], data["monitoring_period"], year), found
