"""Fault kinds, registered by name: the table maps an experiment action to the fault that does it.

Adding a fault is one module under `harness/faults/` and one line in `FAULTS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from harness.control.toxiproxy import ToxicSpec
from harness.errors import ConfigError
from harness.faults.admin import ClearingConfig, Flag, RevokeSessions
from harness.faults.base import Fault, FaultContext
from harness.faults.datacentre import Fence, Migrate, Promote
from harness.faults.exfiltrate import Exfiltrate
from harness.faults.link import LinkDown, LinkUp
from harness.faults.process import Crash, Freeze, Isolate, Restart, SlowStart
from harness.faults.toxic import ToxicFault, ToxicRemoval
from harness.spec import actions as spec


def _toxic(a: spec.ToxicAction) -> Fault:
    t = a.toxic
    return ToxicFault(a.link, ToxicSpec(t.type, t.name, t.stream, t.toxicity, dict(t.attributes)))


def _migrate(a: spec.MigrateAction) -> Fault:
    return Migrate(a.to, build_fault(a.fault_during) if a.fault_during else None)


def _flag(a: spec.FlagAction) -> Fault:
    return Flag(a.service, a.flags.model_dump(exclude_none=True))


def _exfiltrate(a: spec.ExfiltrateAction) -> Fault:
    return Exfiltrate(a.customers, a.reads_per_s, a.honeytokens, a.duration)


def _clearing(a: spec.ClearingAction) -> Fault:
    settings = a.model_dump(include={"processing_ms", "reject_rate"}, exclude_none=True)
    return ClearingConfig(settings, restore=CLEARING_DEFAULTS)


CLEARING_DEFAULTS: Mapping[str, Any] = {"processing_ms": 20, "reject_rate": 0.0}

FAULTS: Mapping[str, Callable[[Any], Fault]] = {
    "toxic": _toxic,
    "toxic_remove": lambda a: ToxicRemoval(a.link, a.name),
    "link_down": lambda a: LinkDown(a.link),
    "link_up": lambda a: LinkUp(a.link),
    "crash": lambda a: Crash(a.service),
    "freeze": lambda a: Freeze(a.service),
    "restart": lambda a: Restart(a.service),
    "slow_start": lambda a: SlowStart(a.service),
    "isolate": lambda a: Isolate(a.service),
    "migrate": _migrate,
    "promote": lambda a: Promote(a.dc),
    "fence": lambda a: Fence(a.dc),
    "flag": _flag,
    "clearing": _clearing,
    "revoke_sessions": lambda a: RevokeSessions(a.force_password_change),
    "exfiltrate": _exfiltrate,
}


def build_fault(action: Any) -> Fault:
    """The fault for a spec action; an unknown kind lists the valid ones."""
    kind = str(getattr(action, "action", ""))
    if kind not in FAULTS:
        raise ConfigError(f"unknown fault kind {kind!r}; valid: {', '.join(FAULTS)}")
    return FAULTS[kind](action)


__all__ = ["FAULTS", "Fault", "FaultContext", "build_fault"]
