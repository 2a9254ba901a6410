"""Payments' dependency client with the shared breaker and bulkhead, on a mock transport."""

from __future__ import annotations

import asyncio
import dataclasses
import random
import time

import httpx
import pytest

from targets.payments.dependency import (
    Dependency,
    DependencyUnavailableError,
    OutcomeUnknownError,
)
from targets.profiles import HARDENED, Profile
from targets.service import DEADLINE
from tests.targets.test_mobile_api_upstream import silent_dependency

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
            dependency = Dependency("core", client, PROFILE, clock=clock, rng=random.Random(0))
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


def silent_core_call(profile: Profile, deadline_ahead_s: float | None) -> tuple[str, str]:
    """One call from payments to a core that never answers, inside a request whose caller sent
    X-Deadline this far ahead (None: none): (the error's class name, the breaker's state)."""

    async def scenario() -> tuple[str, str]:
        async with silent_dependency() as url, httpx.AsyncClient(base_url=url) as client:
            dependency = Dependency("core", client, profile, clock=Clock(), rng=random.Random(0))
            if deadline_ahead_s is not None:
                DEADLINE.set(time.time() + deadline_ahead_s)  # as the middleware does
            with pytest.raises((OutcomeUnknownError, DependencyUnavailableError)) as failed:
                await dependency.call("POST", "/v1/transfers", {})
            return type(failed.value).__name__, dependency.breaker.state

    return asyncio.run(scenario())


def test_a_timeout_at_the_callers_shorter_deadline_leaves_the_breaker_closed() -> None:
    """The caller's deadline leaves 0.2 s, less than the 1 s per-call timeout: the attempt
    times out at 0.2 s (outcome unknown), the caller's outcome, released: still closed."""
    assert silent_core_call(PROFILE, deadline_ahead_s=0.2) == ("OutcomeUnknownError", "closed")


def test_a_timeout_at_the_full_call_timeout_opens_the_breaker() -> None:
    """No deadline shorter than the bank's per-call timeout (0.2 s here): a failure."""
    profile = dataclasses.replace(PROFILE, request_timeout_s=0.2)
    assert silent_core_call(profile, deadline_ahead_s=None) == ("OutcomeUnknownError", "open")
    assert silent_core_call(profile, deadline_ahead_s=5.0) == ("OutcomeUnknownError", "open")


def test_with_the_floor_unset_a_timeout_at_the_callers_deadline_opens_the_breaker() -> None:
    """The fragile setting (client_deadline_floor_s=None) blames the dependency."""
    profile = dataclasses.replace(PROFILE, client_deadline_floor_s=None)
    assert silent_core_call(profile, deadline_ahead_s=0.2) == ("OutcomeUnknownError", "open")
