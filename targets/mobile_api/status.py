"""The public status page: component states, the current incident, and the history of every change.

`FailureDetector` decides from observed outcomes (real calls plus a light background probe) when
a dependency is down: failing without a single success for `detect_after_s`, and back up after
`recover_after_s` of successes only. A dependency is judged only once it has answered well at
least once, so services still starting up do not open an incident. `StatusBoard` turns that
into what customers see: with `automatic` on (hardened `status_auto_incident`) it opens an
incident by itself, posts updates and resolves it; with it off (fragile) the page only changes
when an operator posts. Every change is kept with its time, so the report can measure the time
to first public update.

This module is pure: no I/O, the clock is passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

ComponentStatus = Literal["operational", "degraded", "outage"]
STATUSES: tuple[ComponentStatus, ...] = ("operational", "degraded", "outage")
CORE = "core-banking"
PAYMENTS = "payments"
EDGE = "mobile-api"
COMPONENTS = (CORE, PAYMENTS, EDGE)
DEPENDENCIES = (CORE, PAYMENTS)
ChangeKind = Literal["component", "incident_opened", "incident_updated", "incident_resolved"]

_IMPACT = {
    CORE: "balances may be shown as of an earlier time and movements may be unavailable",
    PAYMENTS: "transfers may be delayed or refused",
}


@dataclass(frozen=True)
class IncidentUpdate:
    at_s: float
    status: str
    message: str


@dataclass(frozen=True)
class Incident:
    title: str
    started_at_s: float
    updates: tuple[IncidentUpdate, ...]
    automatic: bool


@dataclass(frozen=True)
class StatusChange:
    """One change of the public page, as the export reports it."""

    at_s: float
    kind: ChangeKind
    automatic: bool
    component: str | None = None
    status: str | None = None
    title: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class StatusPage:
    components: tuple[tuple[str, ComponentStatus], ...]
    incident: Incident | None
    last_updated_s: float


@dataclass
class _Health:
    armed: bool = False
    down: bool = False
    failing_since_s: float | None = None
    healthy_since_s: float | None = None


@dataclass
class FailureDetector:
    """Which dependencies are down, judged from the outcomes of calls to them."""

    detect_after_s: float
    recover_after_s: float = 1.0
    _health: dict[str, _Health] = field(default_factory=dict)

    def observe(self, component: str, ok: bool, at_s: float) -> None:
        """Record the outcome of one call to `component` at time `at_s`."""
        health = self._health.setdefault(component, _Health())
        if ok:
            health.armed = True
            health.failing_since_s = None
            if health.down and health.healthy_since_s is None:
                health.healthy_since_s = at_s
        else:
            health.healthy_since_s = None
            if health.failing_since_s is None:
                health.failing_since_s = at_s

    def is_down(self, component: str, at_s: float) -> bool:
        """Whether `component` counts as down at `at_s` (moves the state on when due)."""
        health = self._health.setdefault(component, _Health())
        if not health.armed:
            return False
        failing, healthy = health.failing_since_s, health.healthy_since_s
        if not health.down and failing is not None and at_s - failing >= self.detect_after_s:
            health.down, health.healthy_since_s = True, None
        elif health.down and healthy is not None and at_s - healthy >= self.recover_after_s:
            health.down, health.failing_since_s = False, None
        return health.down


class StatusBoard:
    """Component states, the current incident and the change history of the status page."""

    def __init__(
        self, automatic: bool, detector: FailureDetector, clock: Callable[[], float]
    ) -> None:
        self.automatic = automatic
        self._detector = detector
        self._clock = clock
        self._down: set[str] = set()
        self._manual: dict[str, ComponentStatus] = {}
        self._incident: Incident | None = None
        self._history: list[StatusChange] = []
        self._shown: dict[str, ComponentStatus] = dict.fromkeys(COMPONENTS, "operational")
        self._last_updated_s = clock()

    def observe(self, component: str, ok: bool) -> None:
        """Outcome of a real call or probe to a dependency; ignored unless automatic."""
        if self.automatic:
            self._detector.observe(component, ok, self._clock())
            self.evaluate()

    def evaluate(self) -> None:
        """Apply what the detector concludes now: component states and the automatic incident."""
        if not self.automatic:
            return
        now = self._clock()
        down = {c for c in DEPENDENCIES if self._detector.is_down(c, now)}
        newly_down, recovered = down - self._down, self._down - down
        self._down = down
        for component in sorted(newly_down):
            self._on_down(component, now)
        for component in sorted(recovered):
            self._on_recovered(component, now)
        self._publish_components(now)

    def post(self, title: str, message: str, components: Mapping[str, ComponentStatus]) -> None:
        """An operator's post: opens an incident (or adds an update) and may set components."""
        now = self._clock()
        self._manual.update(components)
        if self._incident is None:
            self._open(title, message, now, automatic=False)
        else:
            self._update("update", message, now, automatic=False)
        self._publish_components(now)

    def resolve(self, message: str) -> None:
        """An operator resolves the current incident and clears manual component states."""
        now = self._clock()
        self._manual.clear()
        if self._incident is not None:
            self._close(message, now, automatic=False)
        self._publish_components(now)

    def page(self) -> StatusPage:
        """What the public page shows now."""
        self.evaluate()
        return StatusPage(
            components=tuple((c, self._shown[c]) for c in COMPONENTS),
            incident=self._incident,
            last_updated_s=self._last_updated_s,
        )

    def history(self) -> tuple[StatusChange, ...]:
        """Every change of the page so far, oldest first."""
        return tuple(self._history)

    def _on_down(self, component: str, now: float) -> None:
        message = f"We are investigating problems with {component}: {_IMPACT[component]}."
        if self._incident is None:
            self._open(f"Service disruption: {component}", message, now, automatic=True)
        else:
            self._update("investigating", message, now, automatic=True)

    def _on_recovered(self, component: str, now: float) -> None:
        incident = self._incident
        if incident is None:
            return
        if not self._down and incident.automatic:
            self._close(f"{component} has recovered; all services operate normally.", now, True)
        else:
            message = f"{component} has recovered; we keep monitoring."
            self._update("monitoring", message, now, automatic=True)

    def _open(self, title: str, message: str, now: float, automatic: bool) -> None:
        first = IncidentUpdate(now, "investigating", message)
        self._incident = Incident(title, now, (first,), automatic)
        self._record(StatusChange(now, "incident_opened", automatic, title=title, message=message))

    def _update(self, status: str, message: str, now: float, automatic: bool) -> None:
        assert self._incident is not None
        update = IncidentUpdate(now, status, message)
        incident = self._incident
        self._incident = Incident(
            incident.title, incident.started_at_s, (*incident.updates, update), incident.automatic
        )
        self._record(
            StatusChange(now, "incident_updated", automatic, title=incident.title, message=message)
        )

    def _close(self, message: str, now: float, automatic: bool) -> None:
        assert self._incident is not None
        title = self._incident.title
        self._incident = None
        self._record(
            StatusChange(now, "incident_resolved", automatic, title=title, message=message)
        )

    def _publish_components(self, now: float) -> None:
        for component in COMPONENTS:
            status = self._status_of(component)
            if status != self._shown[component]:
                self._shown[component] = status
                automatic = component not in self._manual
                self._record(
                    StatusChange(now, "component", automatic, component=component, status=status)
                )

    def _status_of(self, component: str) -> ComponentStatus:
        if component in self._manual:
            return self._manual[component]
        if component == EDGE:
            return "degraded" if self._down else "operational"
        return "outage" if component in self._down else "operational"

    def _record(self, change: StatusChange) -> None:
        self._history.append(change)
        self._last_updated_s = change.at_s
