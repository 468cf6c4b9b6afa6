"""Place a reader's blocks in their document: order, character offsets and language."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from corpus.models import Block, RawBlock
from extractors.language import detect_language

BLOCK_SEPARATOR = "\n"


def place_blocks(raw: Iterable[RawBlock]) -> list[Block]:
    """Blocks numbered 0..n-1 with their span in `document_text` and their language."""
    placed: list[Block] = []
    offset = 0
    for index, block in enumerate(raw):
        end = offset + len(block.text)
        # The fields from __dict__: dict(block) walks them through pydantic's __iter__, several times slower.
        fields = {**block.__dict__, "index": index, "start": offset, "end": end,
                  "language": detect_language(block.text)}
        placed.append(Block.model_validate(fields))
        offset = end + len(BLOCK_SEPARATOR)
    return placed


def document_text(blocks: Sequence[Block]) -> str:
    """The text the blocks' offsets refer to: block texts joined by a newline."""
    return BLOCK_SEPARATOR.join(block.text for block in blocks)
