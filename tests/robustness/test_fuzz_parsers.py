"""Arbitrary text into the number and period parsers: no exception, spans that point into the text,
values a fact can hold. (Round trips of well-formed numbers are in tests/extractors/test_numbers.py.)"""
from __future__ import annotations

import math
import re
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from extractors.numbers import find_numbers, find_periods
from tests.robustness.fuzzing import fuzz

PIECES = [
    *"0123456789", *"๐๑๒๓๔๕๖๗๘๙", *"０１２３４５６７８９", *"〇一二三四五六七八九十百千万億兆",
    ",", ".", "/", "-", "–", "~", " ", "\n", "%", "分の", "million", "billion", "thousand", "half",
    "ล้าน", "พัน", "หมื่น", "แสน", "USD", "JPY", "tCO2", "ตัน", "約", "about", "one", "three", "quarter",
    "FY", "fiscal year ", "年", "年度", "月", "日", "令和", "平成", "昭和", "元", "พ.ศ.", "ค.ศ.", "ปี",
    "ปีงบประมาณ", "January", "May", "Sept.", "มกราคม", "ก.พ.", "to", "から", "まで", "ถึง", "between ",
    "from ", " and ", "1/2", "e", "E", "x",
]
small = st.integers(0, 40).map(str)
years = st.one_of(st.integers(1900, 2100), st.integers(2400, 2700), st.integers(0, 9999)).map(str)
# Shapes of dates and periods with any numbers in them: 2023年13月, 30 ก.พ. 2567, FY2023-2024 ...
date_like = st.one_of(
    st.tuples(years, st.sampled_from("-/."), small, st.sampled_from("-/."), small).map("".join),
    st.tuples(years, st.just("年"), small, st.just("月"), st.one_of(st.just(""), small.map("{}日".format)))
    .map("".join),
    st.tuples(st.sampled_from(["令和", "平成", "昭和"]), small, st.just("年"), small, st.just("月"))
    .map("".join),
    st.tuples(small, st.sampled_from([" January ", " Feb ", " มกราคม ", " ก.พ. "]), years).map("".join),
    st.tuples(st.sampled_from(["FY", "fiscal year ", "ปี ", "from "]), years, st.sampled_from([" to ", "-"]),
              years).map("".join),
)
# Pieces that build numbers and dates, mixed with any text at all.
texts = st.one_of(
    st.lists(st.one_of(date_like, st.sampled_from(PIECES)), max_size=6).map(" ".join),
    st.lists(
        st.one_of(st.sampled_from(PIECES), st.integers(0, 40).map(str), st.integers(1900, 2600).map(str),
                  st.integers(0, 10**6).map(str)),
        max_size=40,
    ).map("".join),
    st.text(max_size=200),
    st.integers(1, 600).map(lambda n: "9" * n),
)
PERIOD = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@fuzz(300)
@given(texts)
def test_numbers_point_into_the_text_with_finite_values(text: str) -> None:
    found = find_numbers(text)
    ends = 0
    for number in found:
        assert ends <= number.start < number.end <= len(text)
        assert number.text == text[number.start:number.end]
        assert math.isfinite(number.value) and math.isfinite(number.precision) and number.precision >= 0
        assert number.scale >= 1
        ends = number.end


@fuzz(200)
@given(texts)
def test_full_width_digits_read_as_ascii_digits(text: str) -> None:
    ascii_values = [n.value for n in find_numbers(text)]
    assert [n.value for n in find_numbers(text.translate(FULL_WIDTH))] == ascii_values


@fuzz(300)
@given(texts)
def test_periods_are_real_dates_months_or_years_within_the_text(text: str) -> None:
    ends = 0
    for period in find_periods(text):
        assert ends <= period.start < period.end <= len(text)
        ends = period.end
        for part in period.value.split("/"):
            match = PERIOD.fullmatch(part)
            assert match, period.value
            year, month, day = (int(g) if g else None for g in match.groups())
            if month is not None:
                assert 1 <= month <= 12, period.value
            if day is not None:
                date(year, month, day)  # raises for 2023-02-30
