"""The incident lifecycle of the status page: open on detection, update at a cadence, resolve late.

With `status_detection` "auto" (hardened) `IncidentBoard.step` follows detection: an
availability incident opens ("investigating", with an estimated restoration time) as soon as a
component turns unhealthy; while it lasts it gets an update at least every
`status_update_interval_s` (each with a new estimate; "identified" once the first is out, and
at once when more components are hit); when every one of its components has been judged
healthy again it moves to "monitoring", and it is "resolved" only after they have held healthy
for `status_resolve_after_s` (a relapse puts it back to "identified"). A security alert opens a
security incident (or updates the open one). With "manual" (fragile) nothing happens by
itself: only `open_manual` and `resolve`, a human's posts, change the page.

This module is pure: no I/O, every time is passed in; it never persists (the caller stores
each incident `step` returns).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from targets.formats import iso_utc
from targets.profiles import Profile
from targets.status.detection import COMPONENTS, Detection, Health
from targets.status.incident import (
    Incident,
    IncidentKind,
    IncidentSource,
    IncidentStatus,
    IncidentUpdate,
    incident_id,
)

IMPACT = {
    "login": "customers may not be able to sign in",
    "balances": "balances and movements may not be shown",
    "transfers_on_us": "transfers between accounts of the bank may fail",
    "transfers_interbank": "transfers to other banks may fail or be delayed",
    "bill_payments": "bill payments may fail",
    "app": "the app and online banking may not work",
}
SECURITY_TITLE = "Security incident: unusual access to customer data"


@dataclass(frozen=True)
class BoardPolicy:
    automatic: bool
    update_interval_s: float
    resolve_after_s: float

    @classmethod
    def from_profile(cls, profile: Profile) -> BoardPolicy:
        return cls(
            profile.status_detection == "auto",
            profile.status_update_interval_s,
            profile.status_resolve_after_s,
        )


def _ordered(components: Iterable[str]) -> tuple[str, ...]:
    given = set(components)
    return tuple(c for c in COMPONENTS if c in given)


def _impact(components: Sequence[str]) -> str:
    return "; ".join(IMPACT.get(c, c) for c in components) or "some services are affected"


class IncidentBoard:
    """Every incident of the page (open and resolved), moved on by detection or by hand."""

    def __init__(self, policy: BoardPolicy, incidents: Iterable[Incident] = ()) -> None:
        self.policy = policy
        self._incidents = {i.incident_id: i for i in incidents}
        self._healthy_since_s: dict[str, float] = {}

    def incidents(self) -> tuple[Incident, ...]:
        """All incidents, oldest first."""
        return tuple(self._incidents.values())

    def get(self, incident_id: str) -> Incident | None:
        return self._incidents.get(incident_id)

    def estimate_restoration_s(self, incident: Incident, now_s: float) -> float:
        """When service should be back: as long again as it has lasted, at least two updates."""
        return now_s + max(2 * self.policy.update_interval_s, now_s - incident.opened_at_s)

    def step(self, health: Health, detections: Sequence[Detection] = ()) -> list[Incident]:
        """Move the automatic incidents on to what detection says now; the changed ones."""
        if not self.policy.automatic:
            return []
        changed = []
        current = self._open_automatic("availability")
        if current is None:
            if health.unhealthy():
                changed.append(self._open_availability(health, detections))
        else:
            moved = self._advance(current, health)
            if moved is not None:
                changed.append(moved)
        for incident in self._open_automatic_all("security"):
            if health.at_s - incident.last_update_s >= self.policy.update_interval_s:
                message = "We continue to investigate the unusual access and will update here."
                update = IncidentUpdate(health.at_s, "identified", message)
                changed.append(self._put(incident.with_update(update)))
        return changed

    def security_alert(self, at_s: float, source: IncidentSource, detail: str) -> Incident | None:
        """A breach detector's alert: opens a security incident or updates the open one."""
        if not self.policy.automatic:
            return None
        message = f"We detected unusual access to customer data ({detail}) and are investigating."
        current = self._open_automatic("security")
        if current is not None:
            return self._put(current.with_update(IncidentUpdate(at_s, "identified", message)))
        first = IncidentUpdate(at_s, "investigating", message)
        return self._put(
            Incident(self._next_id(), "security", SECURITY_TITLE, "investigating", (), at_s,
                     None, source, (first,))
        )  # fmt: skip

    def open_manual(
        self, at_s: float, title: str, message: str, components: Sequence[str], kind: IncidentKind
    ) -> Incident:
        """A human posts an incident."""
        first = IncidentUpdate(at_s, "investigating", message)
        incident = Incident(
            self._next_id(), kind, title, "investigating", _ordered(components), at_s, None,
            "manual", (first,),
        )  # fmt: skip
        return self._put(incident)

    def resolve(self, at_s: float, incident_id: str, message: str) -> Incident | None:
        """A human resolves an incident; None for an unknown id (a resolved one stays as it is)."""
        incident = self._incidents.get(incident_id)
        if incident is None or not incident.is_open:
            return incident
        self._healthy_since_s.pop(incident_id, None)
        return self._put(incident.with_update(IncidentUpdate(at_s, "resolved", message)))

    def _open_availability(self, health: Health, detections: Sequence[Detection]) -> Incident:
        components = health.unhealthy()
        source: IncidentSource = (
            "probe" if any(d.kind == "probe" for d in detections) else "burn_rate"
        )
        now = health.at_s
        eta = now + 2 * self.policy.update_interval_s
        message = f"We are investigating problems: {_impact(components)}."
        title = "Service disruption: " + ", ".join(c.replace("_", " ") for c in components)
        first = IncidentUpdate(now, "investigating", message, eta)
        return self._put(
            Incident(self._next_id(), "availability", title, "investigating", components, now,
                     None, source, (first,))
        )  # fmt: skip

    def _advance(self, incident: Incident, health: Health) -> Incident | None:
        now, key = health.at_s, incident.incident_id
        unhealthy = health.unhealthy()
        components = _ordered((*incident.components, *unhealthy))
        due = now - incident.last_update_s >= self.policy.update_interval_s
        if unhealthy:
            self._healthy_since_s.pop(key, None)
            if components != incident.components or incident.status == "monitoring" or due:
                return self._update(incident, now, "identified", components)
            return None
        if not health.all_healthy(incident.components):  # no verdict yet: no news either way
            return self._update(incident, now, incident.status, components) if due else None
        since = self._healthy_since_s.setdefault(key, now)
        if incident.status != "monitoring":
            return self._update(incident, now, "monitoring", components)
        if now - since >= self.policy.resolve_after_s:
            self._healthy_since_s.pop(key, None)
            message = "Every service has worked normally since " + iso_utc(since) + ". Resolved."
            return self._put(incident.with_update(IncidentUpdate(now, "resolved", message)))
        return self._update(incident, now, "monitoring", components) if due else None

    def _update(
        self, incident: Incident, now_s: float, status: IncidentStatus, components: tuple[str, ...]
    ) -> Incident:
        eta = self.estimate_restoration_s(incident, now_s)
        if status == "monitoring":
            eta = now_s + self.policy.resolve_after_s
            message = "Services have recovered; we are monitoring before we call it resolved."
        else:
            message = (
                f"We are working on it: {_impact(components)}. Expected back by {iso_utc(eta)}."
            )
        return self._put(
            incident.with_update(IncidentUpdate(now_s, status, message, eta), components)
        )

    def _open_automatic_all(self, kind: IncidentKind) -> list[Incident]:
        return [i for i in self._incidents.values() if i.is_open and i.automatic and i.kind == kind]

    def _open_automatic(self, kind: IncidentKind) -> Incident | None:
        found = self._open_automatic_all(kind)
        return found[-1] if found else None

    def _next_id(self) -> str:
        return incident_id(len(self._incidents) + 1)

    def _put(self, incident: Incident) -> Incident:
        self._incidents[incident.incident_id] = incident
        return incident
