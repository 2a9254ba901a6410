"""The harness's side of the bank's admin APIs: flags, promote/fence, exports, status history.

Talks to each service's admin listener directly (not through the proxies, which never expose
it): the operator's console is not part of the system under test. Every admin path is
spelled here once, behind a named method; errors become InfraError naming the service and
the call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from harness.errors import InfraError
from harness.topology import Placement, core_service

SEED_BALANCE = "1000.00"


class BankAdmin:
    def __init__(self, placement: Placement, token: str, timeout_s: float = 10.0) -> None:
        self.placement = placement
        self.token = token
        self.timeout_s = timeout_s

    def _call(self, method: str, service: str, path: str, body: Mapping[str, Any] | None) -> Any:
        url = f"{self.placement.admin_of(service).url}{path}"
        try:
            response = httpx.request(
                method,
                url,
                json=body,
                headers={"X-Admin-Token": self.token},
                timeout=self.timeout_s,
            )
        except httpx.HTTPError as exc:
            raise InfraError(f"{service} {method} {path}: {type(exc).__name__}: {exc}") from exc
        if not response.is_success:
            raise InfraError(
                f"{service} {method} {path}: HTTP {response.status_code} {response.text[:200]}"
            )
        return response.json() if response.content else None

    def get(self, service: str, path: str) -> Any:
        return self._call("GET", service, path, None)

    def post(self, service: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        return self._call("POST", service, path, body or {})

    def set_flags(self, service: str, flags: Mapping[str, Any]) -> None:
        """Switch a service's HTTP fault flags (errors, extra latency) on or off."""
        self.post(service, "/admin/flags", flags)

    def configure_clearing(self, settings: Mapping[str, Any]) -> None:
        """Change the clearing scheme mock's processing time or rejection rate."""
        self.post("clearing", "/admin/config", settings)

    def revoke_sessions(self, force_password_change: bool) -> None:
        """End every customer session of the mobile API (optionally forcing a new password)."""
        self.post(
            "mobile-api",
            "/admin/sessions/revoke-all",
            {"force_password_change": force_password_change},
        )

    def promote(self, dc: str) -> None:
        self.post(core_service(dc), "/admin/promote")

    def fence(self, dc: str) -> None:
        self.post(core_service(dc), "/admin/fence")

    def replication(self, dc: str) -> Any:
        """The data centre's replication status (role, epoch, applied position)."""
        return self.get(core_service(dc), "/admin/replication")

    def export(self, service: str) -> Any:
        """The service's state for the checkers (`/admin/export`, shapes in docs/bank-api.md)."""
        return self.get(service, "/admin/export")

    def seed(self, customers: int, balance: str = SEED_BALANCE) -> None:
        """Open `customers` funded accounts on the active DC (replicated like any journal)."""
        core = core_service(self.placement.active_dc)
        self.post(
            core, "/admin/seed", {"customers": customers, "balance": balance, "currency": "PEN"}
        )
