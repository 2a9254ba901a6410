"""A bulkhead per dependency: at most N calls in flight, a short wait for a slot, then refuse.

`max_concurrent=None` means no bulkhead (the fragile setting: one slow dependency can take
every worker). This module knows nothing about HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


class BulkheadFullError(Exception):
    """No slot freed up within the maximum wait."""

    def __init__(self, dependency: str, max_concurrent: int) -> None:
        super().__init__(f"bulkhead for {dependency} is full ({max_concurrent} calls in flight)")
        self.dependency = dependency


class Bulkhead:
    """Semaphore-based bulkhead (resilience4j's semaphore bulkhead, in asyncio)."""

    def __init__(self, dependency: str, max_concurrent: int | None, max_wait_s: float) -> None:
        self.dependency = dependency
        self.max_concurrent = max_concurrent
        self.max_wait_s = max_wait_s
        self._slots = asyncio.Semaphore(max_concurrent) if max_concurrent else None

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one slot for the body; BulkheadFullError when none frees up in time."""
        if self._slots is None:
            yield
            return
        try:
            await asyncio.wait_for(self._slots.acquire(), timeout=self.max_wait_s)
        except TimeoutError:
            raise BulkheadFullError(self.dependency, self.max_concurrent or 0) from None
        try:
            yield
        finally:
            self._slots.release()
