"""The harness's side of the bank's admin APIs: flags, promote/fence, exports, status history.

Talks to services directly (not through the proxies): the operator's console is not part of
the system under test. Errors become InfraError naming the service and the call.
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
        url = f"{self.placement.services[service].url}{path}"
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

    def seed(self, customers: int, balance: str = SEED_BALANCE) -> None:
        """Open `customers` funded accounts on the active DC (replicated like any journal)."""
        core = core_service(self.placement.active_dc)
        self.post(
            core, "/admin/seed", {"customers": customers, "balance": balance, "currency": "PEN"}
        )
