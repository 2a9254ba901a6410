"""The mobile API's upstream with the shared breaker and bulkhead (no servers: a mock transport)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from targets.mobile_api.upstream import DependencyError, Upstream
from targets.profiles import HARDENED, Profile
from targets.service import DEADLINE, start_edge_deadline

PROFILE = dataclasses.replace(HARDENED, breaker_failure_threshold=1, bulkhead_max_concurrent=1)


class Clock:
    def __init__(self) -> None:
        self.now_s = 50.0

    def __call__(self) -> float:
        return self.now_s


def test_a_cancelled_probe_is_released_and_the_next_call_probes() -> None:
    """A probe abandoned by this side records nothing; the breaker stays half-open and the
    next call becomes the probe (nothing waits for the probe timeout)."""
    hang, arrived = asyncio.Event(), asyncio.Event()

    async def core(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/hang":
            arrived.set()
            await hang.wait()
        status = 500 if request.url.path == "/fail" else 200
        return httpx.Response(status, json={})

    async def scenario() -> None:
        clock = Clock()
        async with httpx.AsyncClient(transport=httpx.MockTransport(core)) as client:
            upstream = Upstream(
                "core-banking",
                "http://core",
                client,
                PROFILE,
                clock=clock,
            )
            await upstream.request("GET", "/fail")
            assert upstream.breaker.state == "open"
            with pytest.raises(DependencyError, match="circuit_open"):
                await upstream.request("GET", "/ok")
            clock.now_s += PROFILE.breaker_open_s
            probe = asyncio.create_task(upstream.request("GET", "/hang"))
            await arrived.wait()
            with pytest.raises(DependencyError, match="circuit_open"):
                await upstream.request("GET", "/ok")
            probe.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await probe
            assert upstream.breaker.state == "half_open"
            response = await upstream.request("GET", "/ok")
            assert response.status_code == 200
            assert upstream.breaker.state == "closed"

    asyncio.run(scenario())


def test_a_full_bulkhead_refuses_without_touching_the_breaker() -> None:
    """bulkhead_full: the call was not sent, so the breaker does not hear of it."""

    async def scenario() -> None:
        clock = Clock()
        transport = httpx.MockTransport(lambda request: httpx.Response(200, json={}))
        async with httpx.AsyncClient(transport=transport) as client:
            upstream = Upstream(
                "payments",
                "http://payments",
                client,
                PROFILE,
                clock=clock,
            )
            async with upstream.bulkhead.slot():
                with pytest.raises(DependencyError, match="bulkhead_full"):
                    await upstream.request("GET", "/v1/payments/p1")
            assert upstream.breaker.state == "closed"

    asyncio.run(scenario())


@contextlib.asynccontextmanager
async def silent_dependency() -> AsyncIterator[str]:
    """A real loopback listener that takes connections and never answers: its URL."""
    held: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        for writer in held:
            writer.close()
        await server.wait_closed()


def silent_payments_call(
    profile: Profile, customer_deadline_ahead_s: float | None
) -> tuple[str, str]:
    """One transfer-like call (whole budget) from the edge to a payments that never answers,
    the customer having sent X-Deadline this far ahead (None: none): (the DependencyError's
    reason, the breaker's state after it)."""

    async def scenario() -> tuple[str, str]:
        async with silent_dependency() as url, httpx.AsyncClient() as client:
            upstream = Upstream("payments", url, client, profile)
            if customer_deadline_ahead_s is not None:
                DEADLINE.set(time.time() + customer_deadline_ahead_s)  # as the middleware does
            start_edge_deadline(profile)
            with pytest.raises(DependencyError) as refused:
                await upstream.request("POST", "/v1/payments", json={}, whole_budget=True)
            return refused.value.reason, upstream.breaker.state

    return asyncio.run(scenario())


def test_a_timeout_at_the_customers_short_deadline_leaves_the_shared_breaker_closed() -> None:
    """A customer's X-Deadline 3 ms ahead: the call gets the floor (0.5 s), times out there
    (the customer's cut, shorter than the bank's 3 s budget): released, so one customer cannot
    open the breaker every customer shares (threshold 1 here)."""
    reason, state = silent_payments_call(PROFILE, customer_deadline_ahead_s=0.003)
    assert (reason, state) == ("timeout", "closed")


def test_a_timeout_at_the_banks_own_budget_opens_the_breaker() -> None:
    """No customer deadline: the call times out at the bank's own budget (shortened to 0.2 s
    here): that is the dependency's health, a failure, and the breaker opens."""
    profile = dataclasses.replace(PROFILE, deadline_s=0.2)
    reason, state = silent_payments_call(profile, customer_deadline_ahead_s=None)
    assert (reason, state) == ("timeout", "open")


def test_with_the_floor_unset_a_customers_short_deadline_opens_the_breaker() -> None:
    """The fragile setting (client_deadline_floor_s=None) keeps the weakness: the customer's
    50 ms is taken as sent and its timeout counts against the shared breaker."""
    profile = dataclasses.replace(PROFILE, client_deadline_floor_s=None)
    reason, state = silent_payments_call(profile, customer_deadline_ahead_s=0.05)
    assert (reason, state) == ("timeout", "open")
