"""The fault protocol and the context faults act on.

A fault is one kind of breakage with its undo: `inject` breaks, `heal` restores, `describe`
says what it does in one line for the timeline. `heal` must be safe to call when `inject`
failed half-way or never ran, and safe to call twice: the engine heals every injected fault
on the way out, whatever happened. A step that is itself a repair or an operator's action
(restart, promote, remove a toxic) has nothing to undo: `reversible` is False and the
timeline never heals it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from harness.control.bank import BankAdmin
from harness.control.toxiproxy import ProxyControl
from harness.runtime.base import Runtime
from harness.seeds import DEFAULT_SEED
from harness.topology import Placement


@dataclass
class FaultContext:
    """What faults act on. `placement.active_dc` changes when traffic moves between DCs.
    `run_dir` (where a fault may record what it did), `seed` (the run's) and `customers` (how
    many the bank seeded) serve the faults that act as a customer or an attacker would."""

    runtime: Runtime
    proxies: ProxyControl
    admin: BankAdmin
    placement: Placement
    notes: list[str] = field(default_factory=list)
    run_dir: Path | None = None
    seed: int = DEFAULT_SEED
    customers: int = 0


class Fault(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def reversible(self) -> bool: ...

    def inject(self, ctx: FaultContext) -> None: ...

    def heal(self, ctx: FaultContext) -> None: ...

    def describe(self) -> str: ...
