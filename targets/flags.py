"""HTTP-level fault flags every mock-bank service exposes at `/admin/flags`.

Faults that TCP cannot express go through this admin API, never through hidden code paths:
`error_rate` (share of requests answered 500 `injected_fault`), `extra_latency_ms` (added before
handling) and `read_only` (writes refused with 503 + Retry-After). Flags are merged on POST and
read on GET; an unknown flag or a bad value (outside `harness.limits`' ranges, which the
experiment schema shares, or not finite) is a 400 naming the valid ones. Only the public
`/v1/` API is faulted: health, admin and internal (replication) routes never are, so the
harness can always undo a fault. This module must not know about any service's domain; the
random generator is passed in (seeded, so a run repeats).
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from harness.limits import EXTRA_LATENCY_MS, FRACTION
from targets.access import require_admin

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FAULTED_PREFIX = "/v1/"


@dataclass(frozen=True)
class HttpFlags:
    """The current HTTP-level faults of one service."""

    error_rate: float = 0.0
    extra_latency_ms: int = 0
    read_only: bool = False


class FlagsUpdate(BaseModel):
    """Body of POST /admin/flags: only the given fields change."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)

    error_rate: float | None = Field(default=None, ge=FRACTION.low, le=FRACTION.high)
    extra_latency_ms: int | None = Field(
        default=None, ge=EXTRA_LATENCY_MS.low, le=EXTRA_LATENCY_MS.high
    )
    read_only: bool | None = None


def parse_update(raw: object) -> FlagsUpdate | str:
    """The update in a POST body, or a one-line reason it is refused."""
    if not isinstance(raw, dict):
        return "the body must be a JSON object of flags"
    valid = ", ".join(FlagsUpdate.model_fields)
    unknown = sorted(set(raw) - set(FlagsUpdate.model_fields))
    if unknown:
        return f"unknown flag(s) {unknown}; valid: {valid}"
    try:
        return FlagsUpdate.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        return f"{'.'.join(map(str, first['loc']))}: {first['msg']}; valid: {valid}"


def merge_flags(current: HttpFlags, update: FlagsUpdate) -> HttpFlags:
    """`current` with the fields set in `update` replaced."""
    changes = {k: v for k, v in update.model_dump().items() if v is not None}
    return dataclasses.replace(current, **changes)


def install_flags(app: FastAPI, rng: random.Random, retry_after_s: int = 1) -> None:
    """Add the flags middleware and GET/POST /admin/flags to `app` (state: `app.state.flags`)."""
    app.state.flags = HttpFlags()

    @app.middleware("http")
    async def apply_flags(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        flags: HttpFlags = request.app.state.flags
        if not request.url.path.startswith(FAULTED_PREFIX):
            return await call_next(request)
        if flags.extra_latency_ms:
            await asyncio.sleep(flags.extra_latency_ms / 1000)
        if flags.read_only and request.method in WRITE_METHODS:
            return JSONResponse(
                {"error": "read_only", "detail": "service is in read-only mode"},
                status_code=503,
                headers={"Retry-After": str(retry_after_s)},
            )
        if flags.error_rate and rng.random() < flags.error_rate:
            return JSONResponse(
                {"error": "injected_fault", "detail": "error_rate flag"}, status_code=500
            )
        return await call_next(request)

    @app.get("/admin/flags", dependencies=[Depends(require_admin)])
    async def read_flags(request: Request) -> dict[str, object]:
        return dataclasses.asdict(request.app.state.flags)

    @app.post("/admin/flags", dependencies=[Depends(require_admin)], response_model=None)
    async def write_flags(request: Request) -> dict[str, object] | JSONResponse:
        try:
            update = parse_update(await request.json())
        except ValueError:
            update = "the body must be a JSON object of flags"
        if isinstance(update, str):
            return JSONResponse({"error": "invalid_flags", "detail": update}, status_code=400)
        request.app.state.flags = merge_flags(request.app.state.flags, update)
        return dataclasses.asdict(request.app.state.flags)
