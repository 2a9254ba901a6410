"""HTTP face of the contact centre: place a call, follow it, hang up; the admin export.

Customers call it directly (`inner=False`: no service credential). Each request first
advances the pure model (`queue.ContactCentre`) to the clock's now: the model is advanced
lazily, there is no background task. Handle times draw from the stream
`contact-centre:agents`, the fault flags from `contact-centre`.
This module must not decide who is answered when: `queue` does.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Literal

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from harness.limits import DAY_S
from harness.seeds import stream
from targets.access import Credentials, require_admin
from targets.contact_centre.queue import Call, CentreConfig, ContactCentre, Reason
from targets.flags import install_flags
from targets.inputs import ID_PATTERN
from targets.profiles import Profile
from targets.service import create_app

SERVICE = "contact-centre"
CallerView = Literal["queued", "answered", "abandoned", "callback", "completed", "busy"]


class CallBody(BaseModel):
    """POST /v1/calls: who calls, why, and how long they will hold."""

    model_config = ConfigDict(allow_inf_nan=False)

    customer_id: str = Field(pattern=ID_PATTERN)
    reason: Reason
    patience_s: float = Field(gt=0, le=DAY_S)


def centre_config(profile: Profile) -> CentreConfig:
    """The centre's knobs from a profile (ValueError when one is out of range)."""
    return CentreConfig(
        agents=profile.contact_agents,
        queue_max=profile.contact_queue_max,
        handle_s=profile.contact_handle_s,
        callbacks=profile.contact_callbacks,
        callback_after_wait_s=profile.contact_callback_after_wait_s,
    )


def caller_view(call: Call) -> CallerView:
    """What the caller hears now: a call an agent has finished is `completed`."""
    if call.outcome in ("answered", "callback") and call.ended_at_s is not None:
        return "completed"
    return call.outcome


def placed_json(call: Call, centre: ContactCentre) -> dict[str, object]:
    """The answer to POST /v1/calls."""
    return {
        "call_id": call.call_id,
        "outcome": call.outcome,
        "position": centre.position(call.call_id),
        "estimated_wait_s": call.estimated_wait_s,
    }


def call_json(call: Call, centre: ContactCentre) -> dict[str, object]:
    """The answer to GET and DELETE /v1/calls/{id}."""
    return {
        "call_id": call.call_id,
        "outcome": caller_view(call),
        "position": centre.position(call.call_id),
    }


def export_json(centre: ContactCentre, profile: Profile, now_s: float) -> dict[str, object]:
    """Every call so far in the order placed (a call still on hold: `queued`, wait so far)."""
    calls = [
        {
            "call_id": c.call_id,
            "customer_id": c.customer_id,
            "reason": c.reason,
            "placed_at_s": c.placed_at_s,
            "outcome": c.outcome,
            "position_at_entry": c.position_at_entry,
            "answered_at_s": c.answered_at_s,
            "ended_at_s": c.ended_at_s,
            "wait_s": c.wait_s(centre.now_s),
        }
        for c in centre.calls(now_s)
    ]
    return {
        "service": SERVICE,
        "profile": profile.name,
        "agents": centre.config.agents,
        "queue_max": centre.config.queue_max,
        "callbacks": centre.config.callbacks,
        "calls": calls,
    }


async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    """A malformed body: 422 with the contract's error shape, naming the bad fields."""
    fields = ", ".join(".".join(map(str, e["loc"][1:])) or "body" for e in exc.errors())
    return JSONResponse(
        {"error": "invalid_request", "detail": f"invalid or missing fields: {fields}"},
        status_code=422,
    )


def _no_call(call_id: str) -> JSONResponse:
    if not re.fullmatch(ID_PATTERN, call_id):
        return JSONResponse({"error": "invalid_request", "detail": "bad call id"}, 400)
    return JSONResponse({"error": "call_not_found", "detail": f"no call {call_id}"}, 404)


def build_app(
    profile: Profile,
    seed: int,
    credentials: Credentials,
    clock: Callable[[], float] = time.time,
) -> FastAPI:
    """The contact-centre app around a fresh centre (ValueError: a knob out of range)."""
    centre = ContactCentre(centre_config(profile), stream(seed, f"{SERVICE}:agents"))
    app = create_app(SERVICE, credentials, inner=False)
    app.state.centre = centre
    install_flags(app, stream(seed, SERVICE), profile.retry_after_s)
    app.add_exception_handler(RequestValidationError, invalid_request)  # type: ignore[arg-type]

    @app.get("/health/ready")
    async def ready() -> dict[str, object]:
        return {"status": "ready", "agents": centre.config.agents}

    @app.post("/v1/calls", response_model=None)
    async def place(body: CallBody) -> dict[str, object]:
        call = centre.place(clock(), body.customer_id, body.reason, body.patience_s)
        return placed_json(call, centre)

    @app.get("/v1/calls/{call_id}", response_model=None)
    async def follow(call_id: str) -> dict[str, object] | JSONResponse:
        call = centre.lookup(clock(), call_id)
        return _no_call(call_id) if call is None else call_json(call, centre)

    @app.delete("/v1/calls/{call_id}", response_model=None)
    async def hang_up(call_id: str) -> dict[str, object] | JSONResponse:
        call = centre.hang_up(clock(), call_id)
        return _no_call(call_id) if call is None else call_json(call, centre)

    @app.get("/admin/export", dependencies=[Depends(require_admin)])
    async def export() -> dict[str, object]:
        return export_json(centre, profile, clock())

    return app
