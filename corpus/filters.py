"""What a list asks the catalog for: typed queries that travel unchanged from an entry point (a route, a
command) to the catalog, which answers them in SQL, a page at a time, with totals counted there too.

Every field left None is no condition. Who may read what is not part of a query: the catalog's readers
take ``include_confidential`` beside it, so a total never counts what its caller may not see.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from corpus.models import ConsistencyWarning


@dataclass(frozen=True)
class Window:
    """One page of a list: at most ``limit`` items (all when None) after skipping ``offset``."""

    limit: int | None = None
    offset: int = 0


EVERYTHING = Window()


@dataclass(frozen=True)
class FactQuery:
    """What facts are asked for."""

    document_id: str | None = None
    kind: str | None = None
    unit: str | None = None
    language: str | None = None
    country: str | None = None  # the fact's subject names it, or its document is about it
    project: str | None = None  # words of the fact's subject, in any case
    min_value: float | None = None
    max_value: float | None = None
    year: int | None = None
    start: date | None = None  # the period must overlap [start, end]
    end: date | None = None

    @property
    def period(self) -> tuple[date, date] | None:
        if self.year is not None:
            return date(self.year, 1, 1), date(self.year, 12, 31)
        if self.start is None and self.end is None:
            return None
        return self.start or date.min, self.end or date.max


@dataclass(frozen=True)
class WarningQuery:
    """What warnings are asked for."""

    document_id: str | None = None  # warnings this document is involved in
    severity: str | None = None
    status: str | None = None  # the review status: open, acknowledged or dismissed
    rule: str | None = None

    def matches(self, warning: ConsistencyWarning) -> bool:
        """The same conditions in Python, for a list already read (the web page counts every status)."""
        return (
            (self.severity is None or warning.severity == self.severity)
            and (self.status is None or warning.status == self.status)
            and (self.rule is None or warning.rule == self.rule)
            and (self.document_id is None or any(d.id == self.document_id for d in warning.documents))
        )


@dataclass(frozen=True)
class JobQuery:
    """What uploads are asked for."""

    status: str | None = None


def period_bounds(period: str | None) -> tuple[date, date] | None:
    """First and last day of a fact's period: 2023, 2023-04, 2023-04-01, or two of them joined by /."""
    if not period:
        return None
    first, _, last = period.partition("/")
    start, end = _day_bounds(first.strip()), _day_bounds((last or first).strip())
    if start is None or end is None:
        return None
    return start[0], end[1]


def _day_bounds(text: str) -> tuple[date, date] | None:
    parts = text.split("-")
    try:
        numbers = [int(part) for part in parts]
        if len(numbers) == 1:
            return date(numbers[0], 1, 1), date(numbers[0], 12, 31)
        if len(numbers) == 2:
            last_day = calendar.monthrange(numbers[0], numbers[1])[1]
            return date(numbers[0], numbers[1], 1), date(numbers[0], numbers[1], last_day)
        if len(numbers) == 3:
            day = date(*numbers)
            return day, day
    except ValueError:
        return None
    return None


def overlaps(period: str | None, wanted: tuple[date, date]) -> bool:
    """Whether a fact's period overlaps the wanted days; a fact without a period does not."""
    bounds = period_bounds(period)
    return bounds is not None and bounds[0] <= wanted[1] and wanted[0] <= bounds[1]
