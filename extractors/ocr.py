"""OCR of a page image with Tesseract: paragraphs with boxes in PDF points and word confidences.

Tesseract runs as a subprocess (through pytesseract), so a worker's time limit also ends it: the
worker is its process group's leader and the whole group is killed.
"""
from __future__ import annotations

import os
import re
import shutil
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache

from PIL import Image

from corpus.models import BBox, Language, RawBlock
from extractors.language import is_cjk, is_thai
from extractors.readers.common import join_lines
from extractors.thai_repair import repair_thai

# Tesseract's own language packs, by the language codes of extractors.language.
TESSERACT_LANGUAGES: dict[Language, str] = {"th": "tha", "ja": "jpn", "en": "eng"}
ALL_LANGUAGES: tuple[Language, ...] = ("th", "ja", "en")
# Thai "words" from Tesseract are letter clusters; a gap wider than this share of the line's median
# word height is a space the writer typed (at 300 dpi: clusters 0-17 px apart, spaces 20-31 px,
# words 30 px high).
SPACE_GAP = 0.6
# A line whose words are, by median height, under this share of the paragraph's tallest line is marks
# split off a neighbouring line (at 300 dpi: Thai letters 30 px high, such lines' glyphs 11-16 px).
MARKS_LINE = 0.6
# OCR reads the O of CO2 as a zero: "tC02", "C02e".
CARBON_DIOXIDE = re.compile(r"(?<![A-Za-z0-9])(t?)C02(?=e?\b|e?[/ ])")
LATIN_WORD = re.compile("[A-Za-z]+")
THAI_LETTERS = re.compile("[\u0e01-\u0e4e]+")  # letters, vowels and marks; not Thai digits
# The confidence of every piece of the Thai model's reading for it to replace a Latin one.
SURE_THAI = 0.8
THAI_SPACE = re.compile("(?<=[\u0e01-\u0e4e]) +(?=[\u0e01-\u0e4e])")


class OcrError(Exception):
    """Tesseract failed on a page image."""


@dataclass(frozen=True)
class Word:
    text: str
    confidence: float  # 0-1
    box: tuple[int, int, int, int]  # left, top, right, bottom in pixels
    paragraph: tuple[int, int]  # Tesseract's block and paragraph numbers
    line: int


@cache
def installed_languages() -> frozenset[str]:
    """The Tesseract language packs on this machine; empty when Tesseract is not installed."""
    if shutil.which("tesseract") is None:
        return frozenset()
    import pytesseract

    try:
        return frozenset(pytesseract.get_languages())
    except (pytesseract.TesseractError, OSError):
        return frozenset()


def ocr_available() -> bool:
    return bool(installed_languages() & set(TESSERACT_LANGUAGES.values()))


def language_argument(languages: Iterable[Language]) -> str:
    """Tesseract's -l argument: the wanted packs that are installed, Thai and Japanese before English."""
    wanted = set(languages) or set(ALL_LANGUAGES)
    codes = [TESSERACT_LANGUAGES[lang] for lang in ALL_LANGUAGES if lang in wanted]
    # English words and numbers (tCO2e, USD) appear in every JCM document; the Thai model alone
    # misreads them.
    codes += [] if "eng" in codes else ["eng"]
    return "+".join(code for code in codes if code in installed_languages())


SCRIPTS: dict[str, Language] = {
    "Thai": "th", "Japanese": "ja", "Han": "ja", "Katakana": "ja", "Hiragana": "ja", "Latin": "en",
}


def script_languages(image: Image.Image) -> set[Language]:
    """The page's language by Tesseract's script detection on a half-size image (about a third of
    the time of reading the page); empty when it cannot tell. Reading a Thai page with the Japanese
    model loaded as well loses tone marks, so guessing all three costs accuracy, not only time."""
    if "osd" not in installed_languages():
        return set()
    import pytesseract

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        found = pytesseract.image_to_osd(image.reduce(2), output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractError:  # too few characters to tell
        return set()
    language = SCRIPTS.get(found.get("script", ""))
    return {language} if language else set()


def ocr_words(image: Image.Image, languages: str, config: str = "") -> list[Word]:
    import pytesseract

    # One thread each: ingest already runs one worker per core.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        data = pytesseract.image_to_data(
            image, lang=languages, config=config, output_type=pytesseract.Output.DICT
        )
    except (pytesseract.TesseractError, OSError) as error:
        raise OcrError(str(error).strip() or type(error).__name__) from error
    words = []
    for i, text in enumerate(data["text"]):
        confidence = float(data["conf"][i])
        if not text.strip() or confidence < 0:
            continue
        left, top = data["left"][i], data["top"][i]
        words.append(Word(
            text=text.strip(), confidence=confidence / 100,
            box=(left, top, left + data["width"][i], top + data["height"][i]),
            paragraph=(data["block_num"][i], data["par_num"][i]), line=data["line_num"][i],
        ))
    return words


def ocr_blocks(
    image: Image.Image, languages: str, page: int, scale: float, offset: tuple[float, float] = (0.0, 0.0)
) -> list[RawBlock]:
    """Paragraphs of the page image; `scale` pixels per point and `offset` of the image's corner in
    points from the page's top-left corner turn pixel boxes into the page's boxes."""
    paragraphs: dict[tuple[int, int], list[Word]] = {}
    for word in thai_second_opinion(image, ocr_words(image, languages), languages):
        paragraphs.setdefault(word.paragraph, []).append(word)
    return [paragraph_block(words, page, scale, offset) for words in paragraphs.values()]


def thai_second_opinion(image: Image.Image, words: list[Word], languages: str) -> list[Word]:
    """Words read as Latin letters on Thai lines, read again by the Thai model alone, and taken as Thai
    where it reads nothing but Thai letters, surely. With Thai and English loaded, Tesseract may take a
    Thai word for an English one (ต่อปี read as "dail"); alone, the Thai model reads tCO2e as digits, and
    an English word (JCM, Bangkok) as Thai digits, stray marks or Latin letters, which keep it English."""
    if not {"tha", "eng"} <= set(languages.split("+")):
        return words
    thai_lines = {(w.paragraph, w.line) for w in words if THAI_LETTERS.search(w.text)}
    suspects = [
        i for i, w in enumerate(words) if LATIN_WORD.fullmatch(w.text) and (w.paragraph, w.line) in thai_lines
    ]
    if not suspects:
        return words
    strip, bands = word_strip(image, [words[i].box for i in suspects])
    try:
        second = ocr_words(strip, "tha", config="--psm 6")
    except OcrError:  # the first reading stands
        return words
    rereads: dict[int, list[Word]] = {}
    for word in second:
        middle = (word.box[1] + word.box[3]) / 2
        band = next((n for n, (top, bottom) in enumerate(bands) if top <= middle < bottom), None)
        if band is not None:
            rereads.setdefault(band, []).append(word)
    better = list(words)
    for band, index in enumerate(suspects):
        found = sorted(rereads.get(band, []), key=lambda w: w.box[0])
        if found and all(THAI_LETTERS.fullmatch(w.text) and w.confidence >= SURE_THAI for w in found):
            confidence = min(w.confidence for w in found)
            better[index] = replace(words[index], text="".join(w.text for w in found), confidence=confidence)
    return better


def word_strip(
    image: Image.Image, boxes: Sequence[tuple[int, int, int, int]]
) -> tuple[Image.Image, list[tuple[int, int]]]:
    """The boxes' crops stacked one under another on white, apart, and the band each one occupies."""
    pad = max(b[3] - b[1] for b in boxes) // 2
    width = max(b[2] - b[0] for b in boxes) + 2 * pad
    heights = [b[3] - b[1] + 4 * pad for b in boxes]
    strip = Image.new(image.mode, (width, sum(heights)), 255)
    bands, top = [], 0
    for box, height in zip(boxes, heights, strict=True):
        strip.paste(image.crop(box), (pad, top + 2 * pad))
        bands.append((top, top + height))
        top += height
    return strip, bands


def paragraph_block(words: Sequence[Word], page: int, scale: float, offset: tuple[float, float]) -> RawBlock:
    lines: dict[int, list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    text = join_lines([line_text(line) for line in text_lines(list(lines.values()))])
    left, top = offset
    x0, y0 = min(w.box[0] for w in words), min(w.box[1] for w in words)
    x1, y1 = max(w.box[2] for w in words), max(w.box[3] for w in words)
    box: BBox = (
        round(left + x0 / scale, 2), round(top + y0 / scale, 2),
        round(left + x1 / scale, 2), round(top + y1 / scale, 2),
    )
    confidence = round(statistics.fmean(w.confidence for w in words), 3)
    return RawBlock(page=page, text=text, bbox=box, ocr_confidence=confidence)


def text_lines(lines: list[list[Word]]) -> list[list[Word]]:
    """The lines without those made of marks split off a neighbouring line: Tesseract may read the
    stacked tone marks and upper vowels above a Thai line as a line of their own, of glyphs far shorter
    than the paragraph's letters, and reads them as stray letters and digits."""
    if len(lines) < 2:
        return lines
    heights = [statistics.median(w.box[3] - w.box[1] for w in line) for line in lines]
    tallest = max(heights)
    return [line for line, height in zip(lines, heights, strict=True) if height >= MARKS_LINE * tallest]


def line_text(words: Sequence[Word]) -> str:
    return CARBON_DIOXIDE.sub("\\1CO2", clean_thai_spaces(spaced_line(words)))


def spaced_line(words: Sequence[Word]) -> str:
    """The line's words with a space where the gap says so, Thai marks repaired."""
    height = statistics.median(w.box[3] - w.box[1] for w in words)
    text = words[0].text
    for before, word in zip(words, words[1:], strict=False):
        text += word.text if joined(before, word, height) else " " + word.text
    return repair_thai(text)[0]


def joined(before: Word, word: Word, line_height: float) -> bool:
    """Whether two OCR words are written without a space between them.

    Tesseract's English words are what spaces delimit; its Thai and Japanese words are letter
    clusters, so next to those only a wide gap is a space. A number split at its separator is
    one number.
    """
    last, first = before.text[-1], word.text[0]
    if is_cjk(last) and is_cjk(first):
        return True
    close = word.box[0] - before.box[2] <= SPACE_GAP * line_height
    if is_thai(last) or is_thai(first) or is_cjk(last) or is_cjk(first):
        return close
    return close and last in ".," and len(before.text) > 1 and before.text[-2].isdigit() and first.isdigit()


def clean_thai_spaces(text: str) -> str:
    """Drop a space between Thai letters where the dictionary reads one word across it.

    Thai puts spaces only between phrases, so a space inside a word is the scanner's, not the writer's.
    """
    if not THAI_SPACE.search(text):
        return text
    pieces = THAI_SPACE.split(text)
    result = pieces[0]
    for piece in pieces[1:]:
        result += piece if inside_word(result, piece) else " " + piece
    return result


def inside_word(left: str, right: str) -> bool:
    """True when the word segmentation of the Thai around the junction has a word spanning it."""
    before = re.search("[\u0e01-\u0e4e]+$", left)
    after = re.match("[\u0e01-\u0e4e]+", right)
    if before is None or after is None:
        return False
    from pythainlp.tokenize import word_tokenize  # imported on first use: it loads a dictionary

    joint = before.group() + after.group()
    boundary, position = len(before.group()), 0
    for token in word_tokenize(joint, engine="newmm", keep_whitespace=False):
        if position < boundary < position + len(token):
            return True
        position += len(token)
    return False
