"""A unit that measures nothing, written where one of power or energy was meant: kilowatts per hour
("19.1kW/時", "2 MW/h"), kilowatts a year ("12 million kilowatts annually") or milliwatt-hours for a
plant's output ("14,182mWh"). The figure was read in the nearest sensible unit, which may not be the one
its writer meant (19.1 kW/時 of savings over 8,322 hours is a power, 2300万kw/時 a year an energy):
a reviewer should see which."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from checks.base import Rule, fmt, make_warning
from corpus.models import ConsistencyWarning, Fact

NAME = "unit_slip"
_PLANT_UNITS = frozenset({"kW", "MWh", "MWh/yr"})

_NUMBER = r"(?P<number>[0-9０-９][0-9０-９,.，]*)\s*(?:万|億|(?i:thousand|million|billion))?\s*"
# Case matters for "mWh" (milli) against "MWh", so only the words around it ignore case.
_POWER = (
    r"(?:[kKmMgG][wW](?![hH])|(?i:(?:kilo|mega|giga)watts?)|キロワット(?!時|アワー)|メガワット(?!時|アワー)"
    r"|(?:กิโล|เมกะ)วัตต์(?!\s*-?\s*ชั่วโมง))"
)
_PER_HOUR = r"(?i:\s*(?:/\s*(?:h|hr|hour)(?![a-z])|per\s+hour|an\s+hour)|\s*/\s*時(?!間)|\s*ต่อ\s*ชั่วโมง)"
_PER_YEAR = (
    r"(?i:\s*(?:/\s*(?:yr|year)(?![a-z])|annually|a\s+year|per\s+year|each\s+year)|\s*/\s*年|\s*ต่อ\s*ปี)"
)
_SLIP = re.compile(rf"{_NUMBER}(?:{_POWER}(?:{_PER_HOUR}|{_PER_YEAR})|mWh(?![A-Za-z]))")


def _digits(text: str) -> str:
    """The significant digits a number is written with: '2300' of 2300万 and 23000.0 alike give '23'."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isdigit()).strip("0")


def _slips(fact: Fact) -> list[str]:
    """The units that measure nothing written right after this fact's number in its sentence."""
    value = _digits(repr(fact.value))
    return [
        match.group().strip()
        for match in _SLIP.finditer(fact.evidence.text)
        if _digits(match["number"]) == value
    ]


def check_unit_slips(facts: Sequence[Fact]) -> list[ConsistencyWarning]:
    """One warning for a document's slips: a writer who slips once tends to do it in every figure."""
    slipped = [(fact, written) for fact in facts if fact.unit in _PLANT_UNITS and (written := _slips(fact))]
    if not slipped:
        return []
    texts = list(dict.fromkeys(text for _, written in slipped for text in written))
    what = "milliwatt-hours, far too small for" if all(t.endswith("mWh") for t in texts) else "no unit of"
    readings = ", ".join(f"{fmt(fact.value)} {fact.unit}" for fact, _ in slipped)
    message = (
        f"The text writes {', '.join(repr(text) for text in texts)}: {what} power or energy (power is kW or "
        f"MW, electricity kWh or MWh). Read as {readings}; check which the writer meant."
    )
    involved = [fact for fact, _ in slipped]
    first = involved[0].value
    return [make_warning(NAME, "warning", involved, first, first, 0.0, message)]


RULE = Rule(NAME, "Power and energy are written in units of power or energy.", check_unit_slips)
