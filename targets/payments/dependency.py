"""One HTTP dependency of payments (core or clearing) behind its resilience mechanisms.

Per call: circuit breaker -> bulkhead -> timeout (the profile's per-call timeout, cut to the
request's remaining deadline) -> retries with capped exponential backoff (full jitter from the
seeded generator) through tenacity. The breaker and the bulkhead are `targets.resilience`'s: an
attempt that does not use the dependency (bulkhead full, deadline already spent) or is
abandoned by this side (cancelled) releases its breaker permit, neither success nor failure;
so does, with `client_deadline_floor_s` set (hardened), an attempt that timed out at the
caller's deadline because that was shorter than `request_timeout_s` (the caller's outcome, not
the dependency's health). A timeout at the full `request_timeout_s` is a failure.
Failures are sorted by what the caller may assume: `DependencyUnavailableError` means the
request certainly did not run (refused connection, breaker open, bulkhead full, a 503 refusal):
safe to fail fast. `OutcomeUnknownError` means it may have run (timeout after sending,
connection cut, 5xx): the caller must find out, not guess.
This module knows nothing about payments; idempotency keys are given by the caller.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import structlog
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt

from targets.profiles import Profile
from targets.resilience.breaker import BreakerPolicy, CircuitBreaker, CircuitOpenError, Permit
from targets.resilience.bulkhead import Bulkhead, BulkheadFullError
from targets.resilience.deadline import CallBudget
from targets.service import outbound_budget, outbound_headers, remaining_s

log = structlog.get_logger()

KeyForAttempt = Callable[[int], str]
"""Idempotency key for attempt n (1-based)."""


@dataclass(frozen=True)
class Reply:
    """A dependency's HTTP answer below 500 (4xx are business answers, not failures)."""

    status_code: int
    body: dict[str, Any]


class DependencyUnavailableError(Exception):
    """The call certainly did not execute; `retry_after_s` is a hint for the client."""

    def __init__(self, dependency: str, reason: str, retry_after_s: float) -> None:
        super().__init__(f"{dependency} unavailable: {reason}")
        self.dependency = dependency
        self.retry_after_s = retry_after_s


class OutcomeUnknownError(Exception):
    """The call may have executed; nobody knows whether it did."""

    def __init__(self, dependency: str, reason: str) -> None:
        super().__init__(f"{dependency} outcome unknown: {reason}")
        self.dependency = dependency


class _AttemptFailedError(Exception):
    """One attempt failed in a way worth retrying."""

    def __init__(self, reason: str, maybe_executed: bool) -> None:
        super().__init__(reason)
        self.maybe_executed = maybe_executed


class Dependency:
    """Calls to one service through its proxied URL (`clock`: monotonic s, for the breaker)."""

    def __init__(
        self,
        name: str,
        client: httpx.AsyncClient,
        profile: Profile,
        *,
        clock: Callable[[], float],
        rng: random.Random,
    ) -> None:
        self.name = name
        self.profile = profile
        self._client = client
        self._rng = rng
        self.breaker = CircuitBreaker(name, BreakerPolicy.from_profile(profile), clock)
        self.bulkhead = Bulkhead.from_profile(name, profile)

    async def call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        key: KeyForAttempt | None = None,
        retry_unknown: bool = True,
    ) -> Reply:
        """Send one logical request, retrying as the profile says; see the module docstring."""
        maybe_executed = False
        attempts = AsyncRetrying(
            stop=stop_after_attempt(max(1, self.profile.retry_attempts)),
            wait=self._backoff,
            retry=retry_if_exception_type(_AttemptFailedError),
            reraise=True,
        )
        try:
            async for attempt in attempts:
                with attempt:
                    number = attempt.retry_state.attempt_number
                    try:
                        return await self._attempt(method, path, body, key, number)
                    except _AttemptFailedError as failed:
                        maybe_executed = maybe_executed or failed.maybe_executed
                        if failed.maybe_executed and not retry_unknown:
                            raise OutcomeUnknownError(self.name, str(failed)) from None
                        raise
                    except DependencyUnavailableError as refused:
                        if maybe_executed:
                            raise OutcomeUnknownError(self.name, str(refused)) from None
                        raise
        except _AttemptFailedError as failed:
            if maybe_executed:
                raise OutcomeUnknownError(self.name, str(failed)) from None
            raise DependencyUnavailableError(
                self.name, str(failed), self.profile.retry_after_s
            ) from None
        raise AssertionError("unreachable: tenacity either returns or raises")

    def _backoff(self, state: RetryCallState) -> float:
        ceiling = min(
            self.profile.retry_cap_s, self.profile.retry_base_s * 2 ** (state.attempt_number - 1)
        )
        wait_s = self._rng.uniform(0, ceiling) if self.profile.retry_jitter else ceiling
        left = remaining_s(None)
        return wait_s if left is None else min(wait_s, left)

    async def _attempt(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None,
        key: KeyForAttempt | None,
        number: int,
    ) -> Reply:
        try:
            permit = self.breaker.admit()
        except CircuitOpenError as refused:
            raise DependencyUnavailableError(
                self.name, "circuit breaker open", max(1.0, refused.retry_after_s)
            ) from None
        try:
            async with self.bulkhead.slot():
                return await self._send(method, path, body, key, number, permit=permit)
        except BulkheadFullError:
            permit.release()  # the dependency was not called: no outcome to record
            raise DependencyUnavailableError(
                self.name, "bulkhead full", self.profile.retry_after_s
            ) from None

    async def _send(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None,
        key: KeyForAttempt | None,
        number: int,
        *,
        permit: Permit,
    ) -> Reply:
        budget = outbound_budget(self.profile.request_timeout_s)
        timeout_s = budget.timeout_s
        if timeout_s is not None and timeout_s <= 0.005:
            permit.release()
            raise _AttemptFailedError("request deadline exhausted", maybe_executed=False)
        headers = outbound_headers(self.profile)
        if key is not None:
            headers["Idempotency-Key"] = key(number)
        try:
            response = await self._client.request(
                method, path, json=body, headers=headers, timeout=httpx.Timeout(timeout_s)
            )
        except httpx.TimeoutException as exc:
            self._timed_out(permit, budget)
            sent = not isinstance(exc, (httpx.ConnectTimeout, httpx.PoolTimeout))
            what = "no answer" if sent else "cannot connect"
            raise _AttemptFailedError(f"{what} ({type(exc).__name__})", sent) from None
        except httpx.ConnectError as exc:
            permit.failed()
            raise _AttemptFailedError(f"cannot connect ({type(exc).__name__})", False) from None
        except httpx.TransportError as exc:
            permit.failed()
            raise _AttemptFailedError(f"no answer ({type(exc).__name__})", True) from None
        except asyncio.CancelledError:
            permit.release()  # abandoned by this side: says nothing about the dependency
            raise
        except BaseException:
            permit.failed()
            raise
        return self._classify(response, permit)

    def _timed_out(self, permit: Permit, budget: CallBudget) -> None:
        """A timeout at the caller's own deadline (shorter than the bank's per-call timeout) is
        the caller's outcome, not the dependency's health: released, not failed (hardened)."""
        if budget.caller_cut and self.profile.client_deadline_floor_s is not None:
            permit.release()
        else:
            permit.failed()

    def _classify(self, response: httpx.Response, permit: Permit) -> Reply:
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {"value": body}
        if response.status_code == 503:
            permit.failed()
            raise _AttemptFailedError(f"503 {body.get('error', 'unavailable')}", False)
        if response.status_code >= 500:
            permit.failed()
            raise _AttemptFailedError(f"{response.status_code} {body.get('error', '')}", True)
        permit.succeeded()
        return Reply(response.status_code, body)
