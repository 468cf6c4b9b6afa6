"""One shape for every error the API answers: ``{"error": {"status", "code", "message", "detail"}}``."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from application.access import Refused
from indices import SearchBackendError
from service.schemas import ErrorBody, ErrorResponse

log = logging.getLogger(__name__)

ERRORS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    413: "too_large",
    415: "unsupported",
    422: "invalid",
    503: "unavailable",
}
# What every route may answer besides its own: documented once, on the app.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse} for status in (401, 403, 404, 422)
}


def described(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI description of a route's own error statuses."""
    return {status: {"model": ErrorResponse} for status in statuses}


def error_response(
    status: int, message: str, detail: Any = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = ErrorResponse(
        error=ErrorBody(status=status, code=ERRORS.get(status, "error"), message=message, detail=detail)
    )
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    return error_response(error.status_code, str(error.detail), headers=getattr(error, "headers", None))


async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    detail = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in error.errors()]
    return error_response(422, "the request is not valid", detail)


async def search_backend_error(request: Request, error: SearchBackendError) -> JSONResponse:
    log.error("search backend unavailable: %s", error)  # its address is for the operator, not clients
    return error_response(503, "search is unavailable: the search backend cannot be reached")


async def refused(request: Request, error: Refused) -> JSONResponse:
    """A front door's refusal; the routes' own checks (service.dependencies) answer the same first."""
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
    return error_response(error.status, str(error), headers=headers)


async def unexpected_error(request: Request, error: Exception) -> JSONResponse:
    return error_response(500, "internal error: the request could not be completed")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(SearchBackendError, search_backend_error)  # type: ignore[arg-type]
    app.add_exception_handler(Refused, refused)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, unexpected_error)
