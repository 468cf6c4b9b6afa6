"""What every backend does with its ranked matches, so they answer alike: de-duplication, totals,
facets, and the page passages added at index time."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from corpus.models import Passage
from indices.analysis import Streams
from indices.base import PAGE_BLOCK

SAME_TEXT_HITS = 3
MIN_WINDOW = 100  # ranked matches walked at least; result sets this small get exact totals and facets
WINDOW_PER_HIT = 4  # matches walked per hit asked for, room for the ones de-duplication drops
WALK_LIMIT = 10_000  # ranked matches walked at most
FACET_SIZE = 100
# A glossary term the user did not type ranks a little below their own words. Every name of a group
# scores with the group's blended idf (indices.blend), so this is the only difference left between
# them: benchmarks/relevance.py was best near 0.8 (0.45 kept documents in the other languages off
# the first page, 1.0 lets them outrank a quoted phrase's own words).
SYNONYM_BOOST = 0.8
# Quoted words ask for those very words: the other names of a quoted term rank further below.
QUOTED_SYNONYM_BOOST = 0.5
# A country named by the document's metadata only (a plant in Darkhan is in Mongolia) counts, below words.
METADATA_BOOST = 0.2
# Some words of a term of several words (credit issuance, クレジットの発行) count for part of it.
PIECE_BOOST = 0.5
# When too few passages hold every word, those holding some follow; every word held ranks far above.
FULL_MATCH_BOOST = 10.0
STREAM_BOOSTS = {"words": 1.0, "parts": 0.7, "grams": 0.4}
FACETS = ("language", "doc_type", "country", "year", "has_warnings")

RowKey = tuple[object, int, int, object]  # document, page, block, text key


def synonym_boost(quoted: bool) -> float:
    """The boost of the glossary names the user did not type, in a quoted clause or not."""
    return QUOTED_SYNONYM_BOOST if quoted else SYNONYM_BOOST


def stable_key(text: str) -> int:
    """A stable 64-bit key (Python's hash() changes between processes)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def text_key(text: str) -> int:
    return stable_key(" ".join(text.split()).lower())


def first_window(wanted: int) -> int:
    return min(max(MIN_WINDOW, wanted * WINDOW_PER_HIT), WALK_LIMIT)


def collapse(keys: Iterable[RowKey]) -> list[int]:
    """Rows in rank order without flooding: a page passage and blocks of that page never both appear
    (whichever ranks first wins the page), and one text recurring in a document (a running header,
    a sentence repeated on every page) appears at most SAME_TEXT_HITS times."""
    kept: list[int] = []
    page_owner: dict[tuple[object, int], bool] = {}
    repeats: Counter[tuple[object, object]] = Counter()
    for row, (document, page, block, text) in enumerate(keys):
        is_page = block == PAGE_BLOCK
        if page_owner.setdefault((document, page), is_page) != is_page:
            continue
        repeats[document, text] += 1
        if repeats[document, text] <= SAME_TEXT_HITS:
            kept.append(row)
    return kept


def estimated_total(walked: int, kept: int, count: int) -> int:
    """Results after de-duplication; beyond the window, estimated with the window's rate of keeping."""
    if walked >= count or walked == 0:
        return kept
    return kept + round((count - walked) * kept / walked)


def named_counts(values: Iterable[object], name: Callable[[object], str] = str) -> dict[str, int]:
    """Counts of the values under their facet names, most frequent first; missing values are left out."""
    counts: Counter[str] = Counter()
    for value, passages in Counter(values).items():
        if value is not None:
            counts[name(value)] += passages
    return dict(counts.most_common())


# The passage field behind each facet (has_warnings is the viewer's: see warnings_field).
FACET_FIELDS = {"language": "language", "doc_type": "doc_type", "country": "countries", "year": "year"}


def facet_aggregation(warnings_flag: str) -> dict:
    """The terms aggregation of every facet, in the request shape tantivy and Elasticsearch share."""
    fields = {**FACET_FIELDS, "has_warnings": warnings_flag}
    return {facet: {"terms": {"field": field, "size": FACET_SIZE}} for facet, field in fields.items()}


def warnings_field(public_only: bool) -> str:
    """The passage flag behind the has_warnings filter and facet: a public viewer's excludes warnings
    that involve a confidential document."""
    return "public_warnings" if public_only else "has_warnings"


def flag_name(flag: object) -> str:
    return str(bool(flag)).lower()


def bucket_counts(buckets: Sequence[dict]) -> dict[str, int]:
    """An aggregation's term buckets (tantivy and Elasticsearch write them alike) as facet counts."""
    return {str(bucket.get("key_as_string", bucket["key"])): bucket["doc_count"] for bucket in buckets}


def page_passage(blocks: Sequence[tuple[Passage, Streams]]) -> tuple[Passage, Streams]:
    """The page passage: the blocks' texts and token streams joined in block order."""
    ordered = sorted(blocks, key=lambda pair: pair[0].block)
    passages = [passage for passage, _ in ordered]
    streams = Streams(
        [word for _, stream in ordered for word in stream.words],
        [part for _, stream in ordered for part in stream.parts],
        [gram for _, stream in ordered for gram in stream.grams],
    )
    text = "\n".join(passage.text for passage in passages)
    page = passages[0].model_copy(
        update={"language": _main_language(passages), "block": PAGE_BLOCK, "text": text}
    )
    return page, streams


def pages_needing_passage(
    analysed: Sequence[tuple[Passage, Streams]],
) -> list[list[tuple[Passage, Streams]]]:
    """The pages given with several blocks (and no page passage of their own), each as its blocks."""
    pages: dict[tuple[str, int], list[tuple[Passage, Streams]]] = {}
    for passage, streams in analysed:
        pages.setdefault((passage.document.id, passage.page), []).append((passage, streams))
    return [
        blocks
        for blocks in pages.values()
        if len(blocks) > 1 and all(passage.block != PAGE_BLOCK for passage, _ in blocks)
    ]


def _main_language(passages: list[Passage]) -> str:
    chars: Counter[str] = Counter()
    for passage in passages:
        chars[passage.language] += len(passage.text)
    return chars.most_common(1)[0][0]
