"""The one bulkhead: bounded concurrency, a short wait for a slot, then refusal."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from targets.profiles import FRAGILE, HARDENED
from targets.resilience.bulkhead import Bulkhead, BulkheadFullError


def test_refuses_after_max_wait_when_every_slot_is_taken() -> None:
    """With every slot taken a caller waits max_wait_s, is refused, and its body never runs."""

    async def scenario() -> None:
        bulkhead = Bulkhead("core", max_concurrent=2, max_wait_s=0.01)
        ran = False
        async with bulkhead.slot(), bulkhead.slot():
            assert bulkhead.in_flight == 2
            with pytest.raises(BulkheadFullError, match=r"core is full \(2 calls in flight\)"):
                async with bulkhead.slot():
                    ran = True
        assert not ran
        assert bulkhead.in_flight == 0

    asyncio.run(scenario())


def test_a_waiter_gets_the_slot_freed_within_max_wait() -> None:
    """A caller waiting for a slot gets it when one frees up in time."""

    async def scenario() -> None:
        bulkhead = Bulkhead("core", max_concurrent=1, max_wait_s=5.0)
        holder_in = asyncio.Event()
        leave = asyncio.Event()

        async def holder() -> None:
            async with bulkhead.slot():
                holder_in.set()
                await leave.wait()

        task = asyncio.create_task(holder())
        await holder_in.wait()
        asyncio.get_running_loop().call_soon(leave.set)
        async with bulkhead.slot():
            assert bulkhead.in_flight == 1
        await task

    asyncio.run(scenario())


def test_the_slot_is_freed_when_the_body_fails_or_is_cancelled() -> None:
    """However the body ends, its slot comes back."""

    async def scenario() -> None:
        bulkhead = Bulkhead("core", max_concurrent=1, max_wait_s=0.01)
        with pytest.raises(RuntimeError):
            async with bulkhead.slot():
                raise RuntimeError("boom")
        entered = asyncio.Event()

        async def stuck() -> None:
            async with bulkhead.slot():
                entered.set()
                await asyncio.Event().wait()

        task = asyncio.create_task(stuck())
        await entered.wait()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        async with bulkhead.slot():
            assert bulkhead.in_flight == 1

    asyncio.run(scenario())


def test_no_limit_never_refuses() -> None:
    """max_concurrent=None (fragile) admits any number of calls at once."""

    async def scenario() -> None:
        bulkhead = Bulkhead("core", None, 0.0)
        async with contextlib.AsyncExitStack() as stack:
            for _ in range(100):
                await stack.enter_async_context(bulkhead.slot())
            assert bulkhead.in_flight == 100

    asyncio.run(scenario())


def test_from_profile_reads_the_bulkhead_knobs() -> None:
    """Hardened is bounded by its knobs; fragile is unbounded."""
    hardened = Bulkhead.from_profile("payments", HARDENED)
    assert hardened.max_concurrent == HARDENED.bulkhead_max_concurrent
    assert hardened.max_wait_s == HARDENED.bulkhead_max_wait_s
    assert Bulkhead.from_profile("payments", FRAGILE).max_concurrent is None
