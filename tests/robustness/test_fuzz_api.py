"""schemathesis against the API's own OpenAPI description, over a small loaded corpus: no request,
however odd, gets a 500, and every response has the status, content type and shape the schema gives."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import given
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from application.access import Role, create_key
from tests.conftest import JAPANESE_PDD, THAI_SUMMARY, english_docx, monitoring_xlsx
from tests.robustness.fuzzing import fuzz
from tests.service.conftest import Service, start_service

# No 500, and status, content type, headers and body as the schema states. (Not "every schema-valid
# request succeeds": a schema-valid upload of an unreadable file is rightly refused with 422.)
CHECKS = [
    not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory, module_database_url) -> tuple[schemathesis.BaseSchema, dict[str, str]]:
    """The app's schema over a loaded corpus, and an admin key's header so every operation is reached."""
    client, settings = start_service(tmp_path_factory.mktemp("api") / "data", module_database_url)
    with client:
        key = create_key(client.app.state.application.archive.catalog, Role("admin"))[1]
        service = Service(client, {"admin": key, "secretariat": key}, settings)
        for name, data in (("th_summary.txt", THAI_SUMMARY.encode()), ("ja_pdd.txt", JAPANESE_PDD.encode()),
                           ("notice.docx", english_docx()), ("results.xlsx", monitoring_xlsx())):
            assert service.ingest(name, data)["status"] == "done"
    return schemathesis.openapi.from_asgi("/openapi.json", client.app), service.headers("admin")


def test_every_operation_conforms_to_the_schema(api_schema) -> None:
    schema, headers = api_schema
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {operation.label for operation in operations} >= {"POST /documents", "GET /search", "GET /facts"}
    for operation in operations:

        @fuzz(25, seconds=10)
        @given(case=operation.as_strategy())
        def conforms(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=CHECKS, headers=headers)

        conforms()
