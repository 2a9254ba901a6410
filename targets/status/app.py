"""HTTP face of the status service: the public page, the bank's detection feed, admin routes.

`GET /v1/status` is public (customers read it through `edge-status`). `/internal/...` (the
mobile API's observations, the breach detectors' alerts) require the service credential,
checked here because the service is not `inner`. `/admin/...` take the admin token: a human
posts or resolves an incident, asks for a reset notice to every customer, or exports the
history. While it runs (automatic detection only) a background tick assesses detection every
`status_probe_interval_s` and the probe watches the edge; notifications go out in the
background. This module holds no detection or lifecycle logic (`desk.py` and below).
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import httpx
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from harness.seeds import DEFAULT_SEED, stream
from targets.access import SERVICE_HEADER, Credentials, require_admin
from targets.flags import install_flags
from targets.inputs import ID_PATTERN
from targets.profiles import Profile
from targets.service import create_app
from targets.status.desk import StatusDesk
from targets.status.detection import Observation, ObservationBatch
from targets.status.incident import incident_json
from targets.status.notify import NotificationRequest, send
from targets.status.probe import run_probe
from targets.status.store import StatusStore
from targets.status.views import export_json, page_json

Component = Literal[
    "login", "balances", "transfers_on_us", "transfers_interbank", "bill_payments", "app"
]
CustomerId = Annotated[str, Field(pattern=ID_PATTERN)]
MAX_CUSTOMERS = 100_000


@dataclass(frozen=True)
class StatusConfig:
    db: str | Path = ":memory:"
    probe_url: str | None = None
    """The `edge-mobile` link: the outside-in probe's target (None: no probe)."""
    notifications_url: str | None = None
    """The `status-notifications` link (None: notifications are recorded, never sent)."""
    seed: int = DEFAULT_SEED


class _Body(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False, extra="forbid")


class ObservationBody(_Body):
    component: Component
    ok: int = Field(ge=0, le=10**9)
    failed: int = Field(ge=0, le=10**9)
    failed_customers: list[CustomerId] = Field(default_factory=list, max_length=MAX_CUSTOMERS)


class ObservationsBody(_Body):
    at_s: float
    observations: list[ObservationBody] = Field(max_length=64)


class AlertBody(_Body):
    at_s: float
    kind: Literal["honeytoken", "access_anomaly"]
    detail: str = Field(max_length=2000)
    customers: list[CustomerId] = Field(default_factory=list, max_length=MAX_CUSTOMERS)


class IncidentPost(_Body):
    title: str = Field(min_length=1, max_length=200)
    message: str = Field(min_length=1, max_length=2000)
    components: list[Component] = Field(default_factory=list)
    kind: Literal["availability", "security"] = "availability"


RESET_MESSAGE = "Please set a new password at your next login."


class MessageBody(_Body):
    message: str = Field(default="", max_length=2000)


def require_service(request: Request) -> None:
    """The bank's own services only: 401 unless X-Service-Token matches."""
    credentials: Credentials = request.app.state.credentials
    expected = credentials.service_token
    given = request.headers.get(SERVICE_HEADER, "")
    if expected is not None and not secrets.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(401, "service_credential_required")


async def _invalid(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields = ", ".join(".".join(map(str, e["loc"][1:])) or "body" for e in exc.errors())
    return JSONResponse(
        {"error": "invalid_request", "detail": f"invalid or missing fields: {fields}"}, 422
    )


async def _http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    codes = {401: "unauthorized", 404: "not_found"}
    error = exc.detail if exc.detail == "service_credential_required" else None
    code = error or codes.get(exc.status_code, "http_error")
    return JSONResponse({"error": code, "detail": str(exc.detail)}, exc.status_code)


def build_app(
    config: StatusConfig,
    profile: Profile,
    credentials: Credentials,
    clock: Callable[[], float] = time.time,
) -> FastAPI:
    """The status app around the SQLite file `config.db`."""
    client = httpx.AsyncClient(timeout=None, headers=credentials.outbound(), trust_env=False)
    sending: set[asyncio.Task[bool]] = set()

    def dispatch(request: NotificationRequest) -> None:
        if config.notifications_url is None:
            return
        task = asyncio.get_running_loop().create_task(
            send(client, config.notifications_url, request)
        )
        sending.add(task)
        task.add_done_callback(sending.discard)

    desk = StatusDesk(profile, StatusStore(config.db), clock, dispatch)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        tasks = []
        if desk.automatic:
            tasks.append(asyncio.create_task(_tick(desk, profile.status_probe_interval_s, stop)))
            if config.probe_url is not None:
                probe = run_probe(
                    client, config.probe_url, desk.detector.probe,
                    profile.status_probe_interval_s, stop,
                )  # fmt: skip
                tasks.append(asyncio.create_task(probe))
        try:
            yield
        finally:
            stop.set()
            await asyncio.gather(*tasks)
            for task in list(sending):
                task.cancel()
            await client.aclose()
            desk.store.close()

    app = create_app("status", credentials, inner=False)
    app.router.lifespan_context = lifespan
    app.state.desk = desk
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(HTTPException, _http)
    install_flags(app, stream(config.seed, "status"), profile.retry_after_s)
    _routes(app, desk)
    return app


async def _tick(desk: StatusDesk, interval_s: float, stop: asyncio.Event) -> None:
    while not stop.is_set():
        desk.tick()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval_s)


def _routes(app: FastAPI, desk: StatusDesk) -> None:
    service = [Depends(require_service)]
    admin = [Depends(require_admin)]

    @app.get("/health/ready")
    async def ready() -> dict[str, str]:
        return {"status": "ready", "service": "status", "profile": desk.profile.name}

    @app.get("/v1/status")
    async def status() -> dict[str, Any]:
        return page_json(desk)

    @app.post("/internal/observations", status_code=202, dependencies=service)
    async def observations(body: ObservationsBody) -> dict[str, Any]:
        batch = ObservationBatch(
            body.at_s,
            tuple(
                Observation(o.component, o.ok, o.failed, tuple(o.failed_customers))
                for o in body.observations
            ),
        )
        desk.observe(batch)
        return {"accepted": len(batch.observations)}

    @app.post("/internal/security-alerts", status_code=202, dependencies=service)
    async def security_alert(body: AlertBody) -> dict[str, Any]:
        incident = desk.alert(body.at_s, body.kind, body.detail)
        return {"incident_id": None if incident is None else incident.incident_id}

    @app.post("/internal/resets", status_code=202, dependencies=service)
    async def reset_ordered(body: MessageBody) -> dict[str, Any]:
        message = body.message or RESET_MESSAGE
        return {"requested": desk.reset_ordered(message) is not None}

    @app.post("/admin/incidents", status_code=201, dependencies=admin)
    async def post_incident(body: IncidentPost) -> dict[str, Any]:
        return incident_json(desk.post(body.title, body.message, body.components, body.kind))

    @app.post("/admin/incidents/{incident_id}/resolve", dependencies=admin)
    async def resolve(incident_id: str, body: MessageBody) -> dict[str, Any]:
        incident = desk.resolve(incident_id, body.message or "The incident is resolved.")
        if incident is None:
            raise HTTPException(404, f"no incident {incident_id}")
        return incident_json(incident)

    @app.post("/admin/notify-reset", status_code=202, dependencies=admin)
    async def notify_reset(body: MessageBody) -> dict[str, Any]:
        message = body.message or RESET_MESSAGE
        request = desk.notify_reset(message)
        return {"requested": request is not None}

    @app.get("/admin/export", dependencies=admin)
    async def export() -> dict[str, Any]:
        return export_json(desk)
