"""Thai text layers: how well-formed they are by Thai orthography, and the deterministic repairs.

PDFs made with legacy Thai fonts often carry a broken text layer: glyph variants in the Private Use
Area instead of letters, sara am split into nikhahit and sara aa, marks in the wrong order or doubled.
Pure functions: text in, text and counts out.
"""
from __future__ import annotations

import re

# Legacy Thai fonts place shifted tone marks and vowels in the Private Use Area (U+F700-U+F71A);
# their text is the plain letter.
THAI_PUA = str.maketrans({
    0xF700: "\u0e10", 0xF701: "\u0e34", 0xF702: "\u0e35", 0xF703: "\u0e36", 0xF704: "\u0e37",
    0xF705: "\u0e48", 0xF706: "\u0e49", 0xF707: "\u0e4a", 0xF708: "\u0e4b", 0xF709: "\u0e4c",
    0xF70A: "\u0e48", 0xF70B: "\u0e49", 0xF70C: "\u0e4a", 0xF70D: "\u0e4b", 0xF70E: "\u0e4c",
    0xF70F: "\u0e0d", 0xF710: "\u0e31", 0xF711: "\u0e4d", 0xF712: "\u0e47", 0xF713: "\u0e48",
    0xF714: "\u0e49", 0xF715: "\u0e4a", 0xF716: "\u0e4b", 0xF717: "\u0e4c", 0xF718: "\u0e38",
    0xF719: "\u0e39", 0xF71A: "\u0e3a",
})
PUA = re.compile("[\uf700-\uf71a]")
THAI_OR_PUA = re.compile("[\u0e00-\u0e7f\uf700-\uf71a]")

CONSONANTS = "\u0e01-\u0e2e"
VOWELS_ON = "\u0e31\u0e34-\u0e3a\u0e47"  # written above or below a consonant: ั ิ ี ึ ื ุ ู ฺ ็
TONES = "\u0e48-\u0e4b"  # ่ ้ ๊ ๋
THANTHAKHAT_NIKHAHIT = "\u0e4c\u0e4d"  # ์ ํ
LEADING_VOWELS = "\u0e40-\u0e44"  # เ แ โ ใ ไ

# Deterministic repairs, applied in this order.
SPLIT_SARA_AM = re.compile(f"\u0e4d([{TONES}]?)\u0e32")  # ํ (tone) า -> (tone) ำ
TONE_AFTER_SARA_AM = re.compile(f"\u0e33([{TONES}])")  # ำ่ -> ่ำ: the tone belongs to the consonant
TONE_BEFORE_VOWEL = re.compile(f"([{TONES}])([{VOWELS_ON}])")  # the vowel sits on the consonant first
DOUBLED_MARK = re.compile(f"([{VOWELS_ON}{TONES}{THANTHAKHAT_NIKHAHIT}\u0e33])\\1+")
DOUBLED_SARA_E = re.compile("\u0e40\u0e40")  # เเ typed for แ

# Orthography violations, counted by `thai_defects`.
MARK_WITHOUT_BASE = re.compile(f"(?:^|(?<=[^{CONSONANTS}{VOWELS_ON}]))[{TONES}\u0e4c]")
VOWEL_WITHOUT_CONSONANT = re.compile(f"(?:^|(?<=[^{CONSONANTS}]))[{VOWELS_ON}\u0e4d]")
TWO_TONES = re.compile(f"[{TONES}\u0e4c][{VOWELS_ON}{TONES}\u0e4c]")
LEADING_VOWEL_ALONE = re.compile(f"[{LEADING_VOWELS}](?![{CONSONANTS}])")
DEFECTS = (PUA, SPLIT_SARA_AM, TONE_AFTER_SARA_AM, DOUBLED_MARK, DOUBLED_SARA_E, MARK_WITHOUT_BASE,
           VOWEL_WITHOUT_CONSONANT, TWO_TONES,
           LEADING_VOWEL_ALONE)
THAI_CHARACTERS = re.compile("[\u0e01-\u0e5b\uf700-\uf71a]")
# One defect in a hundred Thai characters is what a sound text layer shows at most (a typo, a
# foreign name); a broken font mapping produces several in every line.
MAX_DEFECT_SHARE = 0.01


def repair_thai(text: str) -> tuple[str, int]:
    """The text with PUA glyphs mapped back, split sara am joined, marks reordered and de-duplicated;
    and how many repairs that took."""
    if not THAI_OR_PUA.search(text):
        return text, 0
    repairs = len(PUA.findall(text))
    if repairs:  # translate() walks the text in Python-level steps; most text has no PUA glyph
        text = text.translate(THAI_PUA)
    for pattern, replacement in (
        (SPLIT_SARA_AM, "\\1\u0e33"), (TONE_AFTER_SARA_AM, "\\1\u0e33"), (TONE_BEFORE_VOWEL, "\\2\\1"),
        (DOUBLED_MARK, "\\1"), (DOUBLED_SARA_E, "\u0e41"),
    ):
        text, count = pattern.subn(replacement, text)
        repairs += count
    return text, repairs


def thai_defects(text: str) -> int:
    """How many places break Thai orthography: a mark with nothing to sit on, two tone marks on one
    syllable, a leading vowel before something other than a consonant, PUA glyph codes, split sara am."""
    return sum(len(pattern.findall(text)) for pattern in DEFECTS)


def thai_characters(text: str) -> int:
    return len(THAI_CHARACTERS.findall(text))


def is_well_formed(text: str) -> bool:
    """True when the Thai in the text (if any) reads as Thai orthography allows."""
    if not THAI_OR_PUA.search(text):  # every defect involves a Thai or PUA character
        return True
    defects = thai_defects(text)
    return defects == 0 or defects <= MAX_DEFECT_SHARE * thai_characters(text)
