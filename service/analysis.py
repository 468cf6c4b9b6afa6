"""Analysis of one file: read, place blocks, extract facts and metadata. Pure, and run in workers."""
from __future__ import annotations

from dataclasses import dataclass

from corpus.models import Block, DocumentRef, Fact, PageInfo, RawBlock
from extractors.blocks import place_blocks
from extractors.facts import extract_facts
from extractors.metadata import DocumentMetadata, describe
from extractors.readers import read_document


@dataclass
class Analysis:
    """Everything extracted from one file, before anything is stored."""

    media_type: str
    pages: list[PageInfo]
    blocks: list[Block]
    facts: list[Fact]
    metadata: DocumentMetadata


def analyse(data: bytes, filename: str, document: DocumentRef) -> Analysis:
    """Read, place and extract: a pure function of the file's bytes."""
    reading = read_document(data, filename)
    blocks = place_blocks(reading.blocks)
    facts = extract_facts(blocks, document)
    return Analysis(reading.media_type, reading.pages, blocks, facts, describe(filename, blocks, facts))


def warm_up() -> None:
    """Build the extraction pipelines once, so that every worker forked afterwards starts ready."""
    blocks = place_blocks(
        RawBlock(page=1, text=text)
        for text in ("Emission reductions: 1,000 tCO2 per year.", "排出削減量は約1,000トンである。",
                     "ลดได้ ๑,๐๐๐ ตันต่อปี")
    )
    extract_facts(blocks, DocumentRef(id="warm-up", filename="warm-up.txt"))
