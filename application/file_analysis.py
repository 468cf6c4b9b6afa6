"""Analysis of one file: read, place blocks, extract facts and metadata, check the facts against each
other. Pure, and run in workers."""
from __future__ import annotations

from dataclasses import dataclass, replace

from checks import run_checks
from checks.projects import profile_of, stored_profile
from corpus.models import Block, ConsistencyWarning, DocumentRef, Fact, PageInfo, ProfileRow
from corpus.store import FactRow, fact_rows
from extractors.blocks import place_blocks
from extractors.facts import extract_facts
from extractors.metadata import DocumentMetadata, describe
from extractors.readers import read_document
from extractors.readers.common import Progress


@dataclass
class Analysis:
    """Everything extracted from one file, before anything is stored."""

    media_type: str
    pages: list[PageInfo]
    blocks: list[Block]
    facts: list[Fact]
    metadata: DocumentMetadata
    # Host country, keys and profile as the checks across documents keep them: computed here, on the
    # worker's core, rather than read back from the catalog by the parent.
    profile: ProfileRow
    # those of the document's own facts; the ones across documents need the archive
    warnings: list[ConsistencyWarning]
    fact_rows: list[FactRow]  # the facts as the catalog stores them

    def for_the_catalog(self) -> Analysis:
        """What a worker sends back: the facts as rows only, which pickle at a fifth of the models' cost
        (the catalog needs nothing else of them)."""
        return replace(self, facts=[])


@dataclass(frozen=True)
class AnalysisFailed:
    """A file that could not be analysed, and why, in words for whoever uploaded it."""

    reason: str

    def __str__(self) -> str:
        return self.reason


AnalysisOutcome = Analysis | AnalysisFailed


def analyse(data: bytes, filename: str, document: DocumentRef, progress: Progress | None = None) -> Analysis:
    """Read, place and extract: a pure function of the file's bytes (``progress`` hears the pages read)."""
    reading = read_document(data, filename, progress)
    blocks = place_blocks(reading.blocks)
    facts = extract_facts(blocks, document)
    metadata, warnings, rows = describe(filename, blocks, facts), run_checks(facts), fact_rows(facts)
    profile = stored_profile(profile_of(document, (b.text for b in blocks), year=metadata.year), facts)
    return Analysis(reading.media_type, reading.pages, blocks, facts, metadata, profile, warnings, rows)


# A small document with every kind of block the readers make: paragraphs in the three languages, a
# date, a named project and a table under a header.
WARM_UP_DOCUMENT = """<html><body>
<h1>Project: high-efficiency chillers in Thailand</h1>
<p>Emission reductions: 1,000 tCO2 per year from 1 April 2024. Total project cost JPY 300 million.</p>
<p>排出削減量は約1,000トンである。</p>
<p>ลดได้ ๑,๐๐๐ ตันต่อปี</p>
<table><tr><th>Year</th><th>Emission reductions (tCO2)</th><th>Project cost (JPY million)</th></tr>
<tr><td>2020</td><td>1,000</td><td>40</td></tr></table>
</body></html>"""


def warm_up() -> None:
    """Analyse a small document once, so that every worker forked afterwards starts with the pipelines
    built and the patterns compiled: a worker's first file otherwise pays for them."""
    analyse(WARM_UP_DOCUMENT.encode(), "warm-up.html", DocumentRef(id="warm-up", filename="warm-up.html"))
