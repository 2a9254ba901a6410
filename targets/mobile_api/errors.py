"""The mobile API's error answers: `{"error": "<code>", "detail": "..."}`, never more.

Every refusal is an `ApiError`; `install_error_handlers` renders it, and also renders FastAPI's
own errors (bad JSON, missing fields, unknown routes) in the same shape, without echoing the
input, a stack trace or any internal address.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException


class ApiError(Exception):
    """A refusal with its HTTP status, error code, one-line detail and extra headers."""

    def __init__(
        self, status: int, code: str, detail: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers or {}


def error_response(
    status: int, code: str, detail: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The JSON answer for one refusal."""
    return JSONResponse({"error": code, "detail": detail}, status_code=status, headers=headers)


def unavailable(code: str, detail: str, retry_after_s: int) -> ApiError:
    """A 503 with Retry-After: the customer may try again later."""
    return ApiError(503, code, detail, {"Retry-After": str(retry_after_s)})


async def _api_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.detail, exc.headers)


async def _invalid(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) for e in exc.errors()})
    return error_response(400, "invalid_request", f"missing or invalid: {', '.join(fields)}")


async def _http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    codes = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
    code = codes.get(exc.status_code, "http_error")
    return error_response(exc.status_code, code, str(exc.detail), dict(exc.headers or {}))


def install_error_handlers(app: FastAPI) -> None:
    """Render every refusal of `app` in the house error shape."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(StarletteHTTPException, _http)
