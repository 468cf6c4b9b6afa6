"""Facts of table rows, read cell by cell with the column header and row label, and of tables a web
page left as one cell per line."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from corpus.models import Block
from extractors.facts.clause import _DIGIT, _YEAR, _has_context, _kind, _per_year, _Scope, _unit
from extractors.facts.drafts import _Draft, _evidence, _nearest, _periods
from extractors.facts.lexicon import (
    _as_fact_kind,
    _fallback_kind,
    _header_roles,
    _kind_for,
    _may_hold_number,
    _total_patterns,
    country_mentions,
    find_cues,
)
from extractors.numbers import (
    ParsedNumber,
    find_numbers,
    find_periods,
    fold,
    gregorian_year,
)
from extractors.quantities import (
    BRACKETED,
    RATE_UNITS,
    Quantity,
    UnitSpec,
    find_quantities,
    parse_unit_label,
    per_year_before,
    qualifier_around,
    scaled,
)


@dataclass(frozen=True)
class _Column:
    role: str  # project, country, unit, index, period or ""
    unit: UnitSpec | None
    topics: tuple[str, ...]
    per_year: bool = False


@cache
def _columns(header: tuple[str, ...]) -> tuple[_Column, ...]:
    return tuple(_column(label) for label in header)


def _column(label: str) -> _Column:
    folded = fold(label)
    role = next((role for role, pattern in _header_roles().items() if pattern.fullmatch(folded)), "")
    topics = tuple(cue.topic for cue in find_cues(folded))
    unit = parse_unit_label(label)
    if unit and unit.topic:
        topics = (unit.topic, *topics)
    return _Column(role, unit, topics, bool(per_year_before().search(folded)))


_NUMERIC_RESIDUE = re.compile(r"[\s()\[\]*~≈+\-–—.,:;約]*")


@lru_cache(maxsize=4096)  # a row's cells are read for its labels, subject and numbers in turn
def _bare_number(cell: str) -> ParsedNumber | None:
    """The number of a cell that holds nothing else (signs aside): "3,020", "約 720"."""
    numbers = find_numbers(cell)
    if len(numbers) != 1:
        return None
    folded = fold(cell)
    residue = folded[: numbers[0].start] + folded[numbers[0].end :]
    return numbers[0] if _NUMERIC_RESIDUE.fullmatch(residue) else None


def _cell_offsets(text: str, cells: Sequence[str]) -> list[int | None]:
    """Where each cell's text starts in the row text (None when the reader rewrote it)."""
    offsets: list[int | None] = []
    cursor = 0
    for cell in cells:
        found = text.find(cell, cursor) if cell else -1
        offsets.append(found if found >= 0 else None)
        cursor = found + len(cell) if found >= 0 else cursor
    return offsets


@dataclass(frozen=True)
class _Row:
    block: Block
    cells: list[str]
    columns: tuple[_Column, ...]
    offsets: list[int | None]
    topics: tuple[str, ...]  # cue topics of the row's label cells
    unit: UnitSpec | None  # from a unit column or a cell holding only a unit
    subject: str | None
    is_total: bool
    per_year: bool
    period: str | None


def _row_labels(cells: Sequence[str], columns: Sequence[_Column]) -> list[str]:
    """The cells that say what the row's numbers are: under no role, or words under an "Item" column
    (an "Item | Value" sheet lists labels there, not row numbers)."""
    return [
        cell
        for cell, column in zip(cells, columns, strict=False)
        if (not column.role or (column.role == "index" and _LETTER.search(cell))) and not _bare_number(cell)
    ]


_LETTER = re.compile(r"[^\W\d_]{2,}")


def _read_row(block: Block) -> _Row:
    cells = list(block.cells or [])
    header = tuple(block.header or ())
    columns = _columns(header) + (_Column("", None, ()),) * max(0, len(cells) - len(header))
    labels = _row_labels(cells, columns)
    first = next((cell for cell in cells if cell.strip()), "")
    return _Row(
        block=block,
        cells=cells,
        columns=columns,
        offsets=_cell_offsets(block.text, cells),
        topics=tuple(cue.topic for label in labels for cue in find_cues(fold(label))),
        unit=_row_unit(cells, columns),
        subject=_row_subject(cells, columns),
        is_total=bool(_total_patterns()[2].fullmatch(fold(first))),
        per_year=any(per_year_before().search(fold(label)) for label in labels),
        period=_row_period(cells, columns) or _nearest(_periods(block.text), 0),
    )


_BARE_YEAR = re.compile(r"\s*(?P<year>[0-9]{4})\s*")  # "FY2023" and the like are periods already


def _row_period(cells: Sequence[str], columns: Sequence[_Column]) -> str | None:
    """The row's cell under a Year or Period header: a period it states, or a bare year (a Buddhist Era
    year, as Thai tables give them, made Gregorian)."""
    for cell, column in zip(cells, columns, strict=False):
        if column.role != "period":
            continue
        if periods := find_periods(cell):
            return periods[0].value
        if year := _BARE_YEAR.fullmatch(fold(cell)):
            value = gregorian_year(int(year["year"]))
            return str(value) if 1950 <= value <= 2100 else None
    return None


def _row_unit(cells: Sequence[str], columns: Sequence[_Column]) -> UnitSpec | None:
    for cell, column in zip(cells, columns, strict=False):
        spec = parse_unit_label(cell) if cell.strip() and not find_numbers(cell) else None
        if spec and (column.role == "unit" or len(cell.strip()) <= 24):
            return spec
    return None


def _is_subject_like(cell: str) -> bool:
    """A cell naming something: letters, and neither a number, a cue label, a unit nor a total label."""
    folded = fold(cell)
    if not re.search(r"[^\W\d_]", folded) or _bare_number(cell):
        return False
    return not (find_cues(folded) or parse_unit_label(cell) or _total_patterns()[2].fullmatch(folded))


def _row_subject(cells: Sequence[str], columns: Sequence[_Column]) -> str | None:
    """The row's project (or country) cell, else its first cell that names something."""
    for role in ("project", "country"):
        for cell, column in zip(cells, columns, strict=False):
            if column.role == role and cell.strip():
                mentions = country_mentions(fold(cell)) if role == "country" else []
                return mentions[0].value if mentions else cell.strip()
    for cell, column in zip(cells, columns, strict=False):
        if not column.role and _is_subject_like(cell):
            return cell.strip()
    return None


def _is_header_row(block: Block) -> bool:
    """The first row, unless a cell after its first states an amount with its unit (a sheet of labels and
    values has no header: "Total project cost | JPY 1,200 million"), or a row repeating the header."""
    cells = [cell.strip() for cell in block.cells or []]
    if block.row == 0:
        return not any(find_quantities(cell) for cell in cells[1:])
    return bool(block.header and cells == [label.strip() for label in block.header])


def _table_row_drafts(block: Block) -> list[_Draft]:
    if _is_header_row(block):
        return []
    row = _read_row(block)
    drafts: list[_Draft] = []
    for index, cell in enumerate(row.cells):
        if row.columns[index].role not in ("unit", "index", "period") and _may_hold_number().search(cell):
            drafts += _cell_drafts(row, index)
    return drafts


def _cell_drafts(row: _Row, index: int) -> list[_Draft]:
    cell, column = row.cells[index], row.columns[index]
    number = _bare_number(cell)
    if number is not None:
        spec = column.unit or row.unit
        draft = _bare_cell_draft(row, index, number, spec) if spec else None
        return [draft] if draft else []
    folded = fold(cell)
    quantities = find_quantities(cell)
    scope = _Scope(folded, 0, len(folded), quantities, find_cues(folded), column.topics + row.topics)
    drafts = []
    for quantity in quantities:
        kind = _kind(scope, quantity)
        if kind and _has_context(quantity.context, scope.all_topics):
            unit = _unit(quantity, _per_year(scope, quantity))
            drafts.append(_cell_draft(row, index, quantity.number, kind, unit, quantity))
    return drafts


def _bare_cell_draft(row: _Row, index: int, number: ParsedNumber, spec: UnitSpec) -> _Draft | None:
    """A number alone in its cell takes its unit and scale from the column header or the row's unit cell."""
    column = row.columns[index]
    topics = column.topics + row.topics
    if not _has_context(spec.context, topics):
        return None
    kind = next((kind for topic in topics if (kind := _kind_for(topic, spec.unit_class))), None)
    kind = _as_fact_kind(kind or _fallback_kind(spec.unit_class))
    if kind is None:
        return None
    value, precision = scaled(number, spec.factor)
    per_year = spec.unit_class in RATE_UNITS and (spec.per_year or column.per_year or row.per_year)
    quantity = Quantity(
        number=number,
        value=value,
        unit=RATE_UNITS[spec.unit_class] if per_year else spec.unit,
        unit_class=spec.unit_class,
        start=number.start,
        end=number.end,
        precision=precision,
        qualifier=qualifier_around(fold(row.cells[index]), number.start, (number.end,)),
    )
    return _cell_draft(row, index, number, kind, quantity.unit, quantity)


def _cell_draft(
    row: _Row, index: int, number: ParsedNumber, kind: str, unit: str, quantity: Quantity
) -> _Draft:
    block = row.block
    offset = row.offsets[index]
    if offset is None:  # the reader rewrote the cell: point at the number's first occurrence in the row
        found = block.text.find(number.text)
        offset = found - number.start if found >= 0 else -number.start
    return _Draft(
        kind=kind,
        value=quantity.value,
        unit=unit,
        unit_class=quantity.unit_class,
        qualifier=quantity.qualifier,
        precision=quantity.precision,
        evidence=_evidence(block, block.text, number, offset),
        language=block.language,
        subject=row.subject,
        period=row.period,
        is_total=row.is_total and quantity.unit_class != "count",
        in_list=True,
    )


_FLAT_HEADER_MAX = 60  # characters of a header cell left on a line of its own
_FLAT_HEADER_LINES = 5  # header lines up to the unit's whose cues tell what the column holds
_FLAT_REACH = 40  # blocks a flattened table's rows may run below its header
_BARE_LINE = re.compile(r"[ \t]*[0-9][0-9,.]*(?:[ \t]+[0-9][0-9,.]*)*[ \t]*")
_SENTENCE_MARK = re.compile(r"[。！？!?]|(?<!\bNo)\.(?:\s|\Z)")  # "No." heads a column


@dataclass(frozen=True)
class _FlatHeader:
    """A column header that a web page's table left as short lines, its unit in brackets on one of them:
    "Notified amount" / "of credits" / "to be issued (tCO2eq)", "クレジット量" / "(tCO2)"."""

    label: str
    spec: UnitSpec
    kind: str
    block: int
    cells: int = 1  # the header's cells, when it names the column last of a row split by _CELL_BREAK


def _is_header_line(block: Block) -> bool:
    text = block.text.strip()
    unbracketed = BRACKETED.sub("", text)
    short = 0 < len(text) <= _FLAT_HEADER_MAX
    return short and not _DIGIT.search(unbracketed) and not _SENTENCE_MARK.search(text)


def _flat_header(blocks: Sequence[Block], position: int) -> _FlatHeader | None:
    block = blocks[position]
    if not _is_header_line(block) or (spec := _bracketed_unit(block.text)) is None:
        return None
    header = [*_header_lines_above(blocks, position), block]
    topics = [cue.topic for line in reversed(header) for cue in reversed(find_cues(fold(line.text)))]
    kind = next((kind for topic in topics if (kind := _kind_for(topic, spec.unit_class))), None)
    if kind is None or _as_fact_kind(kind) is None:
        return None
    label = " ".join(line.text.strip() for line in header)
    return _FlatHeader(label, spec, kind, block.index, len(_cells(block.text)))


# Cells a page's table kept on one line, split by slashes or bars: "No. 国/事業者/案件名/削減量(tCO2/年)".
_CELL_BREAK = re.compile(r"\s*[/|｜／\t]\s*")


def _cells(line: str) -> list[str]:
    """The cells of a line split by slashes or bars, brackets left out ("tCO2/年" splits nothing)."""
    return _CELL_BREAK.split(BRACKETED.sub("", line.strip()))


def _ends_in_column(line: str, cells: int) -> bool:
    """Whether a row split like its header has a bare number for its last cell: "3.モンゴル/…/14,746"."""
    parts = _cells(line)
    return cells > 1 and len(parts) == cells and bool(_BARE_LINE.fullmatch(parts[-1]))


def _bracketed_unit(text: str) -> UnitSpec | None:
    """A unit a header line states in brackets: "(tCO2eq)"; a word of a title is none ("二国間クレジット")."""
    return next((spec for part in BRACKETED.findall(text) if (spec := parse_unit_label(part))), None)


def _flat_row_drafts(block: Block, header: _FlatHeader) -> list[_Draft]:
    """The values of a flattened header's column in the lines below it (see _column_numbers)."""
    spec = header.spec
    unit = RATE_UNITS[spec.unit_class] if spec.per_year and spec.unit_class in RATE_UNITS else spec.unit
    drafts = []
    offset = 0
    for line in block.text.splitlines(keepends=True):
        for number in _column_numbers(line, header):
            if _YEAR.fullmatch(number.text):
                continue
            value, precision = scaled(number, spec.factor)
            drafts.append(
                _Draft(
                    kind=header.kind,
                    value=value,
                    unit=unit,
                    unit_class=spec.unit_class,
                    qualifier="exact",
                    precision=precision,
                    evidence=_evidence(block, f"{header.label}: {line.strip()}", number, offset),
                    language=block.language,
                    in_list=True,
                )
            )
        offset += len(line)
    return drafts


def _column_numbers(line: str, header: _FlatHeader) -> list[ParsedNumber]:
    """The numbers of a line that belong to the header's column: a line of bare numbers ("144 73"), or the
    last cell of a row split like the header, whose other cells name the project ("3.モンゴル/…/14,746")."""
    if _BARE_LINE.fullmatch(line.rstrip("\r\n")):
        return find_numbers(line)
    if not _ends_in_column(line, header.cells):
        return []
    return [number for number in find_numbers(line) if line.rstrip().endswith(number.text)]


def _still_open(header: _FlatHeader | None, block: Block) -> _FlatHeader | None:
    """A flattened table goes on until a sentence or its reach ends it."""
    if header is None or block.index - header.block > _FLAT_REACH:
        return None
    return None if _SENTENCE_MARK.search(block.text) and len(block.text) > _FLAT_HEADER_MAX else header


def _header_lines_above(blocks: Sequence[Block], position: int) -> list[Block]:
    above = []
    for block in reversed(blocks[max(0, position - _FLAT_HEADER_LINES) : position]):
        if not _is_header_line(block) or _bracketed_unit(block.text) is not None:
            break
        above.insert(0, block)
    return above
