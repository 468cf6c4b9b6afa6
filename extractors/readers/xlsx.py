"""XLSX: each non-empty row a table row; a sheet is a page, blank rows separate its tables."""
from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from io import BytesIO
from typing import Any

import openpyxl
from openpyxl.worksheet.formula import ArrayFormula

from corpus.models import PageInfo, RawBlock
from extractors.readers.common import (
    ReaderError,
    Reading,
    collapse_spaces,
    normalize_thai,
    refuse_damaged,
    table_rows,
)

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[ >]")
Position = tuple[int, int, int]  # sheet, row, column; all 0-based


@dataclass
class SheetRow:
    cells: list[str]
    formulas: dict[int, str]  # by column: formulas whose result the file does not hold

    def used_columns(self) -> list[int]:
        return [i for i, cell in enumerate(self.cells) if cell] + list(self.formulas)


@refuse_damaged("XLSX")
def read_xlsx(data: bytes) -> Reading:
    formulas = uncached_formulas(data) if holds_formulas(data) else {}
    workbook = load(data, data_only=True)
    pages: list[PageInfo] = []
    blocks: list[RawBlock] = []
    tables = 0
    try:
        for sheet_index, sheet in enumerate(workbook.worksheets):
            rows = sheet_rows(sheet, sheet_index, formulas)
            number = sheet_index + 1
            chars = sum(len(cell) for row in rows if row is not None for cell in row.cells)
            pages.append(PageInfo(number=number, chars=chars))
            for table in split_at_blank_rows(rows):
                blocks += table_blocks(table, number, sheet.title, tables)
                tables += 1
    finally:
        workbook.close()
    return Reading(media_type=MEDIA_TYPE, pages=pages, blocks=blocks)


def load(data: bytes, data_only: bool) -> Any:
    try:
        return openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=data_only)
    except Exception as error:  # openpyxl raises anything from KeyError to its own exceptions
        raise ReaderError(f"not a valid XLSX ({type(error).__name__}: {error})") from error


def holds_formulas(data: bytes) -> bool:
    """Whether any sheet has a formula element; only then is the second, formula-reading pass needed."""
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return any(
            FORMULA_ELEMENT.search(archive.read(name))
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and name.endswith(".xml")
        )


def uncached_formulas(data: bytes) -> dict[Position, str]:
    """Formulas by position, for the cells whose cached value the data-only pass finds missing."""
    workbook = load(data, data_only=False)
    found: dict[Position, str] = {}
    try:
        for sheet_index, sheet in enumerate(workbook.worksheets):
            sheet.reset_dimensions()
            for row_index, row in enumerate(sheet.iter_rows(values_only=True)):
                for column, value in enumerate(row):
                    formula = formula_text(value)
                    if formula:
                        found[(sheet_index, row_index, column)] = formula
    finally:
        workbook.close()
    return found


def formula_text(value: object) -> str | None:
    if isinstance(value, ArrayFormula):
        return value.text
    if isinstance(value, str) and value.startswith("="):
        return value
    return None


def sheet_rows(sheet: Any, sheet_index: int, formulas: dict[Position, str]) -> list[SheetRow | None]:
    """Displayed cell strings per row, None for a blank row; columns left of all data trimmed."""
    sheet.reset_dimensions()  # a wrong <dimension> in the file would otherwise cut rows off
    rows: list[SheetRow | None] = []
    for row_index, row in enumerate(sheet.iter_rows()):
        cells: list[str] = []
        missing: dict[int, str] = {}
        for column, cell in enumerate(row):
            value = getattr(cell, "value", None)
            formula = formulas.get((sheet_index, row_index, column)) if value is None else None
            if formula:
                missing[column] = formula
            cells.append(display(value, getattr(cell, "number_format", "General")))
        rows.append(SheetRow(cells, missing) if any(cells) or missing else None)
    return trim_columns(rows)


def trim_columns(rows: list[SheetRow | None]) -> list[SheetRow | None]:
    present = [row for row in rows if row is not None]
    if not present:
        return rows
    first = min(min(row.used_columns()) for row in present)
    for row in present:
        row.cells = row.cells[first:max(row.used_columns()) + 1]
    return rows


def display(value: object, number_format: str | None) -> str:
    """The cell as a reader sees it: 8100.0 as 8100, 0.5 under a % format as 50%, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if number_format and "%" in number_format:
            return number_text(value * 100) + "%"
        return number_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return normalize_thai(collapse_spaces(str(value)))


def number_text(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"  # drops binary noise: 0.1 + 0.2 shows as 0.3


def split_at_blank_rows(rows: Iterable[SheetRow | None]) -> Iterator[list[SheetRow]]:
    table: list[SheetRow] = []
    for row in rows:
        if row is None:
            if table:
                yield table
            table = []
        else:
            table.append(row)
    if table:
        yield table


def table_blocks(rows: list[SheetRow], page: int, sheet: str, table: int) -> list[RawBlock]:
    blocks = table_rows([row.cells for row in rows], page=page, table=table, sheet=sheet)
    for block, row in zip(blocks, rows, strict=True):
        if row.formulas:
            block.note = "; ".join(f"formula without cached value: {f}" for f in row.formulas.values())
    return blocks
