"""Payments that outlive their request: one task per payment, and a sweep that resumes the rest.

A customer request starts its payment's flow here and waits for it only until its deadline;
the task goes on. The sweep (every `sweep_every_s`) restarts the flow of any unfinished payment
that has no task (after a restart, or when posting to the core had to wait), so every payment
reaches a terminal status and every hold is captured or released.
This module must not change a payment itself; `flow` does.
"""

from __future__ import annotations

import asyncio
import contextlib

import structlog

from targets.payments.flow import PaymentFlow, PaymentRefusedError
from targets.payments.store import Payment

log = structlog.get_logger()


class SettlementWorker:
    """Owns the background tasks of the payments service (one event loop)."""

    def __init__(self, flow: PaymentFlow, sweep_every_s: float = 2.0) -> None:
        self.flow = flow
        self.sweep_every_s = sweep_every_s
        self._tasks: dict[str, asyncio.Task[Payment]] = {}
        self._sweeper: asyncio.Task[None] | None = None

    def start(self, payment_id: str) -> asyncio.Task[Payment]:
        """The running task of this payment, started if there is none."""
        task = self._tasks.get(payment_id)
        if task is None or task.done():
            task = asyncio.get_running_loop().create_task(self.flow.run(payment_id))
            self._tasks[payment_id] = task
            task.add_done_callback(lambda done: self._finished(payment_id, done))
        return task

    def busy(self, payment_id: str) -> bool:
        """True while a task works on this payment."""
        task = self._tasks.get(payment_id)
        return task is not None and not task.done()

    def begin_sweeping(self) -> None:
        """Start the periodic resume of unfinished payments."""
        if self._sweeper is None:
            self._sweeper = asyncio.get_running_loop().create_task(self._sweep_forever())

    async def stop(self) -> None:
        """Cancel the sweep and every payment task (state stays in the store)."""
        tasks = [t for t in (self._sweeper, *self._tasks.values()) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(BaseException):
                await task

    def sweep(self) -> int:
        """Start a task for every unfinished payment without one; how many were started."""
        started = 0
        for payment in self.flow.store.unfinished():
            if not self.busy(payment.payment_id):
                self.start(payment.payment_id)
                started += 1
        return started

    async def _sweep_forever(self) -> None:
        while True:
            try:
                self.sweep()
            except Exception:
                log.exception("sweep_failed")
            await asyncio.sleep(self.sweep_every_s)

    def _finished(self, payment_id: str, task: asyncio.Task[Payment]) -> None:
        if self._tasks.get(payment_id) is task:
            del self._tasks[payment_id]
        if task.cancelled():
            return
        error = task.exception()
        if error is not None and not isinstance(error, PaymentRefusedError):
            log.error("payment_flow_failed", payment_id=payment_id, error=repr(error))
