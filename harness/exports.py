"""Collects the bank's state at the end of a run through the admin APIs, into the run folder.

Each export is written as-is (`exports/<service>.json`) before anything analyses it. A service
that cannot be exported is recorded as `{"error": ...}` so the checkers can say "unknown"
instead of guessing.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from harness.bankadmin import BankAdmin
from harness.bankstate import BankState
from harness.errors import HarnessError, InfraError
from harness.topology import DATA_CENTRES, Placement, core_service

PENDING = {"RCVD", "ACSP"}

EXPORTED = ("payments", "clearing", "mobile-api", *(core_service(dc) for dc in DATA_CENTRES))
"""Services whose `/admin/export` a run keeps."""


def settle_payments(admin: BankAdmin, timeout_s: float) -> int:
    """Wait (bounded) until no payment is still in flight; returns how many still are."""
    deadline = time.monotonic() + timeout_s
    pending = -1
    while time.monotonic() < deadline:
        try:
            payments = admin.get("payments", "/admin/export").get("payments", [])
        except InfraError:
            return -1
        pending = sum(1 for p in payments if p.get("status") in PENDING)
        if pending == 0:
            return 0
        time.sleep(0.25)
    return pending


def collect_exports(admin: BankAdmin, placement: Placement, folder: Path) -> dict[str, Any]:
    """Export every service into `folder`; returns the exports by service name."""
    folder.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {}
    for service in EXPORTED:
        try:
            data = admin.get(service, "/admin/export")
        except InfraError as exc:
            data = {"error": str(exc)}
        result[service] = data
        (folder / f"{service}.json").write_text(json.dumps(data))
    (folder / "placement.json").write_text(json.dumps({"active_dc": placement.active_dc}))
    return result


def read_exports(folder: Path) -> dict[str, Any]:
    """The exports a run stored, by service name (missing files read as errors)."""
    result: dict[str, Any] = {}
    for service in (*EXPORTED, "placement"):
        path = folder / f"{service}.json"
        try:
            result[service] = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            result[service] = {"error": f"{path.name}: {exc}"}
    return result


def bank_state(exports: dict[str, Any]) -> tuple[BankState | None, str]:
    """The bank state from the exports, or None with the reason it cannot be built."""
    active = exports.get("placement", {}).get("active_dc", "dc-a")
    broken = [name for name, data in exports.items() if isinstance(data, dict) and "error" in data]
    cores = {dc: exports[core_service(dc)] for dc in DATA_CENTRES if core_service(dc) not in broken}
    needed = {"payments", "clearing", core_service(active)}
    if needed & set(broken):
        return None, "exports failed: " + "; ".join(
            exports[n]["error"] for n in sorted(needed & set(broken))
        )
    try:
        return BankState.from_exports(cores, active, exports["payments"], exports["clearing"]), ""
    except HarnessError as exc:
        return None, str(exc)
