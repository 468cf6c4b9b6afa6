"""Search relevance: our own judged test set, measured through the real ingest and search.

    python benchmarks/relevance.py [--backend embedded|elasticsearch] [--es-url URL] [--verbose]

Ingests benchmarks/relevance/docs (short JCM documents in English, Japanese and Thai, written for this
set after real publication types) into a throw-away data folder through application.archive.Archive, runs
every query of benchmarks/relevance/queries.json through Reading.search (glossary expansion on, as by
default) and ranks documents by their first passage in the hits. Prints, per query type and overall,
the mean recall@10 (documents judged >= 1 among the first ten / all documents judged >= 1) and nDCG@10
(gain = grade, discount log2(rank + 1), ideal from the judgements), beside the goal; --verbose lists
each query's missed documents and its top hits. Elasticsearch is used with --backend elasticsearch
(URL from --es-url or JCM_ES_URL; a throw-away index is created and dropped).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

SET_DIR = Path(__file__).resolve().parent / "relevance"
DOCS_DIR = SET_DIR / "docs"
QUERIES_FILE = SET_DIR / "queries.json"
TYPES = ("en", "ja", "th", "cross", "multiword", "phrase", "place", "number")
CUTOFF = 10
HITS = 100  # passages asked for: enough to fill ten distinct documents
GOAL_RECALL = 0.95
GOAL_NDCG = 0.85


@dataclass(frozen=True)
class Query:
    id: str
    query: str
    type: str
    judgements: dict[str, int]  # document file name -> grade 1..3; unlisted documents are 0


def load_queries(path: Path = QUERIES_FILE) -> list[Query]:
    items = json.loads(path.read_text(encoding="utf-8"))
    return [Query(q["id"], q["query"], q["type"], dict(q["judgements"])) for q in items]


def corpus_files(folder: Path = DOCS_DIR) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def distinct(names: Iterable[str]) -> list[str]:
    """Names in order of first occurrence."""
    return list(dict.fromkeys(names))


def recall_at(ranking: Sequence[str], judgements: Mapping[str, int], k: int = CUTOFF) -> float:
    relevant = {name for name, grade in judgements.items() if grade >= 1}
    if not relevant:
        return 1.0
    return len(relevant & set(ranking[:k])) / len(relevant)


def dcg(grades: Iterable[int]) -> float:
    return sum(grade / math.log2(rank + 1) for rank, grade in enumerate(grades, start=1))


def ndcg_at(ranking: Sequence[str], judgements: Mapping[str, int], k: int = CUTOFF) -> float:
    ideal = dcg(sorted(judgements.values(), reverse=True)[:k])
    if ideal == 0:
        return 1.0
    return dcg(judgements.get(name, 0) for name in ranking[:k]) / ideal


@dataclass(frozen=True)
class Outcome:
    query: Query
    ranking: list[str]  # distinct document file names, best first
    recall: float
    ndcg: float


def score(query: Query, ranking: list[str]) -> Outcome:
    return Outcome(query, ranking, recall_at(ranking, query.judgements), ndcg_at(ranking, query.judgements))


def table(outcomes: Sequence[Outcome]) -> list[str]:
    goal = f"goal: recall@10 >= {GOAL_RECALL:.2f}, nDCG@10 >= {GOAL_NDCG:.2f}"
    lines = [f"{'type':<10} {'queries':>7} {'recall@10':>10} {'nDCG@10':>8}   {goal}"]
    groups = [(kind, [o for o in outcomes if o.query.type == kind]) for kind in TYPES]
    for kind, group in [*groups, ("overall", list(outcomes))]:
        if not group:
            continue
        recall = sum(o.recall for o in group) / len(group)
        ndcg = sum(o.ndcg for o in group) / len(group)
        met = "met" if recall >= GOAL_RECALL and ndcg >= GOAL_NDCG else "not met"
        lines.append(f"{kind:<10} {len(group):>7} {recall:>10.3f} {ndcg:>8.3f}   {met}")
    return lines


def misses(outcome: Outcome) -> str:
    top = outcome.ranking[:CUTOFF]
    judged = sorted(outcome.query.judgements.items(), key=lambda item: -item[1])
    missed = [f"{name} ({grade})" for name, grade in judged if name not in top]
    shown = ", ".join(f"{name}{'*' if outcome.query.judgements.get(name, 0) else ''}" for name in top[:5])
    return (f"{outcome.query.id} [{outcome.query.type}] {outcome.query.query!r}: recall {outcome.recall:.2f} "
            f"nDCG {outcome.ndcg:.2f}\n    missed: {', '.join(missed) or '-'}\n    top: {shown or '-'}")


def run(backend: str, es_url: str | None, queries: Sequence[Query]) -> list[Outcome]:
    from application.access import OPERATOR
    from application.archive import Archive
    from application.projects import ProjectResolver
    from application.reading import Reading
    from application.settings import Settings

    with tempfile.TemporaryDirectory(prefix="jcm-relevance-") as data_dir:
        settings = Settings(data_dir=Path(data_dir), workers=1, search_backend=backend, es_url=es_url,
                            es_index=f"jcm-relevance-{os.getpid()}")
        archive = Archive(settings)
        try:
            failed = [o for o in archive.ingestion.ingest_paths([DOCS_DIR]) if o.status == "failed"]
            if failed:
                raise SystemExit(f"ingest failed: {failed}")
            outcomes = []
            read = Reading(archive, ProjectResolver(archive.catalog), OPERATOR)
            for query in queries:
                hits = read.search(query.query, HITS).hits
                outcomes.append(score(query, distinct(hit.document.filename for hit in hits)))
            return outcomes
        finally:
            if backend == "elasticsearch":
                archive.index.drop()  # type: ignore[attr-defined]
            archive.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("embedded", "elasticsearch"), default="embedded")
    parser.add_argument("--es-url", default=os.environ.get("JCM_ES_URL"))
    parser.add_argument("--verbose", action="store_true", help="each query's misses and top documents")
    args = parser.parse_args(argv)
    if args.backend == "elasticsearch" and not args.es_url:
        parser.error("--backend elasticsearch needs --es-url or JCM_ES_URL")
    queries = load_queries()
    outcomes = run(args.backend, args.es_url, queries)
    print(f"{len(corpus_files())} documents, {len(queries)} queries, backend {args.backend}")
    if args.verbose:
        for outcome in outcomes:
            if outcome.recall < 1 or outcome.ndcg < 1:
                print(misses(outcome))
        print()
    print("\n".join(table(outcomes)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
