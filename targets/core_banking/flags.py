"""HTTP-level faults for core-banking's `/v1` routes, switched through `POST /admin/flags`.

`error_rate` answers that share of requests with 500 `injected_fault` (draws come from a
`random.Random` seeded by `--seed`, so a run repeats), `extra_latency_ms` delays every
request, `read_only` refuses writes with 503 `read_only` + Retry-After. Health and admin
routes are never affected. This module must not touch the ledger.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from targets.core_banking.refusals import RefusalError

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Flags:
    error_rate: float = 0.0
    extra_latency_ms: int = 0
    read_only: bool = False

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def merge_flags(current: Flags, changes: Mapping[str, Any]) -> Flags:
    """`current` with `changes` applied; unknown names or bad values are a 400."""
    valid = {f.name for f in dataclasses.fields(Flags)}
    unknown = set(changes) - valid
    if unknown:
        raise RefusalError(
            400,
            "unknown_flag",
            f"unknown flag(s) {sorted(unknown)}; valid: {', '.join(sorted(valid))}",
        )
    merged = dataclasses.replace(current, **changes)
    if not isinstance(merged.error_rate, int | float) or not 0.0 <= merged.error_rate <= 1.0:
        raise RefusalError(400, "invalid_flag", "error_rate must be a number in [0, 1]")
    if not isinstance(merged.extra_latency_ms, int) or not 0 <= merged.extra_latency_ms <= 60_000:
        raise RefusalError(400, "invalid_flag", "extra_latency_ms must be an integer in [0, 60000]")
    if not isinstance(merged.read_only, bool):
        raise RefusalError(400, "invalid_flag", "read_only must be true or false")
    return dataclasses.replace(merged, error_rate=float(merged.error_rate))


def install_flags(app: FastAPI, seed: int | None, retry_after_s: int) -> None:
    """Keep `Flags()` in app.state and apply them to /v1 requests."""
    app.state.flags = Flags()
    draws = random.Random(seed)

    @app.middleware("http")
    async def apply_flags(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        flags: Flags = request.app.state.flags
        if not request.url.path.startswith("/v1/"):
            return await call_next(request)
        if flags.extra_latency_ms:
            await asyncio.sleep(flags.extra_latency_ms / 1000)
        if flags.error_rate and draws.random() < flags.error_rate:
            return JSONResponse({"error": "injected_fault", "detail": "flag error_rate"}, 500)
        if flags.read_only and request.method in WRITE_METHODS:
            return JSONResponse(
                {"error": "read_only", "detail": "writes are switched off"},
                503,
                headers={"Retry-After": str(retry_after_s)},
            )
        return await call_next(request)
