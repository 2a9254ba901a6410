"""Payments' dependency client with the shared breaker and bulkhead, on a mock transport."""

from __future__ import annotations

import asyncio
import dataclasses
import random

import httpx
import pytest

from targets.payments.dependency import Dependency, DependencyUnavailableError
from targets.profiles import HARDENED

PROFILE = dataclasses.replace(
    HARDENED, retry_attempts=1, breaker_failure_threshold=1, bulkhead_max_concurrent=1
)


class Clock:
    def __init__(self) -> None:
        self.now_s = 50.0

    def __call__(self) -> float:
        return self.now_s


def test_a_full_bulkhead_releases_the_probe_instead_of_closing_the_breaker() -> None:
    """Half-open, bulkhead full: the refused call records nothing (the old code recorded a
    success, closing the breaker without asking the dependency); the next call probes."""
    answers = iter([503, 200])

    def core(request: httpx.Request) -> httpx.Response:
        return httpx.Response(next(answers), json={})

    async def scenario() -> None:
        clock = Clock()
        async with httpx.AsyncClient(
            base_url="http://core", transport=httpx.MockTransport(core)
        ) as client:
            dependency = Dependency(
                "core", client, PROFILE, clock=clock, rng=random.Random(0), admin_token="t"
            )
            with pytest.raises(DependencyUnavailableError, match="503"):
                await dependency.call("GET", "/v1/accounts")
            assert dependency.breaker.state == "open"
            clock.now_s += PROFILE.breaker_open_s
            async with dependency.bulkhead.slot():
                with pytest.raises(DependencyUnavailableError, match="bulkhead full"):
                    await dependency.call("GET", "/v1/accounts")
            assert dependency.breaker.state == "half_open"
            reply = await dependency.call("GET", "/v1/accounts")
            assert reply.status_code == 200
            assert dependency.breaker.state == "closed"

    asyncio.run(scenario())
