"""Faults through the services' admin APIs: `flag`, `clearing` and `revoke_sessions`.

These are the faults TCP cannot express: HTTP errors, added latency inside a service, a
read-only switch, a slow or rejecting scheme, a breach response that logs everybody out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.faults.base import FaultContext

CLEAR_FLAGS: Mapping[str, Any] = {"error_rate": 0.0, "extra_latency_ms": 0, "read_only": False}


@dataclass(frozen=True)
class Flag:
    service: str
    flags: Mapping[str, Any]
    kind: str = "flag"
    reversible: bool = True

    def inject(self, ctx: FaultContext) -> None:
        ctx.admin.set_flags(self.service, dict(self.flags))

    def heal(self, ctx: FaultContext) -> None:
        ctx.admin.set_flags(self.service, dict(CLEAR_FLAGS))

    def describe(self) -> str:
        flags = ", ".join(f"{k}={v}" for k, v in self.flags.items())
        return f"set flags on {self.service}: {flags}"


@dataclass(frozen=True)
class ClearingConfig:
    settings: Mapping[str, Any]
    restore: Mapping[str, Any] = field(default_factory=dict)
    kind: str = "clearing"
    reversible: bool = True

    def inject(self, ctx: FaultContext) -> None:
        ctx.admin.configure_clearing(dict(self.settings))

    def heal(self, ctx: FaultContext) -> None:
        if self.restore:
            ctx.admin.configure_clearing(dict(self.restore))

    def describe(self) -> str:
        return "clearing scheme: " + ", ".join(f"{k}={v}" for k, v in self.settings.items())


@dataclass(frozen=True)
class RevokeSessions:
    force_password_change: bool = True
    kind: str = "revoke_sessions"
    reversible: bool = False

    def inject(self, ctx: FaultContext) -> None:
        ctx.admin.revoke_sessions(self.force_password_change)

    def heal(self, ctx: FaultContext) -> None:
        """Revoked sessions stay revoked; customers log in again."""

    def describe(self) -> str:
        extra = " and force a password change" if self.force_password_change else ""
        return f"revoke every session{extra}"
