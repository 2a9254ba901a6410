"""Builds the mobile API: its parts, its routes and its middleware.

`build_app` wires `MobileState` for one profile: seeded customers (and the honeytokens), the two
upstreams (through the `mobile-core` and `mobile-payments` proxy URLs), load shedding, the
breach watch. The status page is the status service's, not this app's. With a `status_url` (the
`mobile-status` link) every customer request is also counted per product (`sli.py`,
`sli_feed.py`) and the counts go to the status service every 0.5 s: the bank's detection feed.

This module holds no request logic (see `api.py`, `auth_api.py`, `admin.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from functools import partial

import httpx
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from harness.seeds import DEFAULT_SEED, stream
from targets.access import Credentials
from targets.flags import install_flags
from targets.mobile_api import admin, api, auth_api
from targets.mobile_api.auth import Directory, LoginCounters, seeded_customer_ids, seeded_password
from targets.mobile_api.balances import BalanceCache
from targets.mobile_api.breach import HONEYTOKEN_IDS, breach_detector
from targets.mobile_api.breach_watch import install_breach_watch
from targets.mobile_api.errors import install_error_handlers
from targets.mobile_api.sessions import SessionStore
from targets.mobile_api.shedding import LoadShedder
from targets.mobile_api.sli import SliTally
from targets.mobile_api.sli_feed import SliRecorder, announce_reset, feed_status
from targets.mobile_api.state import MobileState
from targets.mobile_api.upstream import CORE, PAYMENTS, Upstream
from targets.profiles import Profile
from targets.service import create_app

MAX_CONNECTIONS = 256


@dataclass(frozen=True)
class EdgeConfig:
    """Where the dependencies are and what to seed."""

    core_url: str
    payments_url: str
    customers: int = 100
    seed: int = DEFAULT_SEED
    """The run's seed; the fault flags draw from the stream `mobile-api`."""
    credentials: Credentials = field(default_factory=Credentials.generate)
    """The admin token and the service credential its calls to payments and core carry."""
    status_url: str | None = None
    """The `mobile-status` link: where the detection feed goes (None: no feed)."""


def build_state(
    config: EdgeConfig,
    profile: Profile,
    client: httpx.AsyncClient,
    clock: Callable[[], float] = time.time,
) -> MobileState:
    """All the parts of one mobile API, customers seeded."""
    directory = Directory(
        profile.login_max_failures,
        profile.password_min_length,
        clock,
        on_failures=profile.login_throttle,
        lock_s=profile.login_lock_s,
    )
    for customer_id in (*seeded_customer_ids(config.customers), *HONEYTOKEN_IDS):
        directory.enrol(customer_id, seeded_password(customer_id))
    return MobileState(
        profile=profile,
        directory=directory,
        sessions=SessionStore(profile.access_token_ttl_s, clock),
        counters=LoginCounters(),
        balances=BalanceCache(profile.balance_cache_max_staleness_s, clock),
        core=Upstream(CORE, config.core_url, client, profile),
        payments=Upstream(PAYMENTS, config.payments_url, client, profile),
        clock=clock,
    )


def build_app(config: EdgeConfig, profile: Profile) -> FastAPI:
    """The mobile API app for `profile`."""
    client = httpx.AsyncClient(
        timeout=None,
        limits=httpx.Limits(max_connections=MAX_CONNECTIONS),
        headers=config.credentials.outbound(),
        trust_env=False,
    )
    state = build_state(config, profile, client)
    tally = SliTally()

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        feed = (
            None
            if config.status_url is None
            else asyncio.create_task(feed_status(client, config.status_url, tally, time.time, stop))
        )
        try:
            yield
        finally:
            stop.set()
            if feed is not None:
                await feed
            await client.aclose()

    app = create_app("mobile-api", config.credentials, inner=False)
    app.router.lifespan_context = lifespan
    app.state.mobile = state
    install_error_handlers(app)
    install_flags(app, stream(config.seed, "mobile-api"), profile.retry_after_s)
    for router in (auth_api.router, api.router, admin.admin_router):
        app.include_router(router)
    install_breach_watch(app, breach_detector(profile, time.time), client, config.status_url)
    if config.status_url is not None:
        app.state.announce_reset = partial(announce_reset, client, config.status_url)

    @app.get("/health/ready")
    async def ready() -> JSONResponse:
        return JSONResponse({"status": "ready", "service": "mobile-api", "profile": profile.name})

    app.add_middleware(
        LoadShedder,
        max_inflight=profile.shed_max_inflight,
        retry_after_s=profile.retry_after_s,
        on_shed=lambda path: _count_shed(state, path),
    )
    if config.status_url is not None:  # outermost: the edge's own shedding counts too
        app.add_middleware(SliRecorder, tally=tally, customer_of=state.sessions.authenticate)
    return app


def _count_shed(state: MobileState, path: str) -> None:
    state.counters.shed += 1
    if path == "/v1/auth/login":
        state.counters.login_shed += 1
