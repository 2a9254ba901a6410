"""HTTP face of the notification channels: send, read a customer's inbox, the admin export.

An inner service: `/v1/...` only for the bank's own services (the service credential; the
status service is its caller). Delivery delays draw from the stream `notifications:delivery`,
the fault flags from `notifications`. This module must not decide whom to notify or when a
message arrives: the caller and `delivery` do.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, Literal

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from harness.seeds import stream
from targets.access import Credentials, require_admin
from targets.flags import install_flags
from targets.inputs import ID_PATTERN
from targets.notifications.delivery import (
    Channel,
    Notification,
    NotifyReason,
    audience,
    deliveries,
    seeded_customer_ids,
)
from targets.notifications.log import DeliveryLog
from targets.profiles import Profile
from targets.service import create_app

SERVICE = "notifications"
MAX_MESSAGE_CHARS = 2000


class Audience(BaseModel):
    """`{"customers": [ids]}` or `{"all": true}`, exactly one of them."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    customers: list[str] | None = None
    everyone: Literal[True] | None = Field(default=None, alias="all")

    @model_validator(mode="after")
    def exactly_one(self) -> Audience:
        if (self.customers is None) == (self.everyone is None):
            raise ValueError('give either "customers" or "all": true')
        if any(not re.fullmatch(ID_PATTERN, c) for c in self.customers or ()):
            raise ValueError("a customer id is not 1-64 characters of [A-Za-z0-9._:-]")
        return self


class NotificationBody(BaseModel):
    """POST /v1/notifications."""

    channel: Channel
    reason: NotifyReason
    incident_id: str | None = Field(default=None, pattern=ID_PATTERN)
    message: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)
    audience: Audience


async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    """A malformed body: 422 with the contract's error shape, naming the bad fields."""
    fields = ", ".join(".".join(map(str, e["loc"][1:])) or "body" for e in exc.errors())
    return JSONResponse(
        {"error": "invalid_request", "detail": f"invalid or missing fields: {fields}"},
        status_code=422,
    )


def export_json(log: DeliveryLog, profile: Profile, customers: int) -> dict[str, object]:
    """Every notification and delivery, in the order sent."""
    return {
        "service": SERVICE,
        "profile": profile.name,
        "customers": customers,
        "notifications": [
            {
                "notification_id": n.notification_id,
                "at_s": n.at_s,
                "channel": n.channel,
                "reason": n.reason,
                "incident_id": n.incident_id,
                "message": n.message,
                "recipients": n.recipients,
            }
            for n in log.notifications()
        ],
        "deliveries": [
            {
                "notification_id": d.notification_id,
                "customer_id": d.customer_id,
                "channel": d.channel,
                "reason": d.reason,
                "incident_id": d.incident_id,
                "sent_at_s": d.sent_at_s,
                "delivered_at_s": d.delivered_at_s,
            }
            for d in log.deliveries()
        ],
    }


def build_app(
    profile: Profile,
    seed: int,
    credentials: Credentials,
    *,
    db_path: Path | None = None,
    customers: int = 50,
    clock: Callable[[], float] = time.time,
) -> FastAPI:
    """The notifications app around the delivery log at `db_path` (None: in memory)."""
    log = DeliveryLog(db_path)
    seeded = seeded_customer_ids(customers)
    known = set(seeded)
    rng = stream(seed, f"{SERVICE}:delivery")
    app = create_app(SERVICE, credentials)
    app.state.log = log
    install_flags(app, stream(seed, SERVICE), profile.retry_after_s)
    app.add_exception_handler(RequestValidationError, invalid_request)  # type: ignore[arg-type]

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            log.close()

    app.router.lifespan_context = lifespan

    @app.get("/health/ready")
    async def ready() -> dict[str, object]:
        return {"status": "ready", "customers": customers}

    @app.post("/v1/notifications", status_code=202)
    async def send(body: NotificationBody) -> dict[str, object]:
        reach = audience(bool(body.audience.everyone), body.audience.customers or (), seeded)
        notification = Notification(
            notification_id=log.next_id(),
            at_s=clock(),
            channel=body.channel,
            reason=body.reason,
            incident_id=body.incident_id,
            message=body.message,
            recipients=len(reach),
        )
        log.record(notification, deliveries(notification, reach, rng))
        return {"notification_id": notification.notification_id, "recipients": len(reach)}

    @app.get("/v1/inbox/{customer_id}", response_model=None)
    async def inbox(customer_id: str) -> dict[str, Any] | JSONResponse:
        if not re.fullmatch(ID_PATTERN, customer_id):
            return JSONResponse({"error": "invalid_request", "detail": "bad customer id"}, 400)
        if customer_id not in known:
            detail = f"{customer_id} is not a customer of the bank"
            return JSONResponse({"error": "customer_not_found", "detail": detail}, 404)
        messages = [
            {
                "notification_id": d.notification_id,
                "reason": d.reason,
                "message": text,
                "delivered_at_s": d.delivered_at_s,
            }
            for d, text in log.inbox(customer_id, clock())
        ]
        return {"messages": messages}

    @app.get("/admin/export", dependencies=[Depends(require_admin)])
    async def export() -> dict[str, object]:
        return export_json(log, profile, customers)

    return app
