"""Facts, warnings and hits as JSON, CSV and plain-text tables: one shape for the CLI and the API."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence

from pydantic import BaseModel

from checks.base import fmt
from corpus.models import ConsistencyWarning, Fact, Project, SearchHit

FACT_COLUMNS = [
    "document_id", "filename", "kind", "value", "unit", "qualifier", "subject", "period",
    "language", "page", "evidence",
]


def fact_row(fact: Fact) -> dict[str, object]:
    return {
        "document_id": fact.document.id,
        "filename": fact.document.filename,
        "kind": fact.kind,
        "value": fact.value,
        "unit": fact.unit,
        "qualifier": fact.qualifier,
        "subject": fact.subject or "",
        "period": fact.period or "",
        "language": fact.language,
        "page": fact.evidence.page,
        "evidence": fact.evidence.text,
    }


WARNING_COLUMNS = [
    "id", "rule", "severity", "status", "note", "documents", "expected", "found", "tolerance", "message",
]


def warning_row(warning: ConsistencyWarning) -> dict[str, object]:
    return {
        "id": warning.id,
        "rule": warning.rule,
        "severity": warning.severity,
        "status": warning.status,
        "note": warning.note or "",
        "documents": " | ".join(d.filename for d in warning.documents),
        "expected": warning.expected,
        "found": warning.found,
        "tolerance": warning.tolerance,
        "message": warning.message,
    }


def to_json(items: Sequence[BaseModel]) -> str:
    return json.dumps([i.model_dump(mode="json") for i in items], ensure_ascii=False, indent=2)


def facts_csv(facts: Sequence[Fact]) -> str:
    return _csv(FACT_COLUMNS, (fact_row(f) for f in facts))


def warnings_csv(warnings: Sequence[ConsistencyWarning]) -> str:
    return _csv(WARNING_COLUMNS, (warning_row(w) for w in warnings))


def _csv(columns: Sequence[str], rows: Iterable[dict[str, object]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def table(rows: Sequence[Sequence[object]], headers: Sequence[str], max_width: int = 60) -> str:
    cells = [[_cell(v, max_width) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(lines)


def _cell(value: object, max_width: int) -> str:
    text = " ".join(str(value if value is not None else "").split())
    return text if len(text) <= max_width else text[: max_width - 1] + "…"


def facts_table(facts: Sequence[Fact]) -> str:
    rows = [
        [f.document.filename, f.kind, fmt(f.value), f.unit, f.qualifier, f.subject, f.evidence.page]
        for f in facts
    ]
    return table(rows, ["document", "kind", "value", "unit", "qualifier", "subject", "page"])


def warnings_table(warnings: Sequence[ConsistencyWarning]) -> str:
    rows = [
        [w.id, w.severity, w.rule, w.status, ", ".join(d.filename for d in w.documents), w.message]
        for w in warnings
    ]
    return table(rows, ["id", "severity", "rule", "status", "documents", "message"], max_width=90)


def projects_table(projects: Sequence[Project]) -> str:
    rows = [
        [p.id, p.country or "", p.name or "", ", ".join(d.document.filename for d in p.documents),
         " | ".join(f"{link.decided_by}: {'; '.join(link.reasons)}" for link in p.links)]
        for p in projects
    ]
    return table(rows, ["id", "country", "name", "documents", "why one project"], max_width=70)


def hits_table(hits: Sequence[SearchHit]) -> str:
    rows = [[h.document.filename, h.page, f"{h.score:.2f}", h.text] for h in hits]
    return table(rows, ["document", "page", "score", "passage"], max_width=80)
