"""The mobile API's service-level indicators per product, as the status service reads them.

Every customer request (`/v1/...`) counts for the `app` component and for the product it
belongs to: `login` (POST /v1/auth/login), `balances` (the
accounts, balance and movements reads), `transfers_on_us` and `transfers_interbank` (POST
/v1/transfers, by whether the creditor is an account of this bank, `ACC-...`), and
`bill_payments` (POST /v1/transfers with `"kind": "bill"`). A request answered 5xx (a
dependency that failed, timed out or refused; the edge's own shedding or fault) or that never
got an answer counts failed, with the customer's id when known; a 4xx, the customer's own
mistake, counts ok. `SliTally` holds the counts until `drain` hands them over as one batch.

This module is pure: no I/O, no clock (the middleware and the feed are `sli_feed.py`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from targets.inputs import is_valid_id

APP = "app"
OWN_ACCOUNT_PREFIX = "ACC-"
BALANCE_READS = ("/v1/me/accounts", "/v1/accounts/")
SERVER_ERROR = 500
MAX_FAILED_CUSTOMERS = 1000
"""Per component per batch: enough for the mock bank's customers, bounded for the wire."""


def _document(body: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def is_customer_request(path: str) -> bool:
    """Whether a request to `path` is one of the customers' (and so counts at all)."""
    return path.startswith("/v1/")


def components_of(method: str, path: str, body: bytes = b"") -> tuple[str, ...]:
    """The components a customer request counts for (none for a request that is no customer's)."""
    if not is_customer_request(path):
        return ()
    if method == "POST" and path == "/v1/auth/login":
        return ("login", APP)
    if method == "GET" and path.startswith(BALANCE_READS):
        return ("balances", APP)
    if method == "POST" and path == "/v1/transfers":
        return (_transfer_component(_document(body)), APP)
    return (APP,)


def _transfer_component(document: dict[str, Any]) -> str:
    if document.get("kind") == "bill":
        return "bill_payments"
    creditor = document.get("creditor_account")
    if isinstance(creditor, str) and creditor.startswith(OWN_ACCOUNT_PREFIX):
        return "transfers_on_us"
    return "transfers_interbank"


def login_customer(body: bytes) -> str | None:
    """The customer id a login request names, when it is a well-formed one."""
    customer = _document(body).get("customer_id")
    return customer if isinstance(customer, str) and is_valid_id(customer) else None


def failed(status: int | None) -> bool:
    """Whether an answer (None: no answer at all) counts against the indicator."""
    return status is None or status >= SERVER_ERROR


@dataclass
class _Counts:
    ok: int = 0
    failed: int = 0
    failed_customers: set[str] = field(default_factory=set)


@dataclass
class SliTally:
    """Outcomes per component since the last `drain`."""

    _counts: dict[str, _Counts] = field(default_factory=dict)

    def record(self, components: tuple[str, ...], ok: bool, customer_id: str | None) -> None:
        for component in components:
            counts = self._counts.setdefault(component, _Counts())
            if ok:
                counts.ok += 1
                continue
            counts.failed += 1
            if customer_id is not None and len(counts.failed_customers) < MAX_FAILED_CUSTOMERS:
                counts.failed_customers.add(customer_id)

    def drain(self) -> list[dict[str, Any]]:
        """The counts so far as the status service's `observations`, and start afresh."""
        counts, self._counts = self._counts, {}
        return [
            {
                "component": component,
                "ok": c.ok,
                "failed": c.failed,
                "failed_customers": sorted(c.failed_customers),
            }
            for component, c in sorted(counts.items())
        ]
