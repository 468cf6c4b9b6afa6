"""A figure printed with a decimal point where a thousands separator was meant: "2.265 MWh" in one
sentence and "2,265 MWh" in the calculation of the same document."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from checks.base import Rule, fmt, make_warning
from corpus.models import ConsistencyWarning, Fact

NAME = "separator_typo"
_THREE_DECIMALS = 0.001  # the precision of a number written with three digits after its point
_SEPARATOR_FACTOR = 1000


def _base_unit(fact: Fact) -> str:
    return fact.unit.removesuffix("/yr")


def _mistaken_pairs(facts: Sequence[Fact]) -> list[tuple[Fact, Fact]]:
    """Pairs of one kind and unit whose digits agree, one written with three decimals, the other whole
    and a thousand times larger."""
    whole_by_value: dict[tuple[str, str, float], list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.unit != "%" and fact.value >= _SEPARATOR_FACTOR and fact.precision and fact.precision >= 1:
            whole_by_value[(fact.kind, _base_unit(fact), fact.value)].append(fact)
    pairs = []
    for fact in facts:
        if fact.precision != _THREE_DECIMALS or not 1 <= fact.value < _SEPARATOR_FACTOR:
            continue
        larger = round(fact.value * _SEPARATOR_FACTOR)
        pairs += [(fact, whole) for whole in whole_by_value.get((fact.kind, _base_unit(fact), larger), [])]
    return pairs


def check_separators(facts: Sequence[Fact]) -> list[ConsistencyWarning]:
    warnings = []
    for decimal, whole in _mistaken_pairs(facts):
        message = (
            f"{decimal.value:.3f} {decimal.unit} and {fmt(whole.value)} {whole.unit} have the same digits a "
            "thousand times apart: a decimal point may stand where a thousands separator was meant."
        )
        pair = [decimal, whole]
        warnings.append(make_warning(NAME, "warning", pair, whole.value, decimal.value, 0.0, message))
    return warnings


RULE = Rule(NAME, "No figure printed with a decimal point and elsewhere a separator.", check_separators)
