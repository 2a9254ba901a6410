"""Operator routes (`/admin/...`, `X-Admin-Token`).

Admin: revoke every session (optionally forcing a password change, which the status service
is told of), unlock a customer, and export the login/reset counters. `/admin/flags` comes
from `targets.flags`. The status page is the status service's (`targets.status`), not this
app's: it must stay up when the app goes down.

This module must not call other services (the reset announcement is the app's, handed in).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from targets.access import require_admin
from targets.mobile_api.state import State

_announcements: set[asyncio.Task[None]] = set()
"""Reset announcements on their way (held so they are not collected mid-flight)."""

admin_router = APIRouter(prefix="/admin", dependencies=[Depends(require_admin)])


class RevokeBody(BaseModel):
    force_password_change: bool = False


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


@admin_router.post("/users/{customer_id}/unlock")
async def unlock(customer_id: str, state: State) -> dict[str, object]:
    """Lift a customer's lockout (what a call-centre agent does)."""
    state.directory.unlock(customer_id)
    return {"customer_id": customer_id, "locked": False}


@admin_router.get("/export")
async def export(state: State) -> dict[str, Any]:
    """The login/reset counters and the live sessions."""
    access, refresh = state.sessions.live_counts()
    return {
        "service": "mobile-api",
        "profile": state.profile.name,
        "logins": dict(vars(state.counters)),
        "sessions": {"live_access_tokens": access, "live_refresh_tokens": refresh},
    }
