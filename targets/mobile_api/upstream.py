"""Calls from the mobile API to core-banking and payments, through their proxied links.

Each `Upstream` is one dependency. Per the profile it bounds every call by the request's
remaining deadline and `request_timeout_s` (fragile: no bound at all), sends `X-Request-Id` and
`X-Deadline` (`targets.service.outbound_headers`), fails fast while its circuit breaker is open
(`breaker_*` knobs) and limits concurrent calls with a bulkhead (`bulkhead_*` knobs, failing
fast after `bulkhead_max_wait_s`); both are `targets.resilience`'s, as in payments. Every
outcome is reported to the breaker: a transport error, a timeout or a 5xx counts as a failure; a
call refused by the bulkhead or abandoned by this side (cancelled) releases its breaker permit
and reports nothing. So does, with `client_deadline_floor_s` set (hardened), a timeout at the
customer's own deadline when that was shorter than the bank's limit for the call
(`targets.resilience.deadline.CallBudget.caller_cut`): one customer's short deadlines must not
open the breaker every customer shares. A timeout at the bank's own limit still counts.

This module never retries (payments does that with the same idempotency key) and never turns an
answer into customer-facing JSON: callers decide.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from targets.profiles import Profile
from targets.resilience.breaker import BreakerPolicy, CircuitBreaker, CircuitOpenError, Permit
from targets.resilience.bulkhead import Bulkhead, BulkheadFullError
from targets.resilience.deadline import CallBudget
from targets.service import outbound_budget, outbound_headers

CORE = "core-banking"
PAYMENTS = "payments"
SERVER_ERROR = 500


class DependencyError(Exception):
    """A dependency gave no answer. `reason`: unreachable, bulkhead_full, circuit_open or
    deadline_exceeded (the call was not sent), timeout or connection_lost (it may have been)."""

    def __init__(self, component: str, reason: str) -> None:
        super().__init__(f"{component}: {reason}")
        self.component = component
        self.reason = reason


class Upstream:
    """One dependency reached through its proxy (`clock`: monotonic seconds, for the breaker)."""

    def __init__(
        self,
        component: str,
        base_url: str,
        client: httpx.AsyncClient,
        profile: Profile,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.component = component
        self.base_url = base_url.rstrip("/")
        self._client = client
        self._profile = profile
        self.bulkhead = Bulkhead.from_profile(component, profile)
        self.breaker = CircuitBreaker(component, BreakerPolicy.from_profile(profile), clock)

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        whole_budget: bool = False,
    ) -> httpx.Response:
        """One call; any HTTP answer is returned, no answer raises DependencyError.

        `whole_budget` bounds the call by the request's remaining deadline only, not by
        `request_timeout_s`: for a callee that promises an answer before the propagated
        deadline (payments answers 202 ACSP in time), a shorter per-call timeout would give
        up on answers that are on their way (timeout inversion).
        """
        budget = outbound_budget(None if whole_budget else self._profile.request_timeout_s)
        timeout_s = budget.timeout_s
        if timeout_s is not None and timeout_s <= 0:
            raise DependencyError(self.component, "deadline_exceeded")
        sent = {**outbound_headers(self._profile), **(headers or {})}
        try:
            permit = self.breaker.admit()
        except CircuitOpenError:
            raise DependencyError(self.component, "circuit_open") from None
        try:
            async with self.bulkhead.slot():
                response = await self._send(method, path, json, sent, budget=budget, permit=permit)
        except BulkheadFullError:
            raise DependencyError(self.component, "bulkhead_full") from None
        finally:
            permit.release()  # a no-op once the call's outcome was recorded
        return response

    async def _send(
        self,
        method: str,
        path: str,
        json: Any,
        headers: dict[str, str],
        *,
        budget: CallBudget,
        permit: Permit,
    ) -> httpx.Response:
        try:
            async with asyncio.timeout(budget.timeout_s):
                response = await self._client.request(
                    method, self.base_url + path, json=json, headers=headers
                )
        except TimeoutError:
            if budget.caller_cut and self._profile.client_deadline_floor_s is not None:
                permit.release()  # the caller's deadline ran out: not the dependency's health
                raise DependencyError(self.component, "timeout") from None
            raise self._failed("timeout", permit) from None
        except httpx.ConnectError:
            raise self._failed("unreachable", permit) from None
        except httpx.HTTPError:
            raise self._failed("connection_lost", permit) from None
        self._record(response.status_code < SERVER_ERROR, permit)
        return response

    def _failed(self, reason: str, permit: Permit) -> DependencyError:
        self._record(False, permit)
        return DependencyError(self.component, reason)

    def _record(self, ok: bool, permit: Permit) -> None:
        if ok:
            permit.succeeded()
        else:
            permit.failed()
