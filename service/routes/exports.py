"""Lists as downloads: every match of a query as CSV or JSON."""

from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal

from fastapi import Query, Response

from service import formats

ExportFormat = Annotated[Literal["json", "csv"], Query(description="csv or json")]
CSV_CONTENT = {"text/csv": {"schema": {"type": "string"}}}
# The OpenAPI description of an export route's answer.
EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {**CSV_CONTENT, "application/json": {}}, "description": "every match"}
}


def export(items: Sequence, format: str, to_csv: Callable[[list], str], name: str) -> Response:
    """The items as a download named ``name.csv`` or ``name.json``."""
    if format == "csv":
        body, media_type = to_csv(list(items)), "text/csv; charset=utf-8"
    else:
        body, media_type = formats.to_json(list(items)), "application/json"
    disposition = f'attachment; filename="{name}.{format}"'
    return Response(body, media_type=media_type, headers={"Content-Disposition": disposition})
