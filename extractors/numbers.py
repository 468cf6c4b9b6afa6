"""Numbers and periods as Thai, English and Japanese texts write them, resolved to plain values.

Every function works on the text as given and reports character offsets into it. Digits are folded
(Thai and full-width digits to ASCII) with a one-to-one character mapping, so offsets never shift.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from importlib import resources
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parser  # type: ignore[attr-defined]
from typing import Any, NamedTuple

# --- packaged lexicons -------------------------------------------------------------------------


def read_data_text(name: str) -> str:
    return resources.files("extractors").joinpath("data", name).read_text(encoding="utf-8")


def read_tsv(name: str) -> list[dict[str, str]]:
    """Rows of a tab-separated lexicon: # starts a comment line, the first other line names the columns."""
    lines = [line for line in read_data_text(name).splitlines() if line.strip() and not line.startswith("#")]
    columns = lines[0].split("\t")
    return [dict(zip(columns, line.split("\t"), strict=False)) for line in lines[1:]]


@cache
def read_json(name: str) -> Any:
    return json.loads(read_data_text(name))


# --- fast scanning ----------------------------------------------------------------------------
# Python's re tries every branch of a big alternation at every position, and cannot skip ahead on a
# case-insensitive one. A lookahead on the characters a match can start with rejects most positions
# in one test, which makes lexicon scans about ten times faster.

_LONG_ALTERNATION = 100  # alternatives from which finer tests of a match's start pay for themselves
_MAX_RANGE = 4096  # wider character ranges than this are not worth listing: no guard then
_ZERO_WIDTH = (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT)
_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT)


def _with_case(chars: set[str], ignore_case: bool) -> set[str]:
    return (
        chars | {variant for char in chars for variant in (char.lower(), char.upper())}
        if ignore_case
        else chars
    )


def _class_firsts(items: list[tuple[Any, Any]]) -> set[str] | None:
    chars: set[str] = set()
    for op, value in items:
        if op is sre_constants.LITERAL:
            chars.add(chr(value))
        elif op is sre_constants.RANGE and value[1] - value[0] <= _MAX_RANGE:
            chars.update(chr(code) for code in range(value[0], value[1] + 1))
        else:  # negated classes, categories such as \w, huge ranges
            return None
    return chars


def _scoped_case(subpattern: Any, ignore_case: bool) -> bool:
    """Whether a group's contents match ignoring case: (?i:...) and (?-i:...) scope the flag."""
    _, add_flags, del_flags, _ = subpattern
    return (ignore_case or bool(add_flags & re.I)) and not del_flags & re.I


def _item_firsts(
    op: Any, value: Any, ignore_case: bool, from_end: bool = False
) -> tuple[set[str] | None, bool]:
    """Characters one parsed item can start (or, from its end, end) with, and whether it can match empty."""
    if op is sre_constants.LITERAL:
        return _with_case({chr(value)}, ignore_case), False
    if op is sre_constants.IN:
        chars = _class_firsts(value)
        return (_with_case(chars, ignore_case) if chars is not None else None), False
    if op is sre_constants.BRANCH:
        results = [_sequence_firsts(branch, ignore_case, from_end) for branch in value[1]]
        if any(chars is None for chars, _ in results):
            return None, False
        return set().union(*(chars for chars, _ in results)), any(empty for _, empty in results)
    if op is sre_constants.SUBPATTERN:
        return _sequence_firsts(value[3], _scoped_case(value, ignore_case), from_end)
    if op in _REPEATS:
        chars, empty = _sequence_firsts(value[2], ignore_case, from_end)
        return chars, empty or value[0] == 0
    return None, False


def _sequence_firsts(items: Any, ignore_case: bool, from_end: bool = False) -> tuple[set[str] | None, bool]:
    chars: set[str] = set()
    for op, value in reversed(list(items)) if from_end else items:
        if op in _ZERO_WIDTH:
            continue
        item_chars, empty = _item_firsts(op, value, ignore_case, from_end)
        if item_chars is None:
            return None, False
        chars |= item_chars
        if not empty:
            return chars, False
    return chars, True


def first_chars(pattern: str, flags: int = 0) -> set[str] | None:
    """The characters a match of the pattern can start with; None when that cannot be bounded."""
    chars, can_be_empty = _sequence_firsts(sre_parser.parse(pattern, flags), bool(flags & re.I))
    return None if can_be_empty else chars


def last_chars(pattern: str, flags: int = 0) -> set[str] | None:
    """The characters a match of the pattern can end with; None when that cannot be bounded."""
    parsed = sre_parser.parse(pattern, flags)
    chars, can_be_empty = _sequence_firsts(parsed, bool(flags & re.I), from_end=True)
    return None if can_be_empty else chars


class _Start(NamedTuple):
    """How matches of one alternative start: the first characters, the second ones when known (None:
    anything), and whether a \\b stands before them."""

    at_word_start: bool
    first: frozenset[str]
    second: frozenset[str] | None


def _starts(items: Any, ignore_case: bool, at_word_start: bool = False) -> list[_Start] | None:
    """How the sequence's matches start, one entry per alternative; None when that cannot be bounded."""
    items = list(items)
    while items and (items[0][0] in _ZERO_WIDTH or _only_zero_width(*items[0], ignore_case)):
        op, value = items.pop(0)
        at_word_start = at_word_start or (op is sre_constants.AT and value is sre_constants.AT_BOUNDARY)
    if not items:
        return None
    op, value = items[0]
    if op is sre_constants.SUBPATTERN and not _sequence_firsts(value[3], _scoped_case(value, ignore_case))[1]:
        return _starts(value[3], _scoped_case(value, ignore_case), at_word_start)
    if op is sre_constants.BRANCH and not _item_firsts(op, value, ignore_case)[1]:
        starts = [_starts(branch, ignore_case, at_word_start) for branch in value[1]]
        if any(start is None for start in starts):
            return None
        return [start for branch_starts in starts for start in branch_starts or []]
    if op in _REPEATS and value[0] == 0 and not _sequence_firsts(value[2], ignore_case)[1]:
        # an optional part first: a match starts with it, or with what follows it
        taken = _starts(value[2], ignore_case, at_word_start)
        skipped = _starts(items[1:], ignore_case, at_word_start)
        return None if taken is None or skipped is None else taken + skipped
    chars, can_be_empty = _sequence_firsts(items, ignore_case)
    if chars is None or can_be_empty:
        return None
    return [_Start(at_word_start, frozenset(chars), _second_chars(items, ignore_case))]


def _second_chars(items: list[Any], ignore_case: bool) -> frozenset[str] | None:
    """The characters after a first single character (a literal or a class), when the next item is one too."""
    if items[0][0] not in (sre_constants.LITERAL, sre_constants.IN):
        return None
    following = [(op, value) for op, value in items[1:] if op not in _ZERO_WIDTH]
    if not following or following[0][0] not in (sre_constants.LITERAL, sre_constants.IN):
        return None
    chars, _ = _item_firsts(*following[0], ignore_case)
    return frozenset(chars) if chars is not None else None


def _only_zero_width(op: Any, value: Any, ignore_case: bool) -> bool:
    """A group of lookarounds only, such as (?:(?<![A-Za-z])|(?<=USD)): it tests a position, takes no text."""
    grouping = op is sre_constants.SUBPATTERN or op is sre_constants.BRANCH
    return grouping and _item_firsts(op, value, ignore_case) == (set(), True)


def _char_class(chars: set[str] | frozenset[str]) -> str:
    return "[" + "".join(re.escape(char) for char in sorted(chars)) + "]"


def _first_char_guard(starts: list[_Start]) -> str:
    """One test of the first character; those that start a match only after a \\b, at word starts only."""
    anywhere = set().union(*(start.first for start in starts if not start.at_word_start))
    at_word_start = set().union(*(start.first for start in starts if start.at_word_start)) - anywhere
    branches = [rf"\b{_char_class(at_word_start)}"] if at_word_start else []
    return "|".join(branches + ([_char_class(anywhere)] if anywhere else []))


def _pair_guard(starts: list[_Start]) -> str | None:
    """A test of the first two characters, one branch per first character; None when it adds nothing."""
    seconds: dict[tuple[bool, str], set[str] | None] = {}
    for start in starts:
        for char in start.first:
            key = (start.at_word_start, char)
            known = seconds.get(key, set())
            seconds[key] = None if known is None or start.second is None else known | start.second
    if 2 * sum(second is not None for second in seconds.values()) < len(seconds):
        return None  # mostly single characters: the first test said all
    branches: dict[bool, list[str]] = {True: [], False: []}
    for (at_word_start, char), second in sorted(seconds.items()):
        branches[at_word_start].append(re.escape(char) + (_char_class(second) if second is not None else ""))
    after_word_start = [rf"\b(?:{'|'.join(branches[True])})"] if branches[True] else []
    return "|".join(branches[False] + after_word_start)


def compile_guarded(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """re.compile with lookaheads on the characters a match can start with, when they can be bounded.

    A first lookahead tests the first character alone, and where a \\b must stand before it, at word
    starts only; the few positions it lets pass are tested on their first two characters.
    """
    starts = _starts(sre_parser.parse(pattern, flags), bool(flags & re.I))
    pairs = _pair_guard(starts) if starts and len(starts) >= _LONG_ALTERNATION else None
    if starts and pairs:
        return re.compile(f"(?={_first_char_guard(starts)})(?={pairs})(?:{pattern})", flags)
    chars = first_chars(pattern, flags)  # a try costs little, or most starts are single characters
    if not chars:
        return re.compile(pattern, flags)
    return re.compile(f"(?={_char_class(chars)})(?:{pattern})", flags)


class LabelledAlternation:
    r"""Alternatives, each with a label, searched as their one alternation would be: leftmost match
    first, and at a position the first alternative listed that matches. Each position tries only the
    alternatives that can start with its first two characters, where one alternation would try all of
    them (hundreds, for the cue words) wherever the guard lets a position pass. A ``suffix`` (a pattern
    without groups) must follow whichever alternative matches: r"\s*\Z" for a word right before a number.
    """

    def __init__(self, alternatives: Sequence[tuple[str, str]], flags: int = 0, suffix: str = "") -> None:
        ignore_case = bool(flags & re.I)
        starts = [_starts(sre_parser.parse(pattern, flags), ignore_case) for _, pattern in alternatives]
        if any(start is None for start in starts):
            raise ValueError("every alternative must start with characters that can be listed")
        by_char, by_pair = _by_first_characters(starts)
        patterns: dict[frozenset[int], re.Pattern[str]] = {}

        def tried(indices: set[int]) -> re.Pattern[str]:
            key = frozenset(indices)
            if key not in patterns:
                either = "|".join(f"(?P<_{index}>{alternatives[index][1]})" for index in sorted(key))
                patterns[key] = re.compile(f"(?:{either}){suffix}", flags)
            return patterns[key]

        self._by_pair = {
            pair: tried(indices | by_char.get(pair[0], set())) for pair, indices in by_pair.items()
        }
        self._by_char = {char: tried(indices) for char, indices in by_char.items()}
        self._labels = {f"_{index}": label for index, (label, _) in enumerate(alternatives)}
        every_start = [start for alternative_starts in starts for start in alternative_starts or []]
        self._candidates = re.compile(f"(?={_first_char_guard(every_start)})", flags)

    def match(self, text: str, position: int, end: int | None = None) -> tuple[str, re.Match[str]] | None:
        """The match starting at the position (and ending by ``end``) and its label, as the alternation's
        match() gives it."""
        pair, char = text[position : position + 2], text[position : position + 1]
        tried = self._by_pair.get(pair) or self._by_char.get(char)
        match = tried.match(text, position, len(text) if end is None else end) if tried is not None else None
        return (self._labels[match.lastgroup or ""], match) if match is not None else None

    def search(self, text: str, start: int, end: int) -> tuple[str, re.Match[str]] | None:
        """The leftmost match within text[start:end] and its label, as the alternation's search() gives it."""
        for candidate in self._candidates.finditer(text, start, end):
            if found := self.match(text, candidate.start(), end):
                return found
        return None

    def finditer(self, text: str) -> Iterator[tuple[str, re.Match[str]]]:
        """Each match and the label of its alternative, as finditer over the alternation gives them."""
        end = 0
        by_pair, by_char, labels = self._by_pair, self._by_char, self._labels
        for candidate in self._candidates.finditer(text):
            position = candidate.start()
            if position < end:
                continue
            tried = by_pair.get(text[position : position + 2]) or by_char.get(text[position])
            if tried is not None and (match := tried.match(text, position)) is not None:
                end = match.end()  # never empty: every alternative starts with a character
                yield labels[match.lastgroup or ""], match


def _by_first_characters(
    starts: Sequence[list[_Start] | None],
) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    """The alternatives (by index) that can start with each first character when their second is not
    known, and with each pair of first characters."""
    by_char: dict[str, set[int]] = {}
    by_pair: dict[str, set[int]] = {}
    for index, alternative_starts in enumerate(starts):
        for start in alternative_starts or []:
            for char in start.first:
                if start.second is None:
                    by_char.setdefault(char, set()).add(index)
                for second in start.second or ():
                    by_pair.setdefault(char + second, set()).add(index)
    return by_char, by_pair


# --- folding -----------------------------------------------------------------------------------

_FOLD_TABLE = {0xFF01 + i: 0x21 + i for i in range(94)}  # full-width ASCII
_FOLD_TABLE.update({0x0E50 + i: 0x30 + i for i in range(10)})  # Thai digits
_FOLD_TABLE.update({0x3000: 0x20, 0x00A0: 0x20, 0x2009: 0x20, 0x202F: 0x20, 0xFFE5: 0x00A5})


@lru_cache(maxsize=8192)  # each block's text is folded by several steps, and again by metadata
def fold(text: str) -> str:
    """The text with Thai and full-width digits, letters and signs as ASCII; same length, same offsets."""
    return text.translate(_FOLD_TABLE)


# --- numbers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedNumber:
    value: float
    start: int
    end: int
    text: str
    precision: float  # the rounding unit the text shows: "8,200" -> 100, "4.2 million" -> 100000
    scale: float = 1.0  # the scale word it ends with: "5 million" -> 10^6, "5億" -> 10^8
    fraction: bool = False  # written as a fraction: "1/2", "2分の1", "one half"


_KANJI_DIGITS = "〇一二三四五六七八九"
_ATOM = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"  # text is folded: ASCII digits only
_KANJI_ATOM = rf"(?:{_ATOM}|[{_KANJI_DIGITS}]+)"
# Thousands set apart by spaces, as some English and French-style texts write them: "1 200 tons", "24 000
# litres". Only before a word: the cells of a table row flattened into a line are numbers apart ("260 130").
_SPACED_ATOM = r"[0-9]{1,3}(?: [0-9]{3})+(?![0-9.,])(?= ?[a-z])"
# A Japanese newspaper's decimal point written as a middle dot, before a unit: "6・6MW級", "2・5%" (not
# "1・2号機", units one and two).
_DOT_DECIMAL = r"[0-9]+・[0-9]+(?=\s?(?:[kMG]W|㎾|㎿|%|％|t(?![a-z])|トン|キロ|メガ|ギガ))"
# A number starts where no letter, digit or decimal point runs into it; currency codes may touch it.
_BOUNDARY = r"(?:(?<![A-Za-z0-9_])|(?<=USD|JPY|THB|EUR|IDR|VND|PHP|Php|MNT)|(?<=Rp))(?<![0-9][.,])"


@cache
def _scales() -> dict[str, dict[str, Decimal]]:
    by_script: dict[str, dict[str, Decimal]] = {}
    for row in read_tsv("scales.tsv"):
        by_script.setdefault(row["script"], {})[row["word"]] = Decimal(row["factor"])
    return by_script


@cache
def _number_words() -> dict[str, int]:
    return {row["word"]: int(row["value"]) for row in read_tsv("number_words.tsv")}


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


@cache
def _fraction_words() -> dict[str, Decimal]:
    """Fraction words by their spelling with single spaces: "one half" -> 0.5."""
    fractions = {}
    for row in read_tsv("fraction_words.tsv"):
        numerator, denominator = row["value"].split("/")
        fractions[row["word"].lower()] = Decimal(numerator) / Decimal(denominator)
    return fractions


def _fraction_word_pattern() -> str:
    english, others = [], []
    for word in sorted(_fraction_words(), key=len, reverse=True):
        if not word.isascii():
            others.append(re.escape(word))
        elif " " in word:
            english.append(r"[\s-]+".join(re.escape(part) for part in word.split()))
        else:  # a bare "half": "half of the cost", not "the first half of 2023"
            english.append(rf"(?<!first )(?<!second )(?<!the ){re.escape(word)}(?=\s+(?:of|the)\b)")
    return rf"(?i:\b(?:{'|'.join(english)})\b)|{'|'.join(others)}"


@cache
def _number_pattern() -> re.Pattern[str]:
    kanji = "".join(_scales()["kanji"])
    # พัน must not be the start of พันธุ์ (species) and the like.
    thai = "|".join(f"{word}(?!ธ)" if word == "พัน" else word for word in _scales()["thai"])
    english = _alternation(list(_scales()["english"]))
    words = _number_words()
    tens = _alternation([word for word, value in words.items() if value >= 20])
    units = _alternation([word for word, value in words.items() if value < 10])
    all_words = _alternation(list(words))
    return compile_guarded(
        rf"{_BOUNDARY}(?:"
        rf"(?P<fraction>(?P<den>{_KANJI_ATOM})分の(?P<num>{_KANJI_ATOM}))"
        r"|(?<![/.])(?P<slash>(?P<sn>[1-9][0-9]?)/(?P<sd>[1-9][0-9]?))(?![0-9/.,])"
        rf"|(?P<fraction_word>{_fraction_word_pattern()})"
        # a space a PDF's layout left before 万, 億 or 兆 does not part them from their digits ("30 万㌧")
        # after 数 (数千万, 数百万: "several"), no figure
        rf"|(?<!数)(?P<kanji>(?:{_KANJI_ATOM}(?: (?=[万億兆]))?[{kanji}]"
        rf"|[十百千](?=[{_KANJI_DIGITS}{kanji}]))(?:[{kanji}]|{_KANJI_ATOM})*)"
        rf"|(?P<plain>{_SPACED_ATOM}|{_DOT_DECIMAL}|{_ATOM})(?:\s?(?P<thai>(?:{thai})+)|\s?(?P<english>(?i:{english}))(?![A-Za-z]))?"
        rf"|(?P<kanji_digits>[{_KANJI_DIGITS}]+)"
        rf"|(?P<word>(?i:\b(?:(?:{tens})-(?:{units})|{all_words})\b))"
        rf"(?:\s+(?P<word_scale>(?i:{english}))(?![A-Za-z]))?"
        r")"
    )


_KANJI_TOKEN = re.compile(rf"{_ATOM}|[{_KANJI_DIGITS}]+|.", re.S)
_KANJI_DIGIT_TABLE = str.maketrans(_KANJI_DIGITS, "0123456789")


def _atom(text: str) -> tuple[Decimal, Decimal]:
    """Value and shown precision of a digit string such as "8,200", "4.25" or "二〇".

    Precision is the place of the last significant digit: trailing zeros of a whole number are
    taken as rounding, as XBRL does.
    """
    digits = text.translate(_KANJI_DIGIT_TABLE).replace(",", "").replace(" ", "").replace("・", ".")
    value = Decimal(digits)
    if "." in digits:
        return value, Decimal(1).scaleb(-len(digits.split(".")[1]))
    significant = digits.rstrip("0")
    trailing_zeros = len(digits) - len(significant)
    return value, Decimal(1).scaleb(trailing_zeros) if significant else Decimal(1)


def _kanji_number(text: str) -> tuple[Decimal, Decimal]:
    """Value and precision of a Japanese numeral, pure or mixed: 9億5,000万, 二千五百, 12億."""
    kanji = _scales()["kanji"]
    total = section = Decimal(0)
    term_precisions: list[Decimal] = []
    section_precisions: list[Decimal] = []
    pending: tuple[Decimal, Decimal] | None = None
    for token in _KANJI_TOKEN.findall(text.replace(" ", "")):
        factor = kanji.get(token)
        if factor is None:
            pending = _atom(token)
            continue
        if factor < 10000:  # 十 百 千 multiply the digit before them within the group
            value, precision = pending or (Decimal(1), Decimal(1))
            section += value * factor
            section_precisions.append(precision * factor)
        else:  # 万 億 兆 close a group
            if pending:
                section += pending[0]
                section_precisions.append(pending[1])
            total += section * factor
            term_precisions += [precision * factor for precision in section_precisions]
            section, section_precisions = Decimal(0), []
        pending = None
    if pending:
        section += pending[0]
        section_precisions.append(pending[1])
    return total + section, min(term_precisions + section_precisions)


def _scale_words(text: str, script: str) -> Decimal:
    """The product of scale words such as "แสนล้าน" or "million"."""
    factor = Decimal(1)
    scales = _scales()[script]
    for word in _scale_word_pattern(script).findall(text.lower()):
        factor *= scales[word]
    return factor


@cache
def _scale_word_pattern(script: str) -> re.Pattern[str]:
    return re.compile(_alternation(list(_scales()[script])))


def _word_number(text: str) -> Decimal:
    words = _number_words()
    return Decimal(sum(words[part] for part in text.lower().split("-")))


def _resolve(match: re.Match[str]) -> tuple[Decimal, Decimal]:
    group = match.lastgroup
    if group == "fraction":
        return _kanji_number(match["num"])[0] / _kanji_number(match["den"])[0], Decimal(0)
    if group == "slash":
        return Decimal(match["sn"]) / Decimal(match["sd"]), Decimal(0)
    if group == "fraction_word":
        return _fraction_words()[re.sub(r"[\s-]+", " ", match["fraction_word"].lower())], Decimal(0)
    if group in ("kanji", "kanji_digits"):
        return _kanji_number(match.group(group))
    if group in ("word", "word_scale"):  # "three", "one trillion"
        factor = _scale_words(match["word_scale"], "english") if match["word_scale"] else Decimal(1)
        return _word_number(match["word"]) * factor, factor
    value, precision = _atom(match["plain"])
    scale_text, script = (match["thai"], "thai") if match["thai"] else (match["english"], "english")
    factor = _scale_words(scale_text, script) if scale_text else Decimal(1)
    return value * factor, precision * factor


def _whole_number(digits: str) -> tuple[float, float]:
    """Value and precision of an integer such as "8,200": the common case, without Decimal."""
    digits = digits.replace(",", "").replace(" ", "")
    significant = digits.rstrip("0")
    return float(int(digits)), float(10 ** (len(digits) - len(significant))) if significant else 1.0


def _is_whole_number(match: re.Match[str]) -> bool:
    """Digits alone (8,200): the common case, its value read without the general resolution."""
    plain = match["plain"]
    if not plain or match["thai"] or match["english"]:
        return False
    return "." not in plain and "・" not in plain


def _value_of(match: re.Match[str]) -> tuple[float, float]:
    if _is_whole_number(match):
        return _whole_number(match["plain"])
    value, precision = _resolve(match)
    return float(value), float(precision)


_FRACTION_GROUPS = ("fraction", "slash", "fraction_word")


def _scale_of(match: re.Match[str]) -> float:
    """The factor of the scale word a number ends with, which a bare number joined to it may share."""
    if match["thai"]:
        return float(_scale_words(match["thai"], "thai"))
    if match["english"] or match["word_scale"]:
        return float(_scale_words(match["english"] or match["word_scale"], "english"))
    kanji = match["kanji"]
    if kanji and _scaled_atom().fullmatch(kanji):
        return float(_scales()["kanji"][kanji[-1]])
    return 1.0


@cache
def _scaled_atom() -> re.Pattern[str]:
    """Digits and one kanji scale: "5億", the form whose scale a bare number joined to it may share."""
    return re.compile(rf"{_ATOM}[{''.join(_scales()['kanji'])}]")


# A reference number is no quantity: digit groups joined by hyphens, one after the first written with a
# leading zero ("Project Number 55191-001", "TA 9999-002"). A range never writes its end so (10-20 MW).
_CODE = re.compile(r"(?<![\w.,])\d+(?:-\d+)*-0\d+(?:-\d+)*(?![\w.,])")


def find_numbers(text: str) -> list[ParsedNumber]:
    """Every number the text writes, in order, with its value resolved.

    Handles ASCII, full-width and Thai digits, thousands separators, decimals, Thai scale words
    (๑,๑๕๖ ล้าน), Japanese numerals and mixed forms (4億2,750万, 二千), English scale words
    (4.2 million), English number words (three) and Japanese fractions (2分の1).
    """
    numbers = []
    folded = fold(text)
    codes = [code.span() for code in _CODE.finditer(folded)] if "-0" in folded else []
    for match in _number_pattern().finditer(folded):
        start, end = match.span()
        if codes and any(low <= start < high for low, high in codes):
            continue
        try:
            value, precision = _value_of(match)
        except ArithmeticError:  # hundreds of digits in a row, or a fraction over zero: not a quantity
            continue
        if not (math.isfinite(value) and math.isfinite(precision)):
            continue
        if _is_whole_number(match):
            numbers.append(ParsedNumber(value, start, end, text[start:end], precision))
            continue
        fraction = match.lastgroup in _FRACTION_GROUPS
        numbers.append(
            ParsedNumber(value, start, end, text[start:end], precision, _scale_of(match), fraction)
        )
    return numbers


# --- periods -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: int
    end: int
    value: str  # "2022", "2016-06", "2023-10-01" or a range "2023-10-01/2024-09-30"


def _month_alternation(language: str) -> str:
    return _alternation(list(read_json("calendar.json")["months"][language]))


@cache
def _date_patterns() -> list[re.Pattern[str]]:
    en, th = _month_alternation("en"), _month_alternation("th")
    eras = _alternation(list(read_json("calendar.json")["eras"]))
    return [
        re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
        # Day first, as the JCM forms ask for dates (dd/mm/yyyy); Buddhist Era years too.
        re.compile(r"(?<![\d/.-])(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>(?:19|20|25)\d{2})(?![\d/.-]?\d)"),
        re.compile(rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon>{en})\.?,?\s+(?P<y>\d{{4}})", re.I),
        re.compile(rf"\b(?P<mon>{en})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})", re.I),
        re.compile(
            rf"(?:(?P<era>{eras})\s?(?P<ey>\d{{1,2}}|元)|(?P<y>\d{{4}}))年(?P<m>\d{{1,2}})月(?P<d>\d{{1,2}})日"
        ),
        re.compile(rf"(?<!\d)(?P<d>\d{{1,2}})\s*(?P<mon>{th})\s*(?:(?:พ\.ศ\.|ค\.ศ\.)\s*)?(?P<y>\d{{4}})"),
    ]


@cache
def _year_patterns() -> list[tuple[re.Pattern[str], str]]:
    """Patterns for whole years and months; the tag says how to format the match."""
    en, th = _month_alternation("en"), _month_alternation("th")
    eras = _alternation(list(read_json("calendar.json")["eras"]))
    return [
        (
            re.compile(
                r"(?<![A-Za-z0-9])(?:FY|F\.Y\.)\s?(?P<y>\d{4})(?!\d)|\bfiscal\s+year\s+(?P<y2>\d{4})", re.I
            ),
            "year",
        ),
        (re.compile(r"(?<!\d)(?P<y>\d{4})年度"), "year"),
        (re.compile(rf"(?P<era>{eras})\s?(?P<ey>\d{{1,2}}|元)年(?:度)?"), "year"),
        (re.compile(r"(?:ปีงบประมาณ|ปี|พ\.ศ\.|ค\.ศ\.)\s*(?:(?:พ\.ศ\.|ค\.ศ\.)\s*)?(?P<y>\d{4})(?!\d)"), "year"),
        (re.compile(rf"\b(?P<mon>{en})\.?\s+(?P<y>\d{{4}})(?!\d)", re.I), "month"),
        (re.compile(rf"(?P<mon>{th})\s*(?:(?:พ\.ศ\.|ค\.ศ\.)\s*)?(?P<y>\d{{4}})(?!\d)"), "month"),
        (re.compile(r"(?<!\d)(?P<y>\d{4})年(?P<m>\d{1,2})月(?!\d)"), "month"),
        (
            re.compile(
                r"\b(?:between|from)\s+(?P<y>\d{4})\s+(?:and|to|until)\s+(?P<y_end>\d{4})(?!\d)", re.I
            ),
            "range",
        ),
        (
            re.compile(r"(?<![\d/.-])(?P<y>(?:19|20)\d\d)\s?[-–]\s?(?P<y_end>(?:19|20)\d\d)(?![\d/.-])"),
            "range",
        ),
    ]


_RANGE_JOINER = re.compile(
    r"\s*(?:to|until|till|through|and|[-–—~～〜]|から|より|まで|ถึง(?:วันที่)?|จนถึง(?:วันที่)?)\s*", re.I
)


def _gregorian(match: re.Match[str], group: str = "y") -> int:
    calendar = read_json("calendar.json")
    groups = match.groupdict()
    if groups.get("era"):
        era_year = 1 if groups["ey"] == "元" else int(groups["ey"])
        return calendar["eras"][groups["era"]] + era_year
    return gregorian_year(int(groups.get(group) or groups.get("y2")))


def gregorian_year(year: int) -> int:
    """The year itself, or the Gregorian year of a Buddhist Era one (Thai documents: 2566 is 2023)."""
    return year - read_json("calendar.json")["buddhist_era_offset"] if year >= 2400 else year


def _month_number(match: re.Match[str]) -> int:
    if match.groupdict().get("m"):
        return int(match["m"])
    months = read_json("calendar.json")["months"]
    name = match["mon"]
    return months["en"].get(name.lower()) or months["th"][name]


def _find_dates(text: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for pattern in _date_patterns():
        for match in pattern.finditer(text):
            day = _real_date(_gregorian(match), _month_number(match), int(match["d"]))
            if day is not None:  # 2023-02-30 or a 13th month is a pattern of digits, not a date
                found.append((match.start(), match.end(), day.isoformat()))
    return _without_overlaps(found)


def _real_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _without_overlaps(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    kept: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda span: (span[0], span[0] - span[1])):
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def _date_ranges(text: str, dates: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Single dates, with "date to date" pairs joined into one range."""
    joined: list[tuple[int, int, str]] = []
    index = 0
    while index < len(dates):
        start, end, value = dates[index]
        following = dates[index + 1] if index + 1 < len(dates) else None
        if following and _RANGE_JOINER.fullmatch(text, end, following[0]):
            joined.append((start, following[1], f"{value}/{following[2]}"))
            index += 2
            continue
        joined.append((start, end, value))
        index += 1
    return joined


def _format_year_match(match: re.Match[str], tag: str) -> str:
    if tag == "range":
        return f"{_gregorian(match)}/{_gregorian(match, 'y_end')}"
    if tag == "month":
        return f"{_gregorian(match):04d}-{_month_number(match):02d}"
    return f"{_gregorian(match):04d}"


_PERIOD_HINT = re.compile(r"\d{4}|令和|平成|昭和")


def find_periods(text: str) -> list[Period]:
    """Periods the text states: fiscal and era years, Buddhist Era years, months, dates and date ranges."""
    return list(_folded_periods(fold(text)))


@lru_cache(maxsize=8192)  # facts, the document period and metadata all read each block's periods
def _folded_periods(folded: str) -> tuple[Period, ...]:
    if not _PERIOD_HINT.search(folded):
        return ()
    spans = _date_ranges(folded, _find_dates(folded))
    for pattern, tag in _year_patterns():
        for match in pattern.finditer(folded):
            if tag != "month" or 1 <= _month_number(match) <= 12:
                spans.append((match.start(), match.end(), _format_year_match(match, tag)))
    return tuple(Period(start, end, value) for start, end, value in _without_overlaps(spans))
