"""The bank's exports as a run stored them (`exports/<service>.json`), and the state they give.

The engine writes each export as-is before anything analyses it; a service that could not be
exported is stored as `{"error": ...}`, so the checkers say "unknown" instead of guessing.
Reads files only; never calls the bank.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from pathlib import Path
from typing import Any

from harness.errors import HarnessError
from harness.history.bankstate import BankState
from harness.history.people import PEOPLE_SERVICES
from harness.topology import DATA_CENTRES, core_service

EXPORTED = ("payments", "clearing", "mobile-api", *(core_service(dc) for dc in DATA_CENTRES))
"""Services whose `/admin/export` every run keeps."""

OPTIONAL_EXPORTED = PEOPLE_SERVICES
"""Services whose export a run keeps when the bank has them (status, notifications, contact
centre); a bank without them is judged without them."""


def exported(services: Collection[str]) -> tuple[str, ...]:
    """The services to export from a bank that runs `services`: every required one, and the
    optional ones it has."""
    return (*EXPORTED, *(s for s in OPTIONAL_EXPORTED if s in services))


def read_exports(folder: Path) -> dict[str, Any]:
    """The exports a run stored, by service name (missing files read as errors; a missing
    optional export is left out: that bank did not have the service)."""
    result: dict[str, Any] = {}
    for service in (*EXPORTED, *OPTIONAL_EXPORTED, "placement"):
        path = folder / f"{service}.json"
        if service in OPTIONAL_EXPORTED and not path.exists():
            continue
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
