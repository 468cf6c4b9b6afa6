"""Numbers and periods in Thai, English and Japanese notation."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.numbers import (
    LabelledAlternation,
    compile_guarded,
    find_numbers,
    find_periods,
    first_chars,
    fold,
    last_chars,
)
from extractors.quantities import _rules, find_quantities, parse_unit_label

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
FULL_WIDTH = str.maketrans("0123456789,.", "０１２３４５６７８９，．")


def values(text: str) -> list[float]:
    return [number.value for number in find_numbers(text)]


def only(text: str) -> tuple[float, float]:
    numbers = find_numbers(text)
    assert len(numbers) == 1, numbers
    return numbers[0].value, numbers[0].precision


# --- notations ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        ("7,300", 7300, 100),
        ("7,314", 7314, 1),
        ("12,345,678", 12345678, 1),
        ("0.75", 0.75, 0.01),
        ("1,250.5", 1250.5, 0.1),
        ("0", 0, 1),
        ("USD 3.7 million", 3_700_000, 100_000),
        ("5.3 billion yen", 5_300_000_000, 100_000_000),
        ("3 thousand", 3000, 1000),
    ],
)
def test_ascii_numbers_and_english_scales(text: str, value: float, precision: float) -> None:
    assert only(text) == (value, precision)


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        ("約8億3,000万円", 830_000_000, 10_000_000),
        ("3億6,450万円", 364_500_000, 100_000),
        ("15億円", 1_500_000_000, 100_000_000),
        ("3兆", 3_000_000_000_000, 1_000_000_000_000),
        ("5千万", 50_000_000, 10_000_000),
        ("720百万円", 720_000_000, 10_000_000),
        ("1.5億", 150_000_000, 10_000_000),
        ("二千五百万", 25_000_000, 1_000_000),
        ("三件", 3, 1),
        ("１２，３００トン", 12_300, 100),
    ],
)
def test_japanese_numerals(text: str, value: float, precision: float) -> None:
    assert only(text) == (value, precision)


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        ("๒,๓๔๗ ล้านบาท", 2_347_000_000, 1_000_000),
        ("๔๑๒ล้านบาท", 412_000_000, 1_000_000),
        ("๒ แสน", 200_000, 100_000),
        ("๕ หมื่น", 50_000, 10_000),
        ("1.2 พันล้าน", 1_200_000_000, 100_000_000),
        ("๗,๓๐๐", 7300, 100),
    ],
)
def test_thai_digits_and_scale_words(text: str, value: float, precision: float) -> None:
    assert only(text) == (value, precision)


def test_number_words_and_fractions() -> None:
    assert values("three projects and twenty-five countries") == [3, 25]
    assert values("補助率は2分の1") == [0.5]


def test_scale_word_prefixes_are_not_scales() -> None:
    assert values("๕ พันธุ์") == [5]


@pytest.mark.parametrize("text", ["MN_AM010", "FY2023", "tCO2e", "PM2.5", "COP28", "ISO14064"])
def test_numbers_inside_identifiers_are_not_numbers(text: str) -> None:
    assert find_numbers(text) == []


def test_currency_codes_may_touch_the_number() -> None:
    assert values("JPY720 million") == [720_000_000]


def test_offsets_point_into_the_original_text() -> None:
    text = "排出削減量は約１２，３００トン、費用は๑,๐๐๐ ล้านบาท and USD 4.2 million."
    for number in find_numbers(text):
        assert text[number.start : number.end] == number.text
    assert len(fold(text)) == len(text)


# --- property: formatted numbers parse back exactly ---------------------------------------------

integers = st.integers(min_value=0, max_value=10**12)


@given(integers)
def test_ascii_with_separators_round_trips(value: int) -> None:
    assert values(f"total {value:,} tCO2e") == [value]


@given(integers)
def test_full_width_round_trips(value: int) -> None:
    assert values(f"合計{f'{value:,}'.translate(FULL_WIDTH)}トン") == [value]


@given(integers)
def test_thai_digits_round_trip(value: int) -> None:
    assert values(f"รวม {f'{value:,}'.translate(THAI_DIGITS)} ตัน") == [value]


def japanese(value: int) -> str:
    """4億2,750万 style: groups of 億 and 万 with Arabic digits."""
    oku, rest = divmod(value, 10**8)
    man, ones = divmod(rest, 10**4)
    parts = [f"{oku:,}億" if oku else "", f"{man:,}万" if man else "", f"{ones:,}" if ones else ""]
    return "".join(parts) or "0"


@given(st.integers(min_value=1, max_value=10**15))
def test_man_oku_forms_round_trip(value: int) -> None:
    assert values(f"総事業費は約{japanese(value)}円") == [value]


@given(st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False))
def test_lan_round_trips(amount: Decimal) -> None:
    text = f"มูลค่า {format(amount, ',f').translate(THAI_DIGITS)} ล้านบาท"
    assert values(text) == [float(amount * 10**6)]


@given(st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False))
def test_million_round_trips(amount: Decimal) -> None:
    assert values(f"USD {format(amount, ',f')} million") == [float(amount * 10**6)]


@given(st.integers(min_value=0, max_value=10**9))
def test_precision_is_the_place_of_the_last_significant_digit(value: int) -> None:
    digits = str(value)
    trailing_zeros = len(digits) - len(digits.rstrip("0")) if value else 0
    assert find_numbers(f"{value:,}")[0].precision == 10**trailing_zeros


# --- periods ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("selected in FY2021", "2021"),
        ("令和6年度の公募", "2024"),
        ("平成30年度予算", "2018"),
        ("ในปีงบประมาณ พ.ศ. ๒๕๖๗", "2024"),
        ("ณ เดือนมีนาคม ๒๕๖๖", "2023-03"),
        ("As of March 2023, ...", "2023-03"),
        ("for the period 1 April 2022 to 31 March 2023", "2022-04-01/2023-03-31"),
        ("from 2022-04-01 to 2023-03-31", "2022-04-01/2023-03-31"),
        ("令和4年4月1日～令和5年3月31日", "2022-04-01/2023-03-31"),
        ("ระหว่างวันที่ ๑ มกราคม ๒๕๖๖ ถึงวันที่ ๓๑ ธันวาคม ๒๕๖๖", "2023-01-01/2023-12-31"),
        ("between 2015 and 2019", "2015/2019"),
        ("令和元年度の実績", "2019"),
        ("平成30年4月20日付け", "2018-04-20"),
        ("ใน พ.ศ. ๒๕๕๘", "2015"),
        ("๑ เมษายน ๒๕๖๖ - ๓๑ มีนาคม ๒๕๖๗", "2023-04-01/2024-03-31"),
        ("April 1, 2023 – March 31, 2024", "2023-04-01/2024-03-31"),
        ("2023年4月1日から2024年3月31日まで", "2023-04-01/2024-03-31"),
        ("2021年度", "2021"),
        ("Monitoring period: 01/04/2023 - 31/03/2024", "2023-04-01/2024-03-31"),  # dd/mm/yyyy of the forms
        ("Start date of project operation: 1.10.2024", "2024-10-01"),
        ("ตั้งแต่วันที่ 1/10/2567", "2024-10-01"),
    ],
)
def test_periods(text: str, period: str) -> None:
    assert [found.value for found in find_periods(text)] == [period]


def test_text_without_years_has_no_period() -> None:
    assert find_periods("Baseline emissions: 6,300 tCO2") == []
    assert find_periods("Tel. 03/3581/3351, 31/02/2023 is no day") == []


# --- fast scanning ------------------------------------------------------------------------------


def test_first_chars_cover_cases_and_optional_parts() -> None:
    assert first_chars(r"\b(?:about|約)", 0) == {"a", "約"}
    assert first_chars("(?i:one)|two") == {"o", "O", "t"}
    assert first_chars(r"x?y") == {"x", "y"}
    assert first_chars(r"\w+") is None
    assert first_chars(r"x?") is None


def test_last_chars_cover_cases_and_optional_parts() -> None:
    assert last_chars(r"(?:USD|US\s?\$)", re.I) == {"D", "d", "$"}
    assert last_chars(r"(?:IDR|Rp\.?)") == {"R", "p", "."}
    assert last_chars(r"ab(?=c)") == {"b"}
    assert last_chars(r"x\w+") is None
    assert last_chars(r"x?") is None


@given(st.text(alphabet="USDRp$. \t\n¥12", max_size=12))
def test_every_currency_before_a_number_is_read_past_its_spaces(prefix: str) -> None:
    """A currency up to three spaces (of any width) before a number is its unit, however the text before
    it ends: the characters a unit can end with are looked for first, and must not miss one."""
    text = f"{prefix}500"
    plain = re.compile(rf"(?:{'|'.join(pattern for _, pattern in _rules('before'))})\s{{0,3}}\Z", re.I)
    expected = plain.search(text, max(0, len(prefix) - 24), len(prefix)) is not None
    if not any(number.start == len(prefix) for number in find_numbers(text)):
        return  # the prefix's digits joined the number
    quantities = [quantity for quantity in find_quantities(text) if quantity.number.start == len(prefix)]
    assert bool(quantities and quantities[0].start < len(prefix)) == expected, text


def test_guarded_pattern_finds_what_the_plain_one_finds() -> None:
    pattern = r"(?<![A-Za-z])(?:reduc(?:e|tion)|削減|ลด)"
    text = "Reduction of CO2 / 削減量 / ลดได้ / produce"
    guarded = compile_guarded(pattern, 2)
    assert guarded.pattern.startswith("(?=[")
    assert [m.group() for m in guarded.finditer(text)] == ["Reduction", "削減", "ลด"]


def test_long_alternation_is_guarded_on_word_starts_and_two_characters() -> None:
    english = [rf"\b{first}{second}x" for first in "abcdefghijklmnopqrst" for second in "aeiou"]
    pattern = "|".join([*english, "(?:事業)?費", "削減", "CO2"])
    text = "Bax and aBax, 事業費 and 費, 削減 of CO2: cox, hux; axbe"
    guarded = compile_guarded(pattern, re.I)
    assert guarded.pattern.startswith("(?=\\b[") and guarded.pattern.count("(?=") == 2
    plain = re.compile(pattern, re.I)
    assert [m.span() for m in guarded.finditer(text)] == [m.span() for m in plain.finditer(text)]
    assert [m.group() for m in guarded.finditer(text)] == ["Bax", "事業費", "費", "削減", "CO2", "cox", "hux"]


_LABELLED = [
    ("cost", r"\bcosts?\b"),
    ("reduction", r"\breduc(?:e|tion)s?"),
    ("cost", r"\bcost of"),  # listed after "costs?": never wins where that matches
    ("subsidy", r"(?:事業)?費補助"),
    ("cost", r"(?:総)?事業費"),
    ("reduction", r"削減"),
    ("reduction", r"ลด"),
    ("credits", r"c\w+its"),  # its second character is not known
    ("reduction", r"CO2 reduction"),  # overlaps the "CO2" one below and is listed first
    ("other", r"CO2"),
]


def _one_alternation(text: str) -> list[tuple[str, int, int]]:
    labels = {f"g{index}": label for index, (label, _) in enumerate(_LABELLED)}
    pattern = re.compile("|".join(f"(?P<g{index}>{p})" for index, (_, p) in enumerate(_LABELLED)), re.I)
    return [(labels[m.lastgroup or ""], *m.span()) for m in pattern.finditer(text)]


def _labelled(text: str) -> list[tuple[str, int, int]]:
    return [(label, *m.span()) for label, m in LabelledAlternation(_LABELLED, re.I).finditer(text)]


def test_labelled_alternation_finds_what_one_alternation_finds() -> None:
    text = "Costs of the CO2 reduction; cost of CO2; 事業費補助 and 総事業費; ลดลง; Credits, costly, produce"
    assert _labelled(text) == _one_alternation(text)
    assert [label for label, _, _ in _labelled(text)] == [
        "cost", "reduction", "cost", "other", "subsidy", "cost", "reduction", "credits",
    ]


@given(st.text(alphabet=list("costreduinCO2 事業費補助総削減ลดx,"), max_size=60))
def test_labelled_alternation_agrees_on_any_text(text: str) -> None:
    assert _labelled(text) == _one_alternation(text)


@given(st.text(alphabet=list("costreduinCO2 事業費補助総削減ลดx,"), max_size=40), st.integers(0, 40))
def test_labelled_alternation_searches_a_window_as_one_pattern_does(text: str, start: int) -> None:
    """With a suffix every match must end with: the last cue word right before the window's end."""
    suffix = r"\s{0,3}\Z"
    labels = {f"g{index}": label for index, (label, _) in enumerate(_LABELLED)}
    either = "|".join(f"(?P<g{index}>{p})" for index, (_, p) in enumerate(_LABELLED))
    plain = re.compile(f"(?:{either}){suffix}", re.I).search(text, min(start, len(text)), len(text))
    found = LabelledAlternation(_LABELLED, re.I, suffix=suffix).search(text, min(start, len(text)), len(text))
    expected = (labels[plain.lastgroup or ""], plain.span()) if plain else None
    assert ((found[0], found[1].span()) if found else None) == expected


def test_labelled_alternation_refuses_an_alternative_of_any_start() -> None:
    with pytest.raises(ValueError, match="start"):
        LabelledAlternation([("any", r"\w+ credits")])


# --- units on numbers and labels ----------------------------------------------------------------


def test_no_unit_after_a_number_starts_with_a_space_or_a_bracket() -> None:
    """The spaces and the bracket before a unit are read once, before the units are tried: a unit that
    began with one would never be found."""
    for _, pattern in _rules("after"):
        chars = first_chars(pattern, re.I)
        assert chars and not any(char.isspace() or char == "[" for char in chars), pattern


@pytest.mark.parametrize(
    ("text", "unit_end"),
    [("1,225 [tCO2]", 11), ("1,225 [ tCO2 ]", 12), ("189(tCO2)", 9), ("189 （tCO2e）", 11),
     ("a 5-megawatt plant", 12), ("40   MWh", 8)],
)
def test_units_after_spaces_brackets_and_hyphens(text: str, unit_end: int) -> None:
    (quantity,) = find_quantities(text)
    assert quantity.end == unit_end


@pytest.mark.parametrize(
    ("text", "value", "unit", "per_year"),
    [
        ("7,420 tCO2/年", 7420, "tCO2e", True),
        ("2,870 t-CO2e", 2870, "tCO2e", False),
        ("2 ktCO2e per year", 2000, "tCO2e", True),
        ("40,000 tonnes of CO2 emissions per year", 40_000, "tCO2e", True),
        ("๒,๐๐๐ ตันคาร์บอนไดออกไซด์เทียบเท่าต่อปี", 2000, "tCO2e", True),
        ("๕๐๐ ตัน CO2", 500, "tCO2e", False),
        ("US$ 3 million", 3_000_000, "USD", False),
        ("¥1,000", 1000, "JPY", False),
        ("฿ 250", 250, "THB", False),
        ("ร้อยละ ๔๐", 40, "%", False),
        ("45 percent", 45, "%", False),
        ("5割", 50, "%", False),
        ("3.5MW", 3500, "kW", False),
        ("๒ เมกะวัตต์", 2000, "kW", False),
        ("300キロワット", 300, "kW", False),
        ("a 5-megawatt plant", 5000, "kW", False),
        ("4,000 MWh", 4000, "MWh", False),
        ("8.8 million kWh of electricity per year", 8800, "MWh", True),
        ("1.2 GWh/year", 1200, "MWh", True),
        ("650メガワット時", 650, "MWh", False),
        ("๓๐๐,๐๐๐ กิโลวัตต์-ชั่วโมง", 300, "MWh", False),
        ("3万6390t", 36390, "tCO2e", False),
        ("1億t程度", 1e8, "tCO2e", False),
        ("12 registered projects", 12, "count", False),
        ("๑๕ ประเทศ", 15, "count", False),
        ("29か国", 29, "count", False),
    ],
)
def test_units(text: str, value: float, unit: str, per_year: bool) -> None:
    [quantity] = find_quantities(text)
    assert (quantity.value, quantity.unit, quantity.per_year) == (value, unit, per_year)


@pytest.mark.parametrize(
    "text",
    [
        "grid emission factor 0.533 tCO2/MWh",
        "費用対効果は4,000円/t-CO2",
        "a price of USD 10 per tonne",
        "4,000 kWh/t",
        "in 2016 projects were few",
        "between the two countries",
        "12 months",
    ],
)
def test_rates_energy_and_references_are_not_quantities(text: str) -> None:
    assert find_quantities(text) == []


@pytest.mark.parametrize(
    ("label", "unit", "factor", "per_year"),
    [
        ("Initial investment (JPY million)", "JPY", 10**6, False),
        ("Annual GHG cuts\n(tCO2e/yr)", "tCO2e", 1, True),
        ("総事業費(百万円)", "JPY", 10**6, False),
        ("補助金額(千円)", "JPY", 1000, False),
        ("เงินลงทุน (ล้านบาท)", "THB", 10**6, False),
        ("CO2削減量(t-CO2/年)", "tCO2e", 1, True),
        ("Capacity (MW)", "kW", 1000, False),
        ("tCO2", "tCO2e", 1, False),
    ],
)
def test_unit_labels(label: str, unit: str, factor: int, per_year: bool) -> None:
    spec = parse_unit_label(label)
    assert spec is not None
    assert (spec.unit, spec.factor, spec.per_year) == (unit, factor, per_year)


def test_rate_labels_give_no_unit() -> None:
    assert parse_unit_label("Emission factor (tCO2/MWh)") is None
    assert parse_unit_label("Project") is None


# --- fractions, lists and ranges ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("one half of the cost", 0.5),
        ("a third of the budget", 1 / 3),
        ("two-thirds of it", 2 / 3),
        ("half of the initial investment", 0.5),
        ("1/2 of the equipment cost", 0.5),
        ("設備費の半分", 0.5),
        ("１００分の５０", 0.5),
        ("三分の一", 1 / 3),
        ("ครึ่งหนึ่งของค่าใช้จ่าย", 0.5),
    ],
)
def test_fractions_in_words_and_signs(text: str, value: float) -> None:
    [number] = find_numbers(text)
    assert number.fraction and number.value == pytest.approx(value)


@pytest.mark.parametrize("text", ["the first half of 2023", "2023/4/1", "12,345"])
def test_halves_of_years_and_dates_are_not_fractions(text: str) -> None:
    assert not any(number.fraction for number in find_numbers(text))


@pytest.mark.parametrize(
    ("text", "shares"),
    [("one half of the cost", [50]), ("1/2", [50]), ("2分の1", [50]), ("5割", [50]), ("ร้อยละ ๕๐", [50])],
)
def test_fractions_are_shares(text: str, shares: list[float]) -> None:
    assert [(q.value, q.unit) for q in find_quantities(text)] == [(share, "%") for share in shares]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("JPY 3 and 5 million", [(3e6, "JPY", "exact"), (5e6, "JPY", "exact")]),
        ("between 3 and 5 million yen", [(3e6, "JPY", "at_least"), (5e6, "JPY", "at_most")]),
        ("3～5億円", [(3e8, "JPY", "at_least"), (5e8, "JPY", "at_most")]),
        ("10-20 MW", [(10_000, "kW", "at_least"), (20_000, "kW", "at_most")]),
        ("๒ ถึง ๓ ล้านบาท", [(2e6, "THB", "at_least"), (3e6, "THB", "at_most")]),
        ("USD 1.5 or 2 million", [(1.5e6, "USD", "exact"), (2e6, "USD", "exact")]),
    ],
)
def test_numbers_joined_share_scale_and_unit(text: str, expected: list[tuple[float, str, str]]) -> None:
    assert [(q.value, q.unit, q.qualifier) for q in find_quantities(text)] == expected


@pytest.mark.parametrize("text", ["Table 3 and 500 tCO2", "in 2019 and 2020 projects"])
def test_labels_and_years_do_not_join_a_list(text: str) -> None:
    assert [q.number.text for q in find_quantities(text)] in (["500"], [])


def test_parts_of_a_split_take_its_unit() -> None:
    quantities = find_quantities("1,200 tCO2, of which 700 to one side and 500 to the other.")
    assert [(q.value, q.unit) for q in quantities] == [(1200, "tCO2e"), (700, "tCO2e"), (500, "tCO2e")]


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("8 ton CO2 equivalent", 8, "tCO2e"),
        ("9 tonnes of CO2", 9, "tCO2e"),
        ("6.9 billion yen", 6.9e9, "JPY"),
        ("約9億5,000万円", 9.5e8, "JPY"),
        ("三百キロワット", 300, "kW"),
        ("๑,๑๕๖ ล้านบาท", 1.156e9, "THB"),
        ("17件", 17, "count"),
        ("11 projects", 11, "count"),
        ("4 โครงการ", 4, "count"),
        ("US$ 4.2 million", 4.2e6, "USD"),
    ],
)
def test_more_spellings(text: str, value: float, unit: str) -> None:
    [quantity] = find_quantities(text)
    assert (quantity.value, quantity.unit) == (pytest.approx(value), unit)


# --- property: every script and notation parses back exactly -----------------------------------

KANJI = "〇一二三四五六七八九"


def kanji_numeral(value: int) -> str:
    """三千二百五 style below 万, for 1..9999 (a bare 十, 百 or 千 is too often part of a word)."""
    parts = []
    for factor, sign in ((1000, "千"), (100, "百"), (10, "十")):
        digit, value = divmod(value, factor)
        if digit:
            parts.append(("" if digit == 1 else KANJI[digit]) + sign)
    return "".join(parts) + (KANJI[value] if value else "")


@given(st.integers(min_value=1, max_value=9999).filter(lambda value: value not in (10, 100, 1000)))
def test_kanji_numerals_round_trip(value: int) -> None:
    assert values(f"合計{kanji_numeral(value)}件") == [value]


def thai_scaled(value: int) -> str:
    """๓ ล้าน ๒ แสน style is not used in documents; "๓.๒ ล้าน" is: millions with decimals, Thai digits."""
    return f"{value / 100:,.2f}".translate(THAI_DIGITS) + " ล้าน"


@given(st.integers(min_value=1, max_value=10**7))
def test_thai_millions_round_trip(hundredths: int) -> None:
    assert values(f"มูลค่า {thai_scaled(hundredths)}บาท") == [pytest.approx(hundredths * 10_000)]


@given(
    st.integers(min_value=1, max_value=999_999),
    st.sampled_from([("thousand", 10**3), ("million", 10**6), ("billion", 10**9)]),
)
def test_english_scales_round_trip(amount: int, scale: tuple[str, int]) -> None:
    word, factor = scale
    assert values(f"USD {amount:,} {word}") == [amount * factor]


@given(st.integers(min_value=1, max_value=99), st.integers(min_value=1, max_value=99))
def test_fractions_round_trip(numerator: int, denominator: int) -> None:
    expected = [pytest.approx(numerator / denominator)]
    assert values(f"{denominator}分の{numerator}") == expected
    assert values(f"({numerator}/{denominator})") == expected
