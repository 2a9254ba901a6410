"""What one running mobile API holds, and the request dependencies that reach it.

`MobileState` gathers the parts (credentials, sessions, balance cache, the two
upstreams). The dependencies below give routes the state, the authenticated customer,
and the edge's request budget: with `deadline_s` set (hardened) every customer request gets a
deadline `now + deadline_s` (or the customer's `X-Deadline`, if sooner, but no sooner than
`client_deadline_floor_s` from now) that bounds every outbound call and is propagated as
`X-Deadline`.

This module defines no routes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request

from targets.mobile_api.auth import Directory, LoginCounters
from targets.mobile_api.balances import BalanceCache
from targets.mobile_api.errors import ApiError
from targets.mobile_api.sessions import SessionStore
from targets.mobile_api.upstream import Upstream
from targets.profiles import Profile
from targets.service import start_edge_deadline


@dataclass
class MobileState:
    profile: Profile
    directory: Directory
    sessions: SessionStore
    counters: LoginCounters
    balances: BalanceCache
    core: Upstream
    payments: Upstream
    clock: Callable[[], float] = time.time
    accounts: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    """customer id -> ((account id, currency), ...), as last read from core-banking."""
    background: set[asyncio.Task[None]] = field(default_factory=set)
    """Tasks started by requests that outlive them (kept here so they are not collected)."""

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` in the background, holding a reference until it ends."""
        task = asyncio.get_running_loop().create_task(work)
        self.background.add(task)
        task.add_done_callback(self.background.discard)


def mobile_state(request: Request) -> MobileState:
    """The state of the app serving `request`."""
    state = request.app.state.mobile
    assert isinstance(state, MobileState)
    return state


State = Annotated[MobileState, Depends(mobile_state)]


async def customer_request(request: Request, state: State) -> None:
    """Every customer route: start the edge's deadline for this request."""
    start_edge_deadline(state.profile)


async def bearer_token(request: Request) -> str:
    """The access token from `Authorization: Bearer ...`; 401 when absent."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, "unauthorized", "a bearer access token is required")
    return token.strip()


async def token_holder(state: State, token: Annotated[str, Depends(bearer_token)]) -> str:
    """The customer the access token belongs to (a password change may still be due)."""
    customer_id = state.sessions.authenticate(token)
    if customer_id is None:
        raise ApiError(401, "invalid_token", "the access token is expired or revoked")
    return customer_id


async def signed_in_customer(
    state: State, customer_id: Annotated[str, Depends(token_holder)]
) -> str:
    """The customer the access token belongs to; 403 while a password change is due."""
    if state.directory.must_change_password(customer_id):
        raise ApiError(403, "password_change_required", "set a new password before using the app")
    return customer_id


Customer = Annotated[str, Depends(signed_in_customer)]
TokenHolder = Annotated[str, Depends(token_holder)]
