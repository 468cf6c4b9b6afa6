"""A converted amount must follow from the exchange rate the document states."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from checks.base import Rule, fmt, make_warning, tolerance
from corpus.models import ConsistencyWarning, Fact

NAME = "currency_conversion"
# Kinds holding an amount of money; a conversion restates one of them in another currency.
MONEY_KINDS = ("project_cost", "subsidy_amount", "budget", "amount")
RATE_KIND = "exchange_rate"
# Characters that may separate the two sides of "1 USD = 110 JPY", and an amount from its conversion.
RATE_GAP = 20
CONVERSION_GAP = 30


@dataclass(frozen=True)
class Rate:
    """One `base` is worth `value` of `quote`."""

    base: str
    quote: str
    value: float
    fact: Fact

    def convert(self, amount: float, source: str, target: str) -> float | None:
        if (source, target) == (self.base, self.quote):
            return amount * self.value
        if (source, target) == (self.quote, self.base):
            return amount / self.value
        return None


def _is_money(fact: Fact) -> bool:
    return fact.kind in MONEY_KINDS and fact.unit.isalpha() and len(fact.unit) == 3 and fact.unit.isupper()


def stated_rates(facts: Sequence[Fact]) -> list[Rate]:
    """Rates stated as facts (unit "JPY/USD": JPY per USD), or as "1 USD = 110 JPY" read as two amounts."""
    rates = []
    for fact in facts:
        if fact.kind == RATE_KIND and fact.value > 0 and fact.unit.count("/") == 1:
            quote, base = fact.unit.split("/")
            rates.append(Rate(base, quote, fact.value, fact))
    money = [f for f in facts if _is_money(f)]
    for first, second in zip(money, money[1:], strict=False):
        if _adjacent(first, second) and first.unit != second.unit and first.value == 1 and second.value > 0:
            rates.append(Rate(first.unit, second.unit, second.value, first))
    return rates


def _adjacent(first: Fact, second: Fact, gap: int = RATE_GAP) -> bool:
    return first.evidence.block == second.evidence.block and second.evidence.start - first.evidence.end <= gap


def _restates(original: Fact, converted: Fact) -> bool:
    """An amount closely followed by the same kind of amount in another currency: "JPY 110m (USD 1m)"."""
    same_kind = original.kind == converted.kind or "amount" in (original.kind, converted.kind)
    return same_kind and original.unit != converted.unit and _adjacent(original, converted, CONVERSION_GAP)


def _rate_parts(rates: Sequence[Rate], facts: Sequence[Fact]) -> set[int]:
    """The facts (by object identity) that are a side of a rate, never an amount converted."""
    money = [f for f in facts if _is_money(f)]
    sides = {id(r.fact) for r in rates}
    for first, second in zip(money, money[1:], strict=False):
        if id(first) in sides and _adjacent(first, second):
            sides.add(id(second))
    return sides


def check_conversions(facts: Sequence[Fact]) -> list[ConsistencyWarning]:
    ordered = sorted(facts, key=lambda f: f.evidence.start)
    rates = stated_rates(ordered)
    if not rates:
        return []
    sides = _rate_parts(rates, ordered)
    money = [f for f in ordered if _is_money(f) and id(f) not in sides]
    warnings = []
    for original, converted in zip(money, money[1:], strict=False):
        if not _restates(original, converted):
            continue
        warning = _compare(original, converted, rates)
        if warning:
            warnings.append(warning)
    return warnings


def _compare(original: Fact, converted: Fact, rates: Sequence[Rate]) -> ConsistencyWarning | None:
    for rate in rates:
        expected = rate.convert(original.value, original.unit, converted.unit)
        if expected is None:
            continue
        scale = expected / original.value if original.value else 0
        allowed = max(tolerance(converted), tolerance(original) * scale)
        if abs(expected - converted.value) <= allowed:
            return None
        message = (
            f"{fmt(original.value)} {original.unit} at the stated rate of 1 {rate.base} = {fmt(rate.value)} "
            f"{rate.quote} is {fmt(expected)} {converted.unit}, but the text gives {fmt(converted.value)}."
        )
        involved = [original, converted, rate.fact]
        return make_warning(NAME, "warning", involved, converted.value, round(expected, 2), allowed, message)
    return None


RULE = Rule(NAME, "A converted amount follows from the stated exchange rate.", check_conversions)
