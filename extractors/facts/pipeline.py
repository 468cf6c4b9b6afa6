"""The spaCy side of fact extraction: a cheap tokenizer for Thai and Japanese, the components marking
quantities (jcm_quantities) and cue words (jcm_cues), and the blank pipelines running them.

Kept apart from the other modules of extractors.facts and from extractors.quantities so that importing
their lexicons does not import spaCy: only the processes that extract facts pay for it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import spacy
from spacy.attrs import IDX
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import registry
from spacy.vocab import Vocab

from extractors.facts.lexicon import find_cues
from extractors.numbers import fold
from extractors.quantities import find_quantities

# --- spaCy: a cheap tokenizer and the quantity component ---------------------------------------

# A token and the one space after it, which spaCy keeps as the token's trailing space.
_TOKEN = re.compile(r"([0-9๐-๙０-９]+(?:[.,][0-9๐-๙０-９]+)*|[^\s0-9๐-๙０-９]+|\s)( ?)")


class ScriptRunTokenizer:
    """Splits text into digit runs, other runs and spaces.

    Thai and Japanese word segmenters cost far more than this extraction needs: its components work
    on characters, so tokens only have to break where digits start and end (spans of other
    boundaries widen to whole tokens).
    """

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        tokens = _TOKEN.findall(text)
        words = [word for word, _ in tokens]
        spaces = [space == " " for _, space in tokens]
        doc = Doc(self.vocab, words=words, spaces=spaces)
        doc.user_data["jcm_text"] = text
        return doc


@registry.tokenizers("jcm_script_runs.v1")
def create_script_run_tokenizer() -> Callable[[Language], ScriptRunTokenizer]:
    """Config entry for blank pipelines: {"nlp": {"tokenizer": {"@tokenizers": "jcm_script_runs.v1"}}}."""

    def make(nlp: Language) -> ScriptRunTokenizer:
        return ScriptRunTokenizer(nlp.vocab)

    return make


class _TextKeeping:
    """spaCy's own tokenizer, keeping the text it was given: Doc.text would join every token again, and
    spaCy's tokenization is lossless, so the two are the same string."""

    def __init__(self, tokenizer: Callable[[str], Doc]) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        doc = self.tokenizer(text)
        doc.user_data["jcm_text"] = text
        return doc


if not Doc.has_extension("jcm_quantities"):
    Doc.set_extension("jcm_quantities", default=None)


def doc_text(doc: Doc) -> str:
    """The doc's text, built once: Doc.text joins every token anew on each call."""
    text = doc.user_data.get("jcm_text")
    if text is None:
        text = doc.user_data["jcm_text"] = doc.text
    return text


@Language.factory(
    "jcm_quantities", default_config={"spans": True}, assigns=["doc._.jcm_quantities", "doc.spans"]
)
def quantities_component(nlp: Language, name: str, spans: bool) -> Callable[[Doc], Doc]:
    """Sets doc._.jcm_quantities (list of Quantity) and the span group "jcm_quantities" labelled by unit;
    with spans=False only the list (fact extraction reads nothing else, and spans cost a tenth of it)."""
    return _marker("jcm_quantities", find_quantities, lambda quantity: quantity.unit, spans)


def _marker(
    extension: str, find: Callable[[str], list[Any]], label: Callable[[Any], str], spans: bool
) -> Callable[[Doc], Doc]:
    """A component that sets doc._.<extension> to what ``find`` gives for the doc's text and, with
    ``spans``, the span group of that name, each span labelled by ``label``."""

    def mark(doc: Doc) -> Doc:
        found = find(doc_text(doc))
        doc._.set(extension, found)
        if spans:
            doc.spans[extension] = spans_at(doc, [(item.start, item.end, label(item)) for item in found])
        return doc

    return mark


def spans_at(doc: Doc, offsets: Sequence[tuple[int, int, str]]) -> list[Span]:
    """Spans covering the character ranges, widened to whole tokens (Doc.char_span walks every token)."""
    if not offsets:
        return []
    token_starts = _token_starts(doc)
    spans = []
    for start, end, label in offsets:
        first = max(bisect_right(token_starts, start) - 1, 0)
        spans.append(Span(doc, first, max(bisect_left(token_starts, end), first + 1), label=label))
    return spans


def _token_starts(doc: Doc) -> list[int]:
    """Character offsets of the doc's tokens, read once for both components."""
    starts = doc.user_data.get("jcm_token_starts")
    if starts is None:
        starts = doc.user_data["jcm_token_starts"] = doc.to_array(IDX).tolist()
    return starts


if not Doc.has_extension("jcm_cues"):
    Doc.set_extension("jcm_cues", default=None)


@Language.factory("jcm_cues", default_config={"spans": True}, assigns=["doc._.jcm_cues", "doc.spans"])
def cues_component(nlp: Language, name: str, spans: bool) -> Callable[[Doc], Doc]:
    """Sets doc._.jcm_cues (list of Cue) and the span group "jcm_cues" labelled by topic; with
    spans=False only the list."""
    return _marker("jcm_cues", lambda text: find_cues(fold(text)), lambda cue: cue.topic, spans)


@cache
def fact_pipeline(language: str) -> Language:
    """A blank pipeline for the language with the quantity and cue components; built once per process.

    Thai and Japanese use the cheap script-run tokenizer instead of pythainlp and SudachiPy. The docs
    carry the lists of quantities and cues, not their span groups, which nothing here reads.
    """
    config = {} if language == "en" else {"nlp": {"tokenizer": {"@tokenizers": "jcm_script_runs.v1"}}}
    nlp = spacy.blank(language, config=config)
    # The components read characters, not lexical attributes: working out two dozen of them for each word
    # the vocabulary meets first (every new number is one) was half of what making a doc cost.
    nlp.vocab.lex_attr_getters = {}
    if language == "en":
        nlp.tokenizer = _TextKeeping(nlp.tokenizer)
    nlp.add_pipe("jcm_quantities", config={"spans": False})
    nlp.add_pipe("jcm_cues", config={"spans": False})
    return nlp
