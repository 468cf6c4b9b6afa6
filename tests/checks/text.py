"""Facts from sentences through the real extraction, so a check test covers reading the text as well."""
from __future__ import annotations

from corpus.models import DocumentRef, Fact, RawBlock
from extractors.blocks import place_blocks
from extractors.facts import extract_facts


def facts_of(*paragraphs: str, document_id: str = "d1", filename: str = "doc.txt") -> list[Fact]:
    blocks = place_blocks([RawBlock(page=1, text=paragraph) for paragraph in paragraphs])
    return extract_facts(blocks, DocumentRef(id=document_id, filename=filename))


def rules_of(warnings: list) -> list[str]:
    return [w.rule for w in warnings]
