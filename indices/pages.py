"""What every backend indexes alike beside the blocks: a page passage for each page of several blocks,
and the stable keys that let a search collapse a page and its blocks, and a text repeated in a document."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence

from corpus.models import Passage
from indices.analysis import Streams
from indices.base import PAGE_BLOCK


def stable_key(text: str) -> int:
    """A stable 64-bit key (Python's hash() changes between processes)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def text_key(text: str) -> int:
    return stable_key(" ".join(text.split()).lower())


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
