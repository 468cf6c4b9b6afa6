"""Text analysis shared by every search backend: the same tokens at index time and at query time.

A text is split into script runs (Thai, Japanese, everything else) and each run goes to its own
analyzer, so mixed-language text is analysed correctly whatever the ``language`` hint says. Tokens
come in three kinds; each kind is a stream of its own whose positions are the order of its tokens:

- ``word``: the primary segmentation. Thai: pythainlp newmm. Japanese: SudachiPy split mode C,
  normalized form (ボイラ and ボイラー, 八千二百 and 8200 meet). Other scripts: letters and numbers,
  NFKC and lower-cased, numbers without thousands separators (8,200 -> 8200) and English words
  through a light plural stemmer (pumps -> pump).
- ``part``: SudachiPy split mode A pieces of the Japanese words (太陽光発電 -> 太陽 光 発電).
- ``gram``: character bigrams of Thai runs (over grapheme clusters, so tone marks and vowels stay on
  their consonant) and of kanji/katakana runs. They find the inner part of a dictionary word:
  the bigrams of a substring are a contiguous subsequence of the bigrams of the text.

Token offsets always point into the original text, whatever normalization produced the token text.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence, Set
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any, Literal, TypeVar

TokenKind = Literal["word", "part", "gram"]

MAX_TOKEN_CHARS = 64
SNIPPET_CHARS = 240


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int
    kind: TokenKind = "word"


# ---------------------------------------------------------------- script runs

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_THAI_CHARS = "\u0e00-\u0e7f"
_THAI_MARKS = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
_KANA_KANJI = (
    "\u3005-\u3007\u303b\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
)
# Hiragana and CJK punctuation belong to the Japanese run too, so Sudachi sees whole sentences.
_JAPANESE_CHARS = "\u3000-\u303f\u3040-\u309f" + _KANA_KANJI
_RUNS = re.compile(f"([{_THAI_CHARS}]+)|([{_JAPANESE_CHARS}]+)|([^{_THAI_CHARS}{_JAPANESE_CHARS}]+)")
_THAI_RUN, _JAPANESE_RUN, _OTHER_RUN = 1, 2, 3


_Raw = tuple[str, int, int]  # token text, start, end: cheaper than Token on the indexing path


@dataclass(frozen=True, slots=True)
class Streams:
    """The token texts of one text, per kind, in position order."""

    words: list[str]
    parts: list[str]
    grams: list[str]


def analyze(text: str, language: str | None = None) -> list[Token]:
    """Tokens of ``text``: the word stream, then the part stream, then the gram stream.

    ``language`` is only a hint and never changes the tokens, so a query analysed without it
    matches the text analysed with it.
    """
    words, parts, grams = _raw_streams(text)
    return (
        [Token(*raw) for raw in words]
        + [Token(*raw, "part") for raw in parts]
        + [Token(*raw, "gram") for raw in grams]
    )


def analyze_streams(text: str, language: str | None = None) -> Streams:
    """The texts of analyze()'s tokens per kind, which is all an index needs to store."""
    words, parts, grams = _raw_streams(text)
    return Streams([raw[0] for raw in words], [raw[0] for raw in parts], [raw[0] for raw in grams])


def analyze_with_offsets(text: str) -> tuple[Streams, list[_Raw]]:
    """analyze_streams() and the word and part tokens with their offsets, which an index may store
    so that highlight() need not segment the text again (see ``tokens`` there). Callers never change
    them: inside reused_analyses() they are shared."""
    return kept(("offsets", text), lambda: _streams_with_offsets(text))


def _streams_with_offsets(text: str) -> tuple[Streams, list[_Raw]]:
    words, parts, grams = _raw_streams(text)
    streams = Streams([raw[0] for raw in words], [raw[0] for raw in parts], [raw[0] for raw in grams])
    return streams, words + parts


def _raw_grams(text: str, firsts: frozenset[str] | None = None) -> list[_Raw]:
    """The gram stream alone: cheap, as it needs no dictionary. With ``firsts``, only the runs
    holding one of these bigrams (after folding) are looked at."""
    folded = text.translate(_THAI_DIGITS)
    grams: list[_Raw] = []
    for run in _RUNS.finditer(folded):
        if run.lastindex == _OTHER_RUN or (firsts is not None and not _holds_any(run.group(), firsts)):
            continue  # other scripts have no bigrams: no need to fold them for the probe
        if run.lastindex == _THAI_RUN:
            grams.extend(_thai_grams(_thai_normalize(run.group()), run.start()))
        elif run.lastindex == _JAPANESE_RUN:
            grams.extend(_japanese_grams(run.group(), run.start()))
    return grams


def _holds_any(run: str, grams: frozenset[str]) -> bool:
    folded = _probe_fold(run)
    return any(gram in folded for gram in grams)


_Kept = TypeVar("_Kept")

# What this thread keeps while inside reused_analyses(), by key; None outside.
_reused = threading.local()


@contextmanager
def reused_analyses() -> Iterator[None]:
    """Within it, this thread analyses each text once however often it is asked for: the index of
    public passages is given the same passages as the full index (indices.visibility), and analysis is
    most of what indexing costs. What is kept goes when the outermost block ends."""
    outer = getattr(_reused, "table", None)
    _reused.table = {} if outer is None else outer
    try:
        yield
    finally:
        _reused.table = outer


def kept(key: Hashable, make: Callable[[], _Kept]) -> _Kept:
    """make(), kept by ``key`` while inside reused_analyses(): what an index derives from a passage
    alone (its analysis, its stored form) is derived once for both indices. Callers never change it."""
    table: dict[Hashable, Any] | None = getattr(_reused, "table", None)
    if table is None:
        return make()
    if key not in table:
        table[key] = make()
    return table[key]


def _raw_streams(text: str) -> tuple[list[_Raw], list[_Raw], list[_Raw]]:
    """The three streams of ``text``; callers copy them, never change them, so a kept one is shared."""
    return kept(text, lambda: _analysed(text))


def _analysed(text: str) -> tuple[list[_Raw], list[_Raw], list[_Raw]]:
    folded = text.translate(_THAI_DIGITS)
    words: list[_Raw] = []
    parts: list[_Raw] = []
    grams: list[_Raw] = []
    for run in _RUNS.finditer(folded):
        if run.lastindex == _THAI_RUN:
            _analyze_thai(run.group(), run.start(), words, grams)
        elif run.lastindex == _JAPANESE_RUN:
            _analyze_japanese(run.group(), run.start(), words, parts, grams)
        else:
            _analyze_other(run.group(), run.start(), words)
    return words, parts, grams


# ---------------------------------------------------------------- offset-preserving normalization


class _Mapped:
    """A normalized run and, for each of its characters, the span it came from in the run."""

    __slots__ = ("text", "starts", "ends")

    def __init__(self, text: str, starts: list[int] | None = None, ends: list[int] | None = None):
        self.text = text
        self.starts = starts
        self.ends = ends

    def span(self, start: int, end: int, base: int) -> tuple[int, int]:
        if self.starts is None or self.ends is None:
            return base + start, base + end
        return base + self.starts[start], base + self.ends[end - 1]


def _rebuild(pieces: Iterator[tuple[int, int, str]]) -> _Mapped:
    """Join replacement pieces, each (start, end, new text) over a span of the run."""
    texts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for start, end, new_text in pieces:
        texts.append(new_text)
        starts.extend([start] * len(new_text))
        ends.extend([end] * len(new_text))
    return _Mapped("".join(texts), starts, ends)


def _is_attached(char: str) -> bool:
    """A character that belongs to the one before it: a mark (Thai vowels above and below the
    consonant and tone marks included, though most have combining class 0) or a half-width sound mark."""
    return unicodedata.category(char).startswith("M") or char in "\uff9e\uff9f"


def _clusters(run: str) -> Iterator[tuple[int, int]]:
    start = 0
    for index in range(1, len(run)):
        if not _is_attached(run[index]):
            yield start, index
            start = index
    if run:
        yield start, len(run)


def _fold(run: str) -> _Mapped:
    """NFKC (full-width to half-width) and lower case, keeping the way back to the original."""
    lowered = run.lower()
    if len(lowered) == len(run) and (run.isascii() or unicodedata.is_normalized("NFKC", run)):
        return _Mapped(lowered)
    return _rebuild(
        (start, end, unicodedata.normalize("NFKC", run[start:end]).lower()) for start, end in _clusters(run)
    )


# ---------------------------------------------------------------- Thai

_THAI_FIXES = re.compile("\u0e4d\u0e32|\u0e40\u0e40")
_THAI_FIXED = {"\u0e4d\u0e32": "\u0e33", "\u0e40\u0e40": "\u0e41"}
_THAI_CLUSTER = re.compile(f"[^{_THAI_MARKS}][{_THAI_MARKS}]*")
_THAI_LETTER = re.compile("[\u0e01-\u0e2e\u0e30-\u0e45]")


def _thai_normalize(run: str) -> _Mapped:
    """Sara am typed as nikhahit + sara aa (what NFKC does to it) and sara ae typed as two sara e."""
    if not _THAI_FIXES.search(run):
        return _Mapped(run)
    pieces: list[tuple[int, int, str]] = []
    last = 0
    for fix in _THAI_FIXES.finditer(run):
        pieces.extend((index, index + 1, run[index]) for index in range(last, fix.start()))
        pieces.append((fix.start(), fix.end(), _THAI_FIXED[fix.group()]))
        last = fix.end()
    pieces.extend((index, index + 1, run[index]) for index in range(last, len(run)))
    return _rebuild(iter(pieces))


def _thai_words(text: str) -> tuple[str, ...]:
    """newmm segmentation of a Thai run."""
    from pythainlp.tokenize import word_tokenize

    return tuple(word_tokenize(text, engine="newmm", keep_whitespace=False))


def _analyze_thai(run: str, base: int, words: list[_Raw], grams: list[_Raw]) -> None:
    run_words, run_grams = _thai_tokens(run)
    words.extend(_moved(run_words, base))
    grams.extend(_moved(run_grams, base))


@lru_cache(maxsize=32768)
def _thai_tokens(run: str) -> tuple[tuple[_Raw, ...], tuple[_Raw, ...]]:
    """The words and grams of a Thai run, offsets from its start; runs (text between spaces and digits)
    come back a lot across passages, and each is segmented once."""
    mapped = _thai_normalize(run)
    words: list[_Raw] = []
    offset = 0
    for piece in _thai_words(mapped.text):
        start = mapped.text.find(piece, offset)
        if start < 0:
            continue
        offset = start + len(piece)
        if len(piece) <= MAX_TOKEN_CHARS and _THAI_LETTER.search(piece):
            words.append((piece, *mapped.span(start, offset, 0)))
    return tuple(words), tuple(_thai_grams(mapped, 0))


def _thai_grams(mapped: _Mapped, base: int) -> list[_Raw]:
    bounds = [cluster.start() for cluster in _THAI_CLUSTER.finditer(mapped.text)]
    bounds.append(len(mapped.text))
    text, pairs = mapped.text, zip(bounds, bounds[2:], strict=False)  # each cluster with the next one
    if mapped.starts is None:  # nothing was normalized: offsets are the run's own
        return [(text[first:last], base + first, base + last) for first, last in pairs]
    return [(text[first:last], *mapped.span(first, last, base)) for first, last in pairs]


# ---------------------------------------------------------------- Japanese

_SUDACHI_MAX_CHARS = 4000  # Sudachi refuses inputs over 49,149 bytes
_SENTENCE_END = re.compile("[。！？\n]")
_GRAM_RUN = re.compile(f"[{_KANA_KANJI}]{{2,}}")
_SKIPPED_POS = frozenset({"補助記号", "空白", "記号"})
_sudachi_lock = threading.Lock()
_sudachi_state: dict[str, Any] = {}
_sudachi_local = threading.local()


def _sudachi_dictionary() -> Any:
    with _sudachi_lock:
        if "dictionary" not in _sudachi_state:
            from sudachipy import Dictionary

            _sudachi_state["dictionary"] = Dictionary()
        return _sudachi_state["dictionary"]


def _sudachi() -> Any:
    """The calling thread's mode C tokenizer (a Sudachi tokenizer must not be shared by threads)."""
    tokenizer = getattr(_sudachi_local, "tokenizer", None)
    if tokenizer is None:
        from sudachipy import SplitMode

        tokenizer = _sudachi_dictionary().tokenizer(mode=SplitMode.C)
        _sudachi_local.tokenizer = tokenizer
    return tokenizer


_skip_by_pos_id: dict[int, bool] = {}


def _is_skipped(morpheme: Any) -> bool:
    """Punctuation, symbols and spaces, looked up once per part-of-speech id."""
    pos_id = morpheme.part_of_speech_id()
    if pos_id not in _skip_by_pos_id:
        _skip_by_pos_id[pos_id] = morpheme.part_of_speech()[0] in _SKIPPED_POS
    return _skip_by_pos_id[pos_id]


def _sudachi_pieces(run: str) -> Iterator[tuple[int, str]]:
    """The run cut after sentence ends into pieces Sudachi accepts."""
    start = 0
    while len(run) - start > _SUDACHI_MAX_CHARS:
        window = run[start : start + _SUDACHI_MAX_CHARS]
        ends = [found.end() for found in _SENTENCE_END.finditer(window)]
        cut = start + (ends[-1] if ends else _SUDACHI_MAX_CHARS)
        yield start, run[start:cut]
        start = cut
    yield start, run[start:]


def _morpheme_raw(morpheme: Any, base: int) -> _Raw:
    return morpheme.normalized_form().lower(), base + morpheme.begin(), base + morpheme.end()


def _analyze_japanese(run: str, base: int, words: list[_Raw], parts: list[_Raw], grams: list[_Raw]) -> None:
    for stream, kept_tokens in zip((words, parts, grams), _japanese_tokens(run), strict=True):
        stream.extend(_moved(kept_tokens, base))


def _moved(tokens: tuple[_Raw, ...], base: int) -> Iterable[_Raw]:
    """Tokens with offsets from a run's start, as offsets from the text's."""
    return ((text, base + start, base + end) for text, start, end in tokens) if base else tokens


@lru_cache(maxsize=16384)
def _japanese_tokens(run: str) -> tuple[tuple[_Raw, ...], tuple[_Raw, ...], tuple[_Raw, ...]]:
    """The words, parts and grams of a Japanese run, offsets from its start. Runs end at digits and Latin
    letters, so the same ones ("億円", "排出削減量は") come back across passages; Sudachi reads each once."""
    from sudachipy import SplitMode

    words: list[_Raw] = []
    parts: list[_Raw] = []
    for piece_start, piece in _sudachi_pieces(run):
        for morpheme in _sudachi().tokenize(piece):
            if _is_skipped(morpheme):
                continue
            word = _morpheme_raw(morpheme, piece_start)
            if len(word[0]) > MAX_TOKEN_CHARS:
                continue
            words.append(word)
            # split(add_single=True) crashes in SudachiPy 0.7, so a word that does not split is its own part
            subs = morpheme.split(SplitMode.A)
            if subs:
                parts.extend(_morpheme_raw(sub, piece_start) for sub in subs)
            else:
                parts.append(word)
    return tuple(words), tuple(parts), tuple(_japanese_grams(run, 0))


def _japanese_grams(run: str, base: int) -> list[_Raw]:
    grams: list[_Raw] = []
    for gram_run in _GRAM_RUN.finditer(run):
        mapped = _fold(gram_run.group())
        offset = base + gram_run.start()
        text, span = mapped.text, mapped.span
        grams.extend(
            (text[start : start + 2], *span(start, start + 2, offset)) for start in range(len(text) - 1)
        )
    return grams


# ---------------------------------------------------------------- other scripts (English and the rest)

_GROUPED_NUMBER, _NUMBER, _WORD = 1, 2, 3
_OTHER_TOKEN = re.compile(
    r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d))"  # 8,200 and 1,234.5
    r"|(\d+(?:\.\d+)?)"  # 8200, 1.5 (a number before letters is a token of its own: 500 kw)
    r"|([^\W\d_][^\W_]*(?:['’][^\W_]+)*)"  # words, co2, mongolia's
)
_IRREGULAR_PLURALS = {"gases": "gas", "buses": "bus", "analyses": "analysis", "biases": "bias"}


@lru_cache(maxsize=65536)  # a document repeats its words: each is stemmed once
def stem_english(word: str) -> str:
    """A light plural stemmer in the style of Lucene's EnglishMinimalStemmer (the "S-stemmer").

    Only plurals and possessives are folded (pumps -> pump, facilities -> facility,
    processes -> process, mongolia's -> mongolia); derivations are left alone.
    """
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    if word in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[word]
    if len(word) < 4 or not word.endswith("s") or not word.isascii() or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and word[-4] not in "ae":
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return word[:-2]
    return word[:-1]


def _analyze_other(run: str, base: int, words: list[_Raw]) -> None:
    mapped = _fold(run)
    identical = mapped.starts is None  # nothing was normalized: offsets are the run's own
    for found in _OTHER_TOKEN.finditer(mapped.text):
        text = found.group()
        if found.lastindex == _GROUPED_NUMBER:
            text = text.replace(",", "")
        elif found.lastindex == _WORD:
            text = stem_english(text)
        if text and len(text) <= MAX_TOKEN_CHARS:
            start, end = found.span()
            if identical:
                words.append((text, base + start, base + end))
            else:
                words.append((text, *mapped.span(start, end, base)))


# ---------------------------------------------------------------- grammar words

GRAMMAR_WORDS_FILE = Path(__file__).parent / "data" / "grammar_words.json"


@lru_cache(maxsize=1)
def grammar_words() -> frozenset[str]:
    """The word tokens of data/grammar_words.json (the, の, ของ ...), analysed as passages are, so the
    normalized forms Sudachi gives (する -> 為る) are what is listed."""
    data = json.loads(GRAMMAR_WORDS_FILE.read_text(encoding="utf-8"))
    return frozenset(
        raw[0]
        for language in ("en", "ja", "th")
        for entry in data[language]
        for raw in _raw_streams(entry)[0]
    )


def is_grammar_word(word: str) -> bool:
    """Whether a word token only carries grammar, so a query need not require it of a passage."""
    return word in grammar_words()


# ---------------------------------------------------------------- highlighting


@lru_cache(maxsize=4096)
def normalize_term(term: str) -> str:
    """A raw query word folded the way analyze() folds it (Pumps -> pump, ８２００ -> 8200).

    Thai and Japanese terms are taken as they are: their analysed forms need segmentation, and
    re-analysing a bigram would turn it into an unrelated word (ート -> と).
    """
    folded = term.translate(_THAI_DIGITS)
    run = _RUNS.fullmatch(folded)
    if run is None or run.lastindex != _OTHER_RUN:
        return term
    words: list[_Raw] = []
    _analyze_other(folded, 0, words)
    return words[0][0] if len(words) == 1 else term


def highlight(
    text: str,
    query_terms: Set[str],
    language: str | None = None,
    tokens: Sequence[Sequence[Any]] | None = None,
) -> str:
    """HTML-escaped snippet of ``text`` around its best match, matched spans wrapped in <mark>.

    ``query_terms`` are token texts of the analysed query (raw words such as "Pumps" are folded
    too). The snippet is a window of about SNIPPET_CHARS characters holding the most distinct
    matched terms; cuts never split a Thai cluster and are marked with an ellipsis. ``tokens``
    are the text's word and part tokens from analyze_with_offsets(), when the index kept them (only
    those equal to one of highlight_terms(query_terms) are looked at).
    """
    terms = highlight_terms(frozenset(query_terms))
    if tokens is not None:
        spans = _merge(_stored_spans(text, tokens, terms))
    else:
        spans = _merge(_find_spans(text, terms))
    start, end = _window(text, spans)
    return _render(text, start, end, spans)


@lru_cache(maxsize=256)
def highlight_terms(query_terms: frozenset[str]) -> frozenset[str]:
    """The terms highlight() marks: the query's token texts, raw words among them folded too."""
    return query_terms | {normalize_term(term) for term in query_terms}


_LONG_TEXT_CHARS = 300  # longer texts (pages) are only analysed in the lines that may match
_CHUNK = re.compile(r"[^\n]{1,800}[^\n\s]{0,40}")


def _find_spans(text: str, terms: Set[str]) -> list[tuple[int, int, str]]:
    """Matched spans; a long text (a page) is only analysed in the lines that may match."""
    if len(text) <= _LONG_TEXT_CHARS:
        return _matched_spans(*_raw_streams(text), terms)
    probes = _probes(terms)
    spans: list[tuple[int, int, str]] = []
    for chunk in _CHUNK.finditer(text):
        folded = _probe_fold(chunk.group())
        present = [probe in folded for probe in probes]
        if not any(present):
            continue
        found = _matched_spans(*_raw_streams(chunk.group()), terms)
        spans.extend((start + chunk.start(), end + chunk.start(), term) for start, end, term in found)
        if found and all(present):
            break  # a line holding every query word is as good a snippet as any later one
    return spans or _matched_spans(*_raw_streams(text), terms)


def _stored_spans(text: str, tokens: Sequence[Sequence[Any]], terms: Set[str]) -> list[tuple[int, int, str]]:
    exact = [(start, end, token) for token, start, end in tokens if token in terms]
    kana_kanji: list[str] = []
    others: list[str] = []
    for term in terms:
        if len(_gram_texts(term)) > 1:
            (kana_kanji if _GRAM_RUN.fullmatch(term) else others).append(term)
    firsts = frozenset(_gram_texts(term)[0] for term in others)
    inner = _kana_kanji_spans(text, kana_kanji)
    inner += _gram_sequences(_raw_grams(text, firsts), others) if firsts else []
    if exact or inner:
        return exact + inner
    return [(start, end, gram) for gram, start, end in _raw_grams(text) if gram in terms]


def _kana_kanji_spans(text: str, terms: Sequence[str]) -> list[tuple[int, int, str]]:
    """Where each term (kana and kanji only) stands inside a run of kana and kanji, as the run's
    overlapping bigrams would spell it out (_gram_sequences), found without making the bigrams: a
    Japanese passage has one per character."""
    spans: list[tuple[int, int, str]] = []
    if not terms:
        return spans
    for gram_run in _GRAM_RUN.finditer(text):
        mapped = _fold(gram_run.group())
        for term in terms:
            at = mapped.text.find(term)
            while at >= 0:
                spans.append((*mapped.span(at, at + len(term), gram_run.start()), term))
                at = mapped.text.find(term, at + 1)
    return spans


def _probes(terms: Set[str]) -> set[str]:
    """Substrings a text folded by _probe_fold() holds where a query unit may match: the longest
    terms (a word rather than its parts and bigrams), English stems without their final y."""
    longest = {term for term in terms if not any(term != other and term in other for other in terms)}
    return {term[:-1] if term.endswith("y") and len(term) > 3 else term for term in longest}


def _probe_fold(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).lower().translate(_THAI_DIGITS)
    folded = folded.replace("\u0e4d\u0e32", "\u0e33").replace("\u0e40\u0e40", "\u0e41")
    return _DIGIT_GROUP_COMMA.sub("", folded)


_DIGIT_GROUP_COMMA = re.compile(r"(?<=\d),(?=\d{3})")


def _matched_spans(
    words: list[_Raw], parts: list[_Raw], grams: list[_Raw], terms: Set[str]
) -> list[tuple[int, int, str]]:
    """Words and parts equal to a term, and runs of bigrams spelling out a term (the inner part of a
    longer word); a lone bigram is marked only when nothing else matched, as it is mostly noise."""
    exact = [(start, end, text) for text, start, end in words + parts if text in terms]
    inner = _gram_sequences(grams, terms)
    if exact or inner:
        return exact + inner
    return [(start, end, text) for text, start, end in grams if text in terms]


@lru_cache(maxsize=4096)
def _gram_texts(term: str) -> tuple[str, ...]:
    return tuple(gram[0] for gram in _raw_streams(term)[2])


def _gram_sequences(grams: list[_Raw], terms: Set[str]) -> list[tuple[int, int, str]]:
    texts = [gram[0] for gram in grams]
    starts: dict[str, list[int]] = {}  # where each bigram stands, so a term is tried only where it may begin
    for index, text in enumerate(texts):
        starts.setdefault(text, []).append(index)
    spans = []
    for term in terms:
        sequence = _gram_texts(term)
        if len(sequence) < 2:
            continue
        for first in starts.get(sequence[0], ()):
            last = first + len(sequence) - 1
            if last < len(texts) and _spells(grams, texts, first, sequence):
                spans.append((grams[first][1], grams[last][2], term))
    return spans


def _spells(grams: list[_Raw], texts: list[str], first: int, sequence: tuple[str, ...]) -> bool:
    """Whether the bigrams from ``first`` on are ``sequence`` and overlap one another (one run)."""
    last = first + len(sequence) - 1
    if tuple(texts[first : last + 1]) != sequence:
        return False
    return all(grams[index + 1][1] < grams[index][2] for index in range(first, last))


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, frozenset[str]]]:
    merged: list[tuple[int, int, frozenset[str]]] = []
    for start, end, term in sorted(spans):
        if merged and start <= merged[-1][1]:
            last_start, last_end, last_terms = merged[-1]
            merged[-1] = (last_start, max(last_end, end), last_terms | {term})
        else:
            merged.append((start, end, frozenset({term})))
    return merged


def _window(text: str, spans: list[tuple[int, int, frozenset[str]]]) -> tuple[int, int]:
    if len(text) <= SNIPPET_CHARS:
        return 0, len(text)
    if not spans:
        return 0, _cluster_end(text, SNIPPET_CHARS)
    first, last = _best_group(spans)
    slack = max(0, SNIPPET_CHARS - (spans[last][1] - spans[first][0]))
    start = max(0, spans[first][0] - min(slack // 2, 80))
    end = min(len(text), max(spans[last][1], start + SNIPPET_CHARS))
    start = max(0, min(start, end - SNIPPET_CHARS))
    start = _word_start(text, start, limit=spans[first][0])
    end = _word_end(text, end, limit=spans[last][1])
    return _cluster_start(text, start), _cluster_end(text, end)


def _best_group(spans: list[tuple[int, int, frozenset[str]]]) -> tuple[int, int]:
    """Indices of the first and last span of the window holding the most distinct terms."""
    best = (0, 0, -1, -1)
    for first in range(len(spans)):
        terms: set[str] = set()
        last = first
        while last < len(spans) and spans[last][1] - spans[first][0] <= SNIPPET_CHARS:
            terms |= spans[last][2]
            last += 1
        last = max(first, last - 1)
        score = (len(terms), last - first)
        if score > best[2:]:
            best = (first, last, *score)
    return best[0], best[1]


def _word_start(text: str, start: int, limit: int) -> int:
    """Move a cut forward out of a word to the next space, never past ``limit``."""
    if start == 0 or not (text[start - 1].isalnum() and text[start].isalnum()):
        return start
    space = text.find(" ", start, min(start + 20, limit))
    return space + 1 if space >= 0 else start


def _word_end(text: str, end: int, limit: int) -> int:
    """Move a cut back out of a word to the previous space, never before ``limit``."""
    if end >= len(text) or not (text[end - 1].isalnum() and text[end].isalnum()):
        return end
    space = text.rfind(" ", max(end - 20, limit), end)
    return space if space >= 0 else end


def _cluster_start(text: str, start: int) -> int:
    while 0 < start < len(text) and _is_attached(text[start]):
        start -= 1
    return start


def _cluster_end(text: str, end: int) -> int:
    while end < len(text) and _is_attached(text[end]):
        end += 1
    return end


def _render(text: str, start: int, end: int, spans: list[tuple[int, int, frozenset[str]]]) -> str:
    pieces = ["…" if start > 0 else ""]
    cursor = start
    for span_start, span_end, _ in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        pieces.append(escape(text[cursor:span_start], quote=False))
        pieces.append(f"<mark>{escape(text[span_start:span_end], quote=False)}</mark>")
        cursor = span_end
    pieces.append(escape(text[cursor:end], quote=False))
    pieces.append("…" if end < len(text) else "")
    return "".join(pieces)


def warm_up() -> None:
    """Load the Thai dictionary and Sudachi now (about a second) rather than on the first request."""
    analyze("โรงงาน 工場 factory")
