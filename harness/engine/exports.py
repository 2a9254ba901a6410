"""Collects the bank's state at the end of a run through the admin APIs, into the run folder.

Waits (bounded) for payments in flight to settle, then writes every exported service as-is to
`exports/<service>.json` before anything analyses it (`history.exports` reads them back).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from harness.control.bank import BankAdmin
from harness.errors import InfraError
from harness.history.bankstate import PENDING_STATUSES
from harness.history.exports import exported
from harness.topology import Placement


def settle_payments(admin: BankAdmin, timeout_s: float) -> int:
    """Wait (bounded) until no payment is still in flight; returns how many still are."""
    deadline = time.monotonic() + timeout_s
    pending = -1
    while time.monotonic() < deadline:
        try:
            payments = admin.export("payments").get("payments", [])
        except InfraError:
            return -1
        pending = sum(1 for p in payments if p.get("status") in PENDING_STATUSES)
        if pending == 0:
            return 0
        time.sleep(0.25)
    return pending


def collect_exports(admin: BankAdmin, placement: Placement, folder: Path) -> dict[str, Any]:
    """Export every service into `folder`; returns the exports by service name."""
    folder.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {}
    for service in exported(placement.services):
        try:
            data = admin.export(service)
        except InfraError as exc:
            data = {"error": str(exc)}
        result[service] = data
        (folder / f"{service}.json").write_text(json.dumps(data))
    (folder / "placement.json").write_text(json.dumps({"active_dc": placement.active_dc}))
    return result
