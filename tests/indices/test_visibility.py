"""The index of public passages: a public viewer's search runs where no confidential passage ever was, so
its scores, ranks, totals and facets are the same whatever confidential documents come and go."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.models import DocumentRef, Passage
from indices import analysis
from indices.base import IndexSchemaError
from indices.embedded import EmbeddedIndex
from indices.visibility import PUBLIC_DIRECTORY, PublicSplitIndex, insiders_of, open_embedded
from tests.indices.test_conformance import ALL_PASSAGES

SECRET = DocumentRef(id="secret", filename="en_heat_mr.pdf")
SECRET_TEXTS = [
    (1, "Heat pumps heat the hospital; heat recovery and heat pumps again, heat everywhere."),
    (1, "Emission reductions of the heat pumps: 4,873 tCO2e, a number kept confidential."),
    (2, "Heat heat heat: the confidential annex on heat pump prices in Ulaanbaatar."),
]
QUERIES = [
    ("heat", {}), ("heat pump", {}), ('"heat pumps"', {}), ("emission reductions", {}),
    ("boiler", {}), ("heat", {"has_warnings": True}), ("heat", {"country": "MN"}), ("ヒートポンプ", {}),
]


def secret_passages(**flags: bool) -> list[Passage]:
    return [
        Passage(document=SECRET, block=block, page=page, text=text, language="en", doc_type="pdd",
                countries=["MN"], year=2020, confidential=True, **flags)
        for block, (page, text) in enumerate(SECRET_TEXTS)
    ]


def public_answers(index: PublicSplitIndex) -> list:
    """Every number of every public answer: scores, order, totals, facets (and the texts)."""
    return [
        index.search(query, filters={**filters, "public_only": True}, expand=True).model_dump()
        for query, filters in QUERIES
    ]


@pytest.fixture
def split(tmp_path: Path) -> PublicSplitIndex:
    index = open_embedded(tmp_path / "index")
    index.add_passages(ALL_PASSAGES)
    index.commit()
    yield index
    index.close()


def test_public_answers_do_not_move_when_confidential_passages_come_and_go(split: PublicSplitIndex):
    before = public_answers(split)
    meta = split.public.path / "meta.json"
    public_files = meta.read_bytes()
    split.delete_document(SECRET.id)
    split.add_passages(secret_passages())
    split.commit()
    assert public_answers(split) == before
    assert meta.read_bytes() == public_files  # not even a commit: tantivy's segment order stays
    insiders = split.search("heat", filters={"public_only": False})
    assert SECRET.id in {hit.document.id for hit in insiders.hits}

    split.delete_document(SECRET.id)
    split.commit()
    assert public_answers(split) == before and meta.read_bytes() == public_files


def test_one_index_for_everyone_moved_public_scores(tmp_path: Path):
    """Why there are two indices: with one, the public viewer's filter left the statistics as they were."""
    index = EmbeddedIndex(tmp_path / "one")
    index.add_passages(ALL_PASSAGES)
    index.commit()
    before = index.search("heat", filters={"public_only": True})
    index.add_passages(secret_passages())
    index.commit()
    after = index.search("heat", filters={"public_only": True})
    assert [hit.document.id for hit in after.hits] == [hit.document.id for hit in before.hits]
    assert [hit.score for hit in after.hits] != [hit.score for hit in before.hits]
    index.close()


def test_a_change_only_insiders_see_is_written_to_the_full_index_alone(split: PublicSplitIndex):
    """A warning involving a confidential document flags a public document for insiders: it is
    re-indexed in the full index only, and the public index keeps the public flag it had."""
    before = public_answers(split)
    meta = split.public.path / "meta.json"
    public_files = meta.read_bytes()
    heat = [p for p in ALL_PASSAGES if p.document.id == "en-heat"]
    flagged = [p.model_copy(update={"has_warnings": True, "public_warnings": False}) for p in heat]
    full = insiders_of(split)
    full.delete_document("en-heat")
    full.add_passages(flagged)
    split.commit()
    assert public_answers(split) == before and meta.read_bytes() == public_files
    insiders = split.search("kindergartens", filters={"has_warnings": True})
    assert [hit.document.id for hit in insiders.hits] == ["en-heat"]


def test_the_public_index_holds_the_public_view_only(split: PublicSplitIndex):
    split.add_passages(secret_passages())
    passage = ALL_PASSAGES[0].model_copy(
        update={"document": DocumentRef(id="flagged", filename="f.txt"), "has_warnings": True}
    )
    split.add_passages([passage])
    split.commit()
    assert SECRET.id not in {key[0] for key in split.public_passage_keys()}
    assert sorted(split.passage_keys()) == sorted(
        [(p.document.id, p.block) for p in ALL_PASSAGES + secret_passages()] + [("flagged", 0)]
    )
    # its warning involves a confidential document: a public viewer's has_warnings filter does not see it
    flagged = split.search(ALL_PASSAGES[0].text[:20], filters={"public_only": True, "has_warnings": True})
    assert "flagged" not in {hit.document.id for hit in flagged.hits}
    assert not split.public.search("kindergartens", filters={"has_warnings": True}).hits


def test_a_document_given_and_deleted_before_a_commit_leaves_nothing(split: PublicSplitIndex):
    heat = [p for p in ALL_PASSAGES if p.document.id == "en-heat"]
    split.delete_document("en-heat")
    split.add_passages(heat)
    split.delete_document("en-heat")  # not committed yet: the public index must still hear of it
    split.add_passages(heat)
    split.commit()
    keys = split.public_passage_keys()
    assert sorted(k for k in keys if k[0] == "en-heat") == [("en-heat", b) for b in range(len(heat))]


def test_each_text_is_analysed_once_for_both_indices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    analysed: list[str] = []
    original = analysis._analysed

    def counting(text: str):
        analysed.append(text)
        return original(text)

    monkeypatch.setattr(analysis, "_analysed", counting)
    index = open_embedded(tmp_path / "index")
    index.add_passages(ALL_PASSAGES)
    index.close()
    assert sorted(analysed) == sorted({p.text for p in ALL_PASSAGES})  # a text repeated: once too


def test_an_index_built_without_the_public_index_must_be_rebuilt(tmp_path: Path):
    older = EmbeddedIndex(tmp_path / "index")
    older.add_passages(ALL_PASSAGES)
    older.close()
    with pytest.raises(IndexSchemaError, match="rebuild"):
        open_embedded(tmp_path / "index")
    assert not (tmp_path / "index" / PUBLIC_DIRECTORY).exists()


def test_a_page_flagged_for_insiders_only_is_not_flagged_for_the_public(split: PublicSplitIndex):
    """A page passage keeps its blocks' two flags: an insider's warnings filter finds the page of blocks
    flagged for insiders only, a public viewer's does not, and both find a page flagged for everyone."""
    flagged = DocumentRef(id="flagged-page", filename="flagged.txt")
    agreed = DocumentRef(id="agreed-page", filename="agreed.txt")
    texts = ["Biomass boilers replace coal at the mill.", "Their steam also dries the timber."]
    for document, public_warnings in ((flagged, False), (agreed, True)):
        split.add_passages([
            Passage(document=document, block=block, page=1, text=text, language="en",
                    has_warnings=True, public_warnings=public_warnings)
            for block, text in enumerate(texts)
        ])
    split.commit()

    def pages(filters: dict) -> set[str]:
        hits = split.search("mill steam timber", filters={**filters, "has_warnings": True}).hits
        return {hit.document.id for hit in hits if hit.block == -1}

    assert pages({}) == {"flagged-page", "agreed-page"}
    assert pages({"public_only": True}) == {"agreed-page"}
