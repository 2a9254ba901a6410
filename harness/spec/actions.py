"""The fault actions an experiment's timeline can hold, one typed model per kind.

Each model is the *description* of a fault (what, where, how long); executing it belongs to
`harness/faults/`, whose registry uses the same kind names (`ACTION_KINDS`). Names of links,
services and data centres are checked against `harness.topology`. `at` is set on timeline
steps and absent on nested actions (`migrate.fault_during`); the experiment checks that.
This module must not touch the network, the clock or the YAML source.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, Field, model_validator

from harness import limits
from harness.spec.base import AsTuple, SpecModel, known, located, unknown, within
from harness.spec.durations import PositiveDuration, TimelineMark
from harness.topology import DATA_CENTRES, LINK_NAMES, SERVICE_NAMES

LinkName = Annotated[str, AfterValidator(known("link", LINK_NAMES))]
ServiceName = Annotated[str, AfterValidator(known("service", SERVICE_NAMES))]
DataCentre = Annotated[str, AfterValidator(known("data centre", DATA_CENTRES))]
Fraction = Annotated[float, within(limits.FRACTION)]

ToxicType = Literal[
    "latency", "bandwidth", "slow_close", "timeout", "reset_peer", "slicer", "limit_data", "noop"
]

TOXIC_ATTRIBUTES: Mapping[str, tuple[str, ...]] = {
    kind: tuple(ranges) for kind, ranges in limits.TOXIC_ATTRIBUTES.items()
}
"""Attributes each Toxiproxy toxic type takes (ms, except slicer's delay in µs and byte sizes)."""


class ToxicSpec(SpecModel):
    """A Toxiproxy toxic as the API takes it; `name` defaults to "<type>_<stream>"."""

    type: ToxicType
    name: str | None = None
    stream: Literal["upstream", "downstream"] = "downstream"
    toxicity: Fraction = 1.0
    attributes: Mapping[str, int] = {}

    @model_validator(mode="after")
    def _attributes_fit_the_type(self) -> ToxicSpec:
        valid = TOXIC_ATTRIBUTES[self.type]
        for key, value in self.attributes.items():
            if key not in valid:
                reason = unknown(f"attribute of a {self.type} toxic", key, valid)
                raise located(
                    reason if valid else f"a noop toxic takes no attributes, not {key!r}",
                    "attributes",
                    key,
                )
            accepted = limits.TOXIC_ATTRIBUTES[self.type][key]
            if value not in accepted:
                reason = f"{key} must be in {accepted}, not {value:,}"
                raise located(reason, "attributes", key)
        return self

    @property
    def resolved_name(self) -> str:
        """The name the proxy will know the toxic by."""
        return self.name or f"{self.type}_{self.stream}"


class _Step(SpecModel):
    at: TimelineMark | None = None


class ToxicAction(_Step):
    """Add a toxic to a link's proxy; with `duration` the harness removes it afterwards."""

    action: Literal["toxic"]
    link: LinkName
    toxic: ToxicSpec
    duration: PositiveDuration | None = None


class ToxicRemoveAction(_Step):
    """Remove a toxic added earlier by name."""

    action: Literal["toxic_remove"]
    link: LinkName
    name: str


class LinkDownAction(_Step):
    """Disable a link's proxy (connections refused and cut); `duration` brings it back."""

    action: Literal["link_down"]
    link: LinkName
    duration: PositiveDuration | None = None


class LinkUpAction(_Step):
    """Enable a link's proxy again."""

    action: Literal["link_up"]
    link: LinkName


class CrashAction(_Step):
    """Kill a service with SIGKILL; with `duration` the harness restarts it afterwards."""

    action: Literal["crash"]
    service: ServiceName
    duration: PositiveDuration | None = None


class FreezeAction(_Step):
    """Pause a service (SIGSTOP): sockets stay open, nothing answers; `duration` thaws it."""

    action: Literal["freeze"]
    service: ServiceName
    duration: PositiveDuration | None = None


class RestartAction(_Step):
    """Stop a service gracefully and start it again."""

    action: Literal["restart"]
    service: ServiceName


class SlowStartAction(_Step):
    """Kill a service and start it again, slow to come up: it answers nothing for `duration`."""

    action: Literal["slow_start"]
    service: ServiceName
    duration: PositiveDuration


class IsolateAction(_Step):
    """Cut a service off the network (container disconnected, or every link of it cut)."""

    action: Literal["isolate"]
    service: ServiceName
    duration: PositiveDuration | None = None


NestedFault = Annotated[ToxicAction | LinkDownAction, Field(discriminator="action")]


class MigrateAction(_Step):
    """Move the primary to data centre `to`; `fault_during` is applied for the switch only."""

    action: Literal["migrate"]
    to: DataCentre
    fault_during: NestedFault | None = None


class PromoteAction(_Step):
    """Make the core in `dc` primary (new epoch), without re-pointing the proxies."""

    action: Literal["promote"]
    dc: DataCentre


class FenceAction(_Step):
    """Make the core in `dc` refuse writes (stale epoch, standby role)."""

    action: Literal["fence"]
    dc: DataCentre


class ServiceFlags(SpecModel):
    """HTTP-level faults a service injects itself (`POST /admin/flags`)."""

    error_rate: Fraction | None = None
    extra_latency_ms: Annotated[int, within(limits.EXTRA_LATENCY_MS)] | None = None
    read_only: bool | None = None

    @model_validator(mode="after")
    def _sets_something(self) -> ServiceFlags:
        if self.error_rate is None and self.extra_latency_ms is None and self.read_only is None:
            raise located("set at least one of error_rate, extra_latency_ms, read_only")
        return self


class FlagAction(_Step):
    """Set a service's fault flags; with `duration` they are cleared afterwards."""

    action: Literal["flag"]
    service: ServiceName
    flags: ServiceFlags
    duration: PositiveDuration | None = None


class ClearingAction(_Step):
    """Reconfigure the clearing-house mock (slow or rejecting); `duration` restores it."""

    action: Literal["clearing"]
    processing_ms: Annotated[int, within(limits.PROCESSING_MS)] | None = None
    reject_rate: Fraction | None = None
    duration: PositiveDuration | None = None

    @model_validator(mode="after")
    def _sets_something(self) -> ClearingAction:
        if self.processing_ms is None and self.reject_rate is None:
            raise located("set at least one of processing_ms, reject_rate")
        return self


class RevokeSessionsAction(_Step):
    """Revoke every customer session; optionally force a password change at next login."""

    action: Literal["revoke_sessions"]
    force_password_change: bool = False


class ExfiltrateAction(_Step):
    """A breach drill: log in through the edge with `customers` stolen credentials (and the
    bank's honeytokens, when the leaked list holds them) from one attacker device, and read
    their accounts and movements at `reads_per_s`, for `duration` at most."""

    action: Literal["exfiltrate"]
    duration: PositiveDuration
    customers: Annotated[int, within(limits.CUSTOMERS)] = 20
    reads_per_s: Annotated[float, within(limits.EXFILTRATION_RATE_PER_S)] = 2.0
    honeytokens: bool = True


Action = Annotated[
    ToxicAction
    | ToxicRemoveAction
    | LinkDownAction
    | LinkUpAction
    | CrashAction
    | FreezeAction
    | RestartAction
    | SlowStartAction
    | IsolateAction
    | MigrateAction
    | PromoteAction
    | FenceAction
    | FlagAction
    | ClearingAction
    | RevokeSessionsAction
    | ExfiltrateAction,
    Field(discriminator="action"),
]
"""Any timeline action, told apart by its `action` key."""

ACTION_KINDS: tuple[str, ...] = tuple(
    get_args(model.model_fields["action"].annotation)[0] for model in get_args(get_args(Action)[0])
)
"""Every action kind an experiment may use, in documentation order."""

Timeline = Annotated[tuple[Action, ...], AsTuple]


def duration_of(action: object) -> float | None:
    """The nominal duration of `action` in seconds, when it has one."""
    seconds = getattr(action, "duration", None)
    return seconds if isinstance(seconds, float) else None
