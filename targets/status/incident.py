"""An incident on the status page and its updates, as plain frozen data (and its JSON shape).

This module holds no behaviour beyond building and rendering values: the lifecycle is
`board.py`, persistence `store.py`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

IncidentKind = Literal["availability", "security"]
IncidentStatus = Literal["investigating", "identified", "monitoring", "resolved"]
IncidentSource = Literal["probe", "burn_rate", "honeytoken", "access_anomaly", "manual"]


@dataclass(frozen=True)
class IncidentUpdate:
    at_s: float
    status: IncidentStatus
    message: str
    estimated_restoration_s: float | None = None


@dataclass(frozen=True)
class Incident:
    incident_id: str
    kind: IncidentKind
    title: str
    status: IncidentStatus
    components: tuple[str, ...]
    opened_at_s: float
    resolved_at_s: float | None
    source: IncidentSource
    updates: tuple[IncidentUpdate, ...]

    @property
    def is_open(self) -> bool:
        return self.status != "resolved"

    @property
    def automatic(self) -> bool:
        return self.source != "manual"

    @property
    def last_update_s(self) -> float:
        return self.updates[-1].at_s if self.updates else self.opened_at_s

    def with_update(
        self, update: IncidentUpdate, components: tuple[str, ...] | None = None
    ) -> Incident:
        """This incident with `update` appended (its status becomes the update's)."""
        return dataclasses.replace(
            self,
            status=update.status,
            components=self.components if components is None else components,
            resolved_at_s=update.at_s if update.status == "resolved" else None,
            updates=(*self.updates, update),
        )


def incident_id(number: int) -> str:
    """The id of the bank's `number`-th incident (1-based)."""
    return f"INC-{number:04d}"


def incident_json(incident: Incident) -> dict[str, Any]:
    """The contract's INCIDENT object."""
    return {
        "incident_id": incident.incident_id,
        "kind": incident.kind,
        "title": incident.title,
        "status": incident.status,
        "components": list(incident.components),
        "opened_at_s": incident.opened_at_s,
        "resolved_at_s": incident.resolved_at_s,
        "source": incident.source,
        "updates": [dataclasses.asdict(u) for u in incident.updates],
    }
