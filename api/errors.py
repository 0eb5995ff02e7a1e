"""One JSON error shape for every failure: ``{"error": {"code", "message"[, "rule"]}}``.

Handlers cover our own `ApiError`, Starlette's HTTP errors (404 — naming the known widgets for an
unknown one —, 405, 413 from the body limit), request validation (422), Neo4j and application-database
outages (503) and anything unexpected (500, without internals).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from neo4j.exceptions import ServiceUnavailable, SessionExpired
from pydantic import BaseModel
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

log = logging.getLogger("invgraph.api")

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    408: "timeout",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    503: "unavailable",
    504: "timeout",
}


class ErrorDetail(BaseModel):
    code: str
    message: str
    rule: str | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


class ApiError(Exception):
    """Raised by endpoints and dependencies; rendered by `api_error_handler`."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        rule: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.rule, self.headers = status, code, message, rule, headers


def error_response(
    status: int, code: str, message: str, rule: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = ErrorBody(error=ErrorDetail(code=code, message=message, rule=rule))
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers)


def _responses(*statuses: int) -> dict[int | str, dict[str, object]]:
    return {s: {"model": ErrorBody, "description": _CODES.get(s, "error")} for s in statuses}


# Documented on every authenticated route (400: an unparsable body) so the OpenAPI spec lists
# what clients really get.
AUTH_ERRORS = _responses(400, 401, 403, 422, 503)


def error_responses(*statuses: int) -> dict[int | str, dict[str, object]]:
    return {**AUTH_ERRORS, **_responses(*statuses)}


async def api_error_handler(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, exc.rule, exc.headers)


def _allowed_methods(request: Request) -> str:
    """Every method any route on this path accepts (Starlette names only the first route it matched)."""
    methods = {
        method
        for method in ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")
        if any(r.matches({**request.scope, "method": method})[0] == Match.FULL for r in request.app.routes)
    }
    return ", ".join(sorted(methods))


def _not_found_message(request: Request) -> str:
    path = request.url.path[:200]
    widgets_prefix = "/api/v1/widgets/"
    if path.startswith(widgets_prefix):
        from api.widgets import WIDGETS  # here, not at import: errors is below every router

        name = path.removeprefix(widgets_prefix).split("/", 1)[0]
        return f"unknown widget {name!r}; the widgets are: {', '.join(sorted(WIDGETS))}"
    return f"no such path: {request.method} {path} (see /docs for the endpoints)"


async def http_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else "request failed"
    headers = dict(getattr(exc, "headers", None) or {})
    if exc.status_code == 404 and message == "Not Found":  # Starlette's bare text: say what was not found
        message = _not_found_message(request)
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request)
        message = f"method {request.method[:16]} is not allowed here; allowed: {headers['Allow'] or 'none'}"
    return error_response(
        exc.status_code, _CODES.get(exc.status_code, "http_error"), message, headers=headers or None
    )


async def validation_error_handler(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # One readable line per problem; the raw pydantic structure would echo the (maybe huge) input back.
    parts = [f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in exc.errors()]
    return error_response(422, "validation_error", "; ".join(parts[:10]) or "invalid request")


async def neo4j_unavailable_handler(_: Request, exc: Exception) -> JSONResponse:
    log.warning("Neo4j unavailable: %s", exc)
    return error_response(
        503,
        "neo4j_unavailable",
        "the graph database is unavailable; retry later",
        headers={"Retry-After": "5"},
    )


async def app_db_unavailable_handler(_: Request, exc: Exception) -> JSONResponse:
    log.warning("application database unavailable: %s", exc)
    return error_response(
        503,
        "app_db_unavailable",
        "the application database (keys, audit log) is unavailable; retry later",
        headers={"Retry-After": "5"},
    )


async def unexpected_error_handler(_: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    return error_response(500, "internal_error", "internal server error")


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, api_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(ServiceUnavailable, neo4j_unavailable_handler)
    app.add_exception_handler(SessionExpired, neo4j_unavailable_handler)
    app.add_exception_handler(OperationalError, app_db_unavailable_handler)
    app.add_exception_handler(Exception, unexpected_error_handler)
