"""Builds one core-banking data centre: the FastAPI app, its ledger node and its shipper.

The ledger file is opened in the background after the server starts, so `/health/ready`
answers 503 `{"status": "opening"}` until it is open (and a fencing primary has asked its
peer's epoch), then 200 with dc, role and epoch. This module wires parts; it must not hold
ledger or replication rules.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from harness.seeds import DEFAULT_SEED, stream
from targets.access import Credentials
from targets.core_banking import admin, api
from targets.core_banking.node import CoreNode, NodeConfig
from targets.core_banking.refusals import RefusalError
from targets.core_banking.replication import Shipper
from targets.flags import install_flags
from targets.profiles import Profile
from targets.service import create_app

log = structlog.get_logger()

_HTTP_CODES = {401: "unauthorized", 404: "not_found", 405: "method_not_allowed"}


@dataclass(frozen=True)
class CoreSettings:
    """Everything one core-banking process is started with."""

    node: NodeConfig
    profile: Profile
    replica_url: str | None
    credentials: Credentials
    seed: int = DEFAULT_SEED
    """The run's seed; the fault flags draw from the stream `core-banking:<dc>`."""


def build_core_app(settings: CoreSettings) -> FastAPI:
    """The app for one DC; the ledger opens when the server starts and closes when it stops."""
    app = create_app(f"core-banking-{settings.node.dc}", settings.credentials)
    app.router.lifespan_context = _lifespan_for(settings)
    app.state.ready = False
    flag_draws = stream(settings.seed, f"core-banking:{settings.node.dc}")
    install_flags(app, flag_draws, settings.profile.retry_after_s)
    _install_error_shapes(app)
    app.include_router(api.router)
    app.include_router(admin.router)
    app.include_router(admin.internal)

    @app.get("/health/ready")
    async def ready(request: Request) -> JSONResponse:
        if not request.app.state.ready:
            return JSONResponse({"status": "opening", "dc": settings.node.dc}, 503)
        standing = request.app.state.core.current()
        return JSONResponse(
            {"status": "ready", "dc": standing.dc, "role": standing.role, "epoch": standing.epoch}
        )

    return app


def _lifespan_for(settings: CoreSettings) -> Any:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        core = CoreNode(settings.node)
        shipper = Shipper(core, settings.profile, settings.replica_url, settings.credentials)
        app.state.core, app.state.shipper = core, shipper
        opening = asyncio.create_task(_open(app, core, shipper), name="ledger-open")
        try:
            yield
        finally:
            opening.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await opening
            await shipper.stop()
            await core.close()

    return lifespan


async def _open(app: FastAPI, core: CoreNode, shipper: Shipper) -> None:
    standing = await core.open()
    await shipper.start()
    app.state.ready = True
    log.info("ledger_open", dc=standing.dc, role=core.current().role, epoch=standing.epoch)


def _install_error_shapes(app: FastAPI) -> None:
    """Every error is `{"error": code, "detail": ...}`, never FastAPI's default shape."""

    @app.exception_handler(RefusalError)
    async def refused(request: Request, exc: RefusalError) -> JSONResponse:
        return JSONResponse(exc.body(), exc.status, headers=exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        return JSONResponse({"error": code, "detail": str(exc.detail)}, exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return JSONResponse(
            {"error": "invalid_request", "detail": f"{where}: {first.get('msg', 'invalid')}"}, 400
        )
