"""The status service's JSON: the public page and the admin export (docs/bank-api.md).

The page shows every component's verdict from detection, an open availability incident
posted by hand marks its components as in outage, and the page as a whole is its worst
component. This module only renders: it decides nothing and stores nothing.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from targets.status.desk import StatusDesk
from targets.status.detection import COMPONENTS, SEVERITY, ComponentStatus
from targets.status.incident import Incident, incident_json

PAGE_INCIDENTS = 20


def component_statuses(desk: StatusDesk) -> dict[str, ComponentStatus]:
    """What the page shows for each component now."""
    shown: dict[str, ComponentStatus] = {
        c: desk.health.components.get(c, "operational") for c in COMPONENTS
    }
    for incident in desk.board.incidents():
        if incident.is_open and not incident.automatic and incident.kind == "availability":
            for component in incident.components:
                shown[component] = "outage"
    return shown


def _page_order(incidents: tuple[Incident, ...]) -> list[Incident]:
    newest_first = sorted(incidents, key=lambda i: i.opened_at_s, reverse=True)
    ordered = [i for i in newest_first if i.is_open] + [i for i in newest_first if not i.is_open]
    return ordered[:PAGE_INCIDENTS]


def page_json(desk: StatusDesk) -> dict[str, Any]:
    """GET /v1/status."""
    shown = component_statuses(desk)
    worst = max(shown.values(), key=lambda s: SEVERITY[s])
    return {
        "page": worst,
        "updated_at_s": desk.updated_at_s,
        "components": [{"name": c, "status": shown[c]} for c in COMPONENTS],
        "incidents": [incident_json(i) for i in _page_order(desk.board.incidents())],
    }


def export_json(desk: StatusDesk) -> dict[str, Any]:
    """GET /admin/export: every incident (oldest first), detections, probe, notifications."""
    probe = desk.detector.probe
    return {
        "service": "status",
        "profile": desk.profile.name,
        "incidents": [incident_json(i) for i in desk.board.incidents()],
        "detections": [dataclasses.asdict(d) for d in desk.store.detections()],
        "probe": {"sent": probe.sent, "failed": probe.failed},
        "notifications_requested": desk.store.notifications(),
    }
