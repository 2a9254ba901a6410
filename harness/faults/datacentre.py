"""Data-centre faults: `promote`, `fence` and `migrate` (move traffic to the other DC).

A migration is what an operator runs: drain (wait for replication lag 0, bounded), fence the
old primary, promote the new one, re-point the proxies of every link to "core-banking" at it
(and the replication link the other way). `fault_during` is injected before the drain and
healed once the proxies point at the new DC: the fault lands in the middle of the switch, and
whatever it kept from replicating is what the new primary lacks.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import structlog

from harness.errors import InfraError
from harness.faults.base import Fault, FaultContext
from harness.topology import ACTIVE_CORE, LINKS, STANDBY_CORE, other_dc

log = structlog.get_logger()


@dataclass(frozen=True)
class Promote:
    dc: str
    kind: str = "promote"
    reversible: bool = False

    def inject(self, ctx: FaultContext) -> None:
        ctx.admin.promote(self.dc)

    def heal(self, ctx: FaultContext) -> None:
        """A promotion is not undone; a later migrate or fence is."""

    def describe(self) -> str:
        return f"promote {self.dc} to primary"


@dataclass(frozen=True)
class Fence:
    dc: str
    kind: str = "fence"
    reversible: bool = False

    def inject(self, ctx: FaultContext) -> None:
        ctx.admin.fence(self.dc)

    def heal(self, ctx: FaultContext) -> None:
        """A fence is not undone; promote the DC again to lift it."""

    def describe(self) -> str:
        return f"fence {self.dc} (refuses writes)"


def repoint(ctx: FaultContext, active_dc: str) -> None:
    """Point every proxy that follows the active DC at `active_dc`'s core."""
    for lk in LINKS:
        if lk.server in (ACTIVE_CORE, STANDBY_CORE):
            upstream = ctx.placement.upstream(lk.name, active_dc)
            ctx.proxies.set_upstream(lk.name, upstream.address)
    ctx.placement = dataclasses.replace(ctx.placement, active_dc=active_dc)


def wait_for_drain(ctx: FaultContext, dc: str, timeout_s: float) -> float | None:
    """Wait until `dc`'s replication lag is 0; returns the lag left (None when unknown)."""
    deadline = time.monotonic() + timeout_s
    lag: float | None = None
    while time.monotonic() < deadline:
        try:
            status = ctx.admin.replication(dc)
        except InfraError:
            return None
        lag = float(status.get("lag_entries", 0))
        if lag == 0:
            return 0.0
        time.sleep(0.05)
    return lag


@dataclass(frozen=True)
class Migrate:
    to: str
    fault_during: Fault | None = None
    drain_timeout_s: float = 2.0
    kind: str = "migrate"
    reversible: bool = False

    def inject(self, ctx: FaultContext) -> None:
        if self.fault_during is None:
            self._switch(ctx)
            return
        self.fault_during.inject(ctx)
        try:
            self._switch(ctx)
        finally:
            self.fault_during.heal(ctx)

    def _switch(self, ctx: FaultContext) -> None:
        source = other_dc(self.to)
        lag = wait_for_drain(ctx, source, self.drain_timeout_s)
        if lag:
            ctx.notes.append(
                f"migration to {self.to}: {lag:g} journal entries not yet "
                f"replicated when {source} was fenced"
            )
        try:
            ctx.admin.fence(source)
        except InfraError as exc:  # a dead old primary cannot be fenced: go on, as operators do
            ctx.notes.append(f"migration to {self.to}: could not fence {source}: {exc}")
        ctx.admin.promote(self.to)
        repoint(ctx, self.to)
        log.info("migrated", to=self.to, lag_entries_at_fence=lag)

    def heal(self, ctx: FaultContext) -> None:
        """A migration is not undone; the rollback is another migration."""

    def describe(self) -> str:
        during = (
            f", with {self.fault_during.describe()} during the switch" if self.fault_during else ""
        )
        return f"migrate core-banking traffic to {self.to}{during}"
