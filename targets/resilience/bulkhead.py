"""The bulkhead of one dependency: at most N calls in flight, a short wait for a slot, then refuse.

`slot()` holds one slot for the body of an `async with`; when none frees up within
`max_wait_s` it raises `BulkheadFullError` without running the body (the call was never
sent). `max_concurrent=None` means no bulkhead (the fragile setting: one slow dependency can
take every worker). The slot is freed however the body ends, cancellation included.

One event loop. This module knows nothing about HTTP, breakers or the bank's domain.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from targets.profiles import Profile


class BulkheadFullError(Exception):
    """No slot freed up within the maximum wait."""

    def __init__(self, dependency: str, max_concurrent: int) -> None:
        super().__init__(f"bulkhead for {dependency} is full ({max_concurrent} calls in flight)")
        self.dependency = dependency
        self.max_concurrent = max_concurrent


class Bulkhead:
    """Semaphore bulkhead (resilience4j's semaphore bulkhead, in asyncio)."""

    def __init__(self, dependency: str, max_concurrent: int | None, max_wait_s: float) -> None:
        self.dependency = dependency
        self.max_concurrent = max_concurrent
        self.max_wait_s = max_wait_s
        self._slots = asyncio.Semaphore(max_concurrent) if max_concurrent else None
        self.in_flight = 0

    @classmethod
    def from_profile(cls, dependency: str, profile: Profile) -> Bulkhead:
        """The bulkhead the profile's `bulkhead_*` knobs describe."""
        return cls(dependency, profile.bulkhead_max_concurrent, profile.bulkhead_max_wait_s)

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one slot for the body; BulkheadFullError when none frees up in time."""
        if self._slots is not None:
            try:
                async with asyncio.timeout(self.max_wait_s):
                    await self._slots.acquire()
            except TimeoutError:
                raise BulkheadFullError(self.dependency, self.max_concurrent or 0) from None
        self.in_flight += 1
        try:
            yield
        finally:
            self.in_flight -= 1
            if self._slots is not None:
                self._slots.release()
