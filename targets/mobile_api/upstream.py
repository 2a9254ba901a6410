"""Calls from the mobile API to core-banking and payments, through their proxied links.

Each `Upstream` is one dependency. Per the profile it bounds every call by the request's
remaining deadline and `request_timeout_s` (fragile: no bound at all), sends `X-Request-Id` and
`X-Deadline` (`targets.service.outbound_headers`), limits concurrent calls with a bulkhead
(`bulkhead_max_concurrent`, failing fast after `bulkhead_max_wait_s`) and fails fast while its
circuit breaker is open (`breaker_enabled`). Every outcome is reported to the status board: a
transport error, a timeout or a 5xx counts as a failure.

This module never retries (payments does that with the same idempotency key) and never turns an
answer into customer-facing JSON: callers decide.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import httpx

from targets.mobile_api.breaker import Breaker
from targets.profiles import Profile
from targets.service import outbound_headers, remaining_s

PROBE_TIMEOUT_S = 0.5
SERVER_ERROR = 500


class DependencyError(Exception):
    """A dependency gave no answer. `reason`: unreachable, bulkhead_full, circuit_open or
    deadline_exceeded (the call was not sent), timeout or connection_lost (it may have been)."""

    def __init__(self, component: str, reason: str) -> None:
        super().__init__(f"{component}: {reason}")
        self.component = component
        self.reason = reason


class Upstream:
    """One dependency reached over HTTP through its proxy."""

    def __init__(
        self,
        component: str,
        base_url: str,
        client: httpx.AsyncClient,
        profile: Profile,
        observe: Callable[[str, bool], None],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.component = component
        self.base_url = base_url.rstrip("/")
        self._client = client
        self._profile = profile
        self._observe = observe
        limit = profile.bulkhead_max_concurrent
        self._bulkhead = asyncio.Semaphore(limit) if limit else None
        self.breaker = (
            Breaker(profile.breaker_failure_threshold, profile.breaker_open_s, clock)
            if profile.breaker_enabled
            else None
        )

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
        timeout_s = remaining_s(None if whole_budget else self._profile.request_timeout_s)
        if timeout_s is not None and timeout_s <= 0:
            raise DependencyError(self.component, "deadline_exceeded")
        sent = {**outbound_headers(self._profile), **(headers or {})}
        async with self._slot():
            if self.breaker is not None and not self.breaker.allow():
                raise DependencyError(self.component, "circuit_open")
            try:
                async with asyncio.timeout(timeout_s):
                    response = await self._client.request(
                        method, self.base_url + path, json=json, headers=sent
                    )
            except TimeoutError:
                raise self._failed("timeout") from None
            except httpx.ConnectError:
                raise self._failed("unreachable") from None
            except httpx.HTTPError:
                raise self._failed("connection_lost") from None
        self._record(response.status_code < SERVER_ERROR)
        return response

    def _failed(self, reason: str) -> DependencyError:
        self._record(False)
        return DependencyError(self.component, reason)

    def _record(self, ok: bool) -> None:
        if self.breaker is not None:
            self.breaker.record(ok)
        self._observe(self.component, ok)

    async def probe(self) -> bool:
        """A light readiness check (`GET /health/ready`); the outcome goes to the status board."""
        try:
            async with asyncio.timeout(PROBE_TIMEOUT_S):
                response = await self._client.get(self.base_url + "/health/ready")
            ok = response.status_code < SERVER_ERROR
        except (TimeoutError, httpx.HTTPError):
            ok = False
        self._observe(self.component, ok)
        return ok

    @contextlib.asynccontextmanager
    async def _slot(self) -> AsyncIterator[None]:
        if self._bulkhead is None:
            yield
            return
        try:
            async with asyncio.timeout(self._profile.bulkhead_max_wait_s):
                await self._bulkhead.acquire()
        except TimeoutError:
            raise DependencyError(self.component, "bulkhead_full") from None
        try:
            yield
        finally:
            self._bulkhead.release()
