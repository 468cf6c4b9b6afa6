"""Placing blocks: order, offsets into the document text, language."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from corpus.models import RawBlock
from extractors.blocks import document_text, place_blocks


def test_blocks_get_index_offsets_and_language() -> None:
    raw = [
        RawBlock(page=1, kind="heading", text="JCM selection notice"),
        RawBlock(page=1, text="รวม ๕,๐๐๐ ตัน"),
        RawBlock(page=2, kind="table_row", text="排出 | 3,250", cells=["排出", "3,250"], table=0, row=1),
    ]

    blocks = place_blocks(raw)

    assert [(b.index, b.start, b.end, b.language) for b in blocks] == [
        (0, 0, 20, "en"), (1, 21, 34, "th"), (2, 35, 45, "ja"),
    ]
    assert document_text(blocks) == "JCM selection notice\nรวม ๕,๐๐๐ ตัน\n排出 | 3,250"
    assert blocks[2].cells == ["排出", "3,250"] and blocks[2].kind == "table_row" and blocks[2].page == 2


def test_no_blocks_no_text() -> None:
    assert place_blocks([]) == [] and document_text([]) == ""


def test_place_blocks_takes_any_iterable() -> None:
    blocks = place_blocks(RawBlock(page=1, text=t) for t in ["a", "b"])

    assert [b.index for b in blocks] == [0, 1]


@given(st.lists(st.text(), max_size=20))
def test_offsets_always_point_at_the_block_text(block_texts: list[str]) -> None:
    blocks = place_blocks(RawBlock(page=1, text=text) for text in block_texts)
    text = document_text(blocks)

    assert [b.index for b in blocks] == list(range(len(block_texts)))
    assert all(text[b.start:b.end] == b.text for b in blocks)
