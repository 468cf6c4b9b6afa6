"""Reindexing hands the index a long document in page-aligned runs, so memory stays flat."""
from application.refresh import page_batches
from corpus.models import Block


def blocks_on_pages(per_page: list[int]) -> list[Block]:
    blocks: list[Block] = []
    for page, count in enumerate(per_page, start=1):
        for _ in range(count):
            index = len(blocks)
            blocks.append(Block(page=page, text=f"b{index}", index=index, start=0, end=2, language="en"))
    return blocks


def test_runs_cover_every_block_once_in_order_and_end_at_a_page_end():
    blocks = blocks_on_pages([3, 4, 2, 5, 1, 6])
    runs = list(page_batches(blocks, size=5))
    assert [b.index for run in runs for b in run] == list(range(len(blocks)))
    for before, after in zip(runs, runs[1:], strict=False):
        assert before[-1].page != after[0].page  # no page is split between two runs
    assert all(len(run) < 5 + 6 for run in runs)


def test_a_page_longer_than_a_run_stays_whole():
    blocks = blocks_on_pages([2, 12, 1])
    runs = list(page_batches(blocks, size=4))
    assert [len(run) for run in runs] == [14, 1]


def test_no_blocks_no_runs():
    assert list(page_batches([], size=4)) == []
