"""The mobile API's upstream with the shared breaker and bulkhead (no servers: a mock transport)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses

import httpx
import pytest

from targets.mobile_api.upstream import DependencyError, Upstream
from targets.profiles import HARDENED

PROFILE = dataclasses.replace(HARDENED, breaker_failure_threshold=1, bulkhead_max_concurrent=1)


class Clock:
    def __init__(self) -> None:
        self.now_s = 50.0

    def __call__(self) -> float:
        return self.now_s


def test_a_cancelled_probe_is_released_and_the_next_call_probes() -> None:
    """A probe abandoned by this side records nothing; the breaker stays half-open and the
    next call becomes the probe (nothing waits for the probe timeout)."""
    observed: list[bool] = []
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
                lambda _, ok: observed.append(ok),
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
    assert observed == [False, True]


def test_a_full_bulkhead_refuses_without_touching_the_breaker() -> None:
    """bulkhead_full: the call was not sent, so neither the breaker nor the board hears of it."""
    observed: list[bool] = []

    async def scenario() -> None:
        clock = Clock()
        transport = httpx.MockTransport(lambda request: httpx.Response(200, json={}))
        async with httpx.AsyncClient(transport=transport) as client:
            upstream = Upstream(
                "payments",
                "http://payments",
                client,
                PROFILE,
                lambda _, ok: observed.append(ok),
                clock=clock,
            )
            async with upstream.bulkhead.slot():
                with pytest.raises(DependencyError, match="bulkhead_full"):
                    await upstream.request("GET", "/v1/payments/p1")
            assert upstream.breaker.state == "closed"

    asyncio.run(scenario())
    assert observed == []
