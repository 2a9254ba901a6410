"""Process faults: `crash` (kill -9), `freeze` (SIGSTOP / pause), `restart`, `isolate`."""

from __future__ import annotations

from dataclasses import dataclass

from harness.faults.base import FaultContext


@dataclass(frozen=True)
class Crash:
    service: str
    kind: str = "crash"
    reversible: bool = True

    def inject(self, ctx: FaultContext) -> None:
        ctx.runtime.crash(self.service)

    def heal(self, ctx: FaultContext) -> None:
        if not ctx.runtime.running(self.service):
            ctx.runtime.restart(self.service)

    def describe(self) -> str:
        return f"crash {self.service} (kill -9)"


@dataclass(frozen=True)
class Freeze:
    service: str
    kind: str = "freeze"
    reversible: bool = True

    def inject(self, ctx: FaultContext) -> None:
        ctx.runtime.freeze(self.service)

    def heal(self, ctx: FaultContext) -> None:
        ctx.runtime.thaw(self.service)

    def describe(self) -> str:
        return f"freeze {self.service} (process paused, sockets open)"


@dataclass(frozen=True)
class Restart:
    service: str
    kind: str = "restart"
    reversible: bool = False

    def inject(self, ctx: FaultContext) -> None:
        ctx.runtime.restart(self.service)

    def heal(self, ctx: FaultContext) -> None:
        """Nothing to undo."""

    def describe(self) -> str:
        return f"restart {self.service}"


@dataclass(frozen=True)
class Isolate:
    service: str
    kind: str = "isolate"
    reversible: bool = True

    def inject(self, ctx: FaultContext) -> None:
        ctx.runtime.isolate(self.service)

    def heal(self, ctx: FaultContext) -> None:
        ctx.runtime.reconnect(self.service)

    def describe(self) -> str:
        return f"cut {self.service} off the network"


@dataclass(frozen=True)
class SlowStart:
    service: str
    kind: str = "slow_start"
    reversible: bool = True

    def inject(self, ctx: FaultContext) -> None:
        ctx.runtime.crash(self.service)
        ctx.runtime.start_frozen(self.service)

    def heal(self, ctx: FaultContext) -> None:
        ctx.runtime.thaw(self.service)
        if not ctx.runtime.running(self.service):
            ctx.runtime.restart(self.service)
        ctx.runtime.wait_ready(self.service)

    def describe(self) -> str:
        return f"restart {self.service}, slow to come up (answers nothing until healed)"
