"""Operator routes (`/admin/...`, `X-Admin-Token`) and the public status page `GET /v1/status`.

Admin: revoke every session (optionally forcing a password change), post or resolve an incident
by hand, unlock a customer, and export the status history and the login/reset counters the
report needs (e.g. time to first public update). `/admin/flags` comes from `targets.flags`.

This module must not call other services.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from targets.access import require_admin
from targets.formats import iso_utc
from targets.mobile_api.errors import ApiError
from targets.mobile_api.state import State
from targets.mobile_api.status import COMPONENTS, ComponentStatus, Incident, StatusPage

_announcements: set[asyncio.Task[None]] = set()
"""Reset announcements on their way (held so they are not collected mid-flight)."""

admin_router = APIRouter(prefix="/admin", dependencies=[Depends(require_admin)])
public_router = APIRouter()


class RevokeBody(BaseModel):
    force_password_change: bool = False


class IncidentPost(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    message: str = Field(default="We are investigating.", max_length=2000)
    components: dict[str, ComponentStatus] = Field(default_factory=dict)


class StatusPost(BaseModel):
    """`incident` opens one (or adds an update); `null` resolves the current one."""

    incident: IncidentPost | None
    message: str = "The incident is resolved."


def _incident_json(incident: Incident | None) -> dict[str, Any] | None:
    if incident is None:
        return None
    return {
        "title": incident.title,
        "started_at": iso_utc(incident.started_at_s),
        "automatic": incident.automatic,
        "updates": [
            {"at": iso_utc(u.at_s), "status": u.status, "message": u.message}
            for u in incident.updates
        ],
    }


def page_json(page: StatusPage) -> dict[str, Any]:
    """The status page as docs/bank-api.md shows it."""
    return {
        "components": [{"name": n, "status": s} for n, s in page.components],
        "incident": _incident_json(page.incident),
        "last_updated": iso_utc(page.last_updated_s),
    }


@public_router.get("/v1/status")
async def status_page(state: State) -> dict[str, Any]:
    """The public status page."""
    return page_json(state.board.page())


@admin_router.post("/sessions/revoke-all")
async def revoke_all(body: RevokeBody, state: State, request: Request) -> dict[str, object]:
    """End every access and refresh token; optionally force every customer to change password
    (and then tell the status service, which announces it and, hardened, notifies everyone)."""
    revoked = state.sessions.revoke_all()
    if body.force_password_change:
        state.directory.require_change_for_all()
        announce = getattr(request.app.state, "announce_reset", None)
        if announce is not None:
            _announcements.add(task := asyncio.create_task(announce(time.time())))
            task.add_done_callback(_announcements.discard)
    state.counters.revocations += 1
    state.counters.sessions_revoked += revoked
    return {"revoked_sessions": revoked, "force_password_change": body.force_password_change}


@admin_router.post("/status")
async def post_status(body: StatusPost, state: State) -> dict[str, Any]:
    """A manual status post; unknown component names list the valid ones."""
    if body.incident is None:
        state.board.resolve(body.message)
        return page_json(state.board.page())
    unknown = sorted(set(body.incident.components) - set(COMPONENTS))
    if unknown:
        valid = ", ".join(COMPONENTS)
        raise ApiError(400, "unknown_component", f"unknown {', '.join(unknown)}; valid: {valid}")
    state.board.post(body.incident.title, body.incident.message, body.incident.components)
    return page_json(state.board.page())


@admin_router.post("/users/{customer_id}/unlock")
async def unlock(customer_id: str, state: State) -> dict[str, object]:
    """Lift a customer's lockout (what a call-centre agent does)."""
    state.directory.unlock(customer_id)
    return {"customer_id": customer_id, "locked": False}


@admin_router.get("/export")
async def export(state: State) -> dict[str, Any]:
    """Status history (every change with its time) and the login/reset counters."""
    access, refresh = state.sessions.live_counts()
    history = [
        {
            "at": iso_utc(c.at_s),
            "at_s": round(c.at_s, 3),
            "kind": c.kind,
            "automatic": c.automatic,
            "component": c.component,
            "status": c.status,
            "title": c.title,
            "message": c.message,
        }
        for c in state.board.history()
    ]
    return {
        "service": "mobile-api",
        "profile": state.profile.name,
        "status_history": history,
        "logins": dict(vars(state.counters)),
        "sessions": {"live_access_tokens": access, "live_refresh_tokens": refresh},
    }
