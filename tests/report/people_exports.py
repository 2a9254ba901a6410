"""Hand-written exports of the people services for a stored report run (`tests.report.runs`):
a status page that opened, updated and resolved an incident, notifications to two customers,
and a contact centre with answered, queued, abandoned and busy calls. Builders only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.report.runs import HOSTILE, T0

FAULT_START = T0 + 5.0
"""`RunSpec`'s baseline is 5 s; balance fails through its 10 s fault."""


def status_export(*, incidents: bool = True) -> dict[str, Any]:
    opened = FAULT_START + 1.5

    def update(at: float, status: str, message: str, eta: float | None) -> dict[str, Any]:
        return {"at_s": at, "status": status, "message": message, "estimated_restoration_s": eta}

    incident = {
        "incident_id": "INC-0001", "kind": "availability", "title": f"Balances down {HOSTILE}",
        "status": "resolved", "components": ["balances"], "source": "burn_rate",
        "opened_at_s": opened, "resolved_at_s": FAULT_START + 14.0,
        "updates": [
            update(opened, "investigating", "Balances may not show.", opened + 10.0),
            update(FAULT_START + 6.5, "identified", "We found the fault.", FAULT_START + 12.0),
            update(FAULT_START + 14.0, "resolved", "Balances are back.", None),
        ],
    }  # fmt: skip
    detection = {"at_s": FAULT_START + 1.2, "kind": "burn_rate", "component": "balances",
                 "detail": "balances outage over 5 s"}  # fmt: skip
    return {
        "service": "status",
        "incidents": [incident] if incidents else [],
        "detections": [detection] if incidents else [],
        "probe": {"sent": 30, "failed": 0},
    }


def notifications_export(*, sent: bool = True) -> dict[str, Any]:
    at = FAULT_START + 2.0
    notes = [{"notification_id": "NTF-1", "at_s": at, "channel": "sms", "reason": "outage",
              "incident_id": "INC-0001", "recipients": 1}]  # fmt: skip
    deliveries = [{"notification_id": "NTF-1", "customer_id": "CUST-0001", "channel": "sms",
                   "reason": "outage", "incident_id": "INC-0001", "sent_at_s": at,
                   "delivered_at_s": at + 0.8}]  # fmt: skip
    return {
        "service": "notifications",
        "notifications": notes if sent else [],
        "deliveries": deliveries if sent else [],
    }


def _call(n: int, placed: float, outcome: str, wait: float | None, position: int | None) -> Any:
    return {"call_id": f"CALL-{n}", "customer_id": f"CUST-{n:04d}", "reason": "outage",
            "placed_at_s": placed, "outcome": outcome, "position_at_entry": position,
            "answered_at_s": None, "ended_at_s": None, "wait_s": wait}  # fmt: skip


def contact_export(*, calls: bool = True) -> dict[str, Any]:
    start = FAULT_START + 3.0
    placed = [
        _call(1, start, "answered", 0.0, None),
        _call(2, start + 0.5, "answered", 4.0, 1),
        _call(3, start + 0.7, "abandoned", 2.5, 2),
        _call(4, start + 1.0, "busy", None, None),
        _call(5, start + 1.1, "busy", None, None),
        _call(6, start + 2.0, "answered", 6.0, 17),
    ]
    return {"service": "contact-centre", "agents": 4, "queue_max": 20,
            "calls": placed if calls else []}  # fmt: skip


def write_exports(folder: Path, **exports: dict[str, Any] | None) -> None:
    """Write (or, given None, remove) `exports/<service>.json`; keys use `_` for `-`."""
    for key, export in exports.items():
        path = folder / "exports" / f"{key.replace('_', '-')}.json"
        if export is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(json.dumps(export))
