"""Integration test: the mobile API's detection feed reaches a real status service process.

Real processes on loopback: core-banking, a hardened status service, and a mobile API started
with `--status-url` pointing at it; payments is an unused port (a dependency that is gone).
Customers log in, read balances and try transfers: the transfers fail, the reads work, and the
status service, knowing only what the feed told it, opens an incident on the transfer
products, shows the app degraded (not out: the reads counted as good) and asks to notify the
one customer whose requests failed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.credentials import ADMIN
from tests.targets.test_mobile_api_live import (
    Service,
    bearer,
    start,
    start_core,
    stop,
    unused_url,
)
from tests.targets.test_status_live import await_page, start_status

pytestmark = pytest.mark.integration

REQUESTS_PER_KIND = 6


@pytest.fixture
def bank(tmp_path: Path) -> Iterator[tuple[Service, Service]]:
    core = start_core(tmp_path)
    status = start_status(tmp_path, "hardened")
    args = ["--profile", "hardened", "--customers", "3", "--core-url", core.url,
            "--payments-url", unused_url(), "--status-url", status.url]  # fmt: skip
    try:
        mobile = start("targets.mobile_api", args, tmp_path / "mobile.log")
    except RuntimeError:
        stop(status)
        stop(core)
        raise
    try:
        yield mobile, status
    finally:
        for service in (mobile, status, core):
            stop(service)


def transfer(mobile: Service, auth: dict[str, str], creditor: str) -> int:
    body = {"from_account": "ACC-0001", "creditor_account": creditor, "amount": "1.00"}
    headers = {**auth, "Idempotency-Key": uuid.uuid4().hex}
    return httpx.post(
        mobile.url + "/v1/transfers", json=body, headers=headers, timeout=10
    ).status_code


def test_the_feed_tells_the_status_service_what_customers_met(
    bank: tuple[Service, Service],
) -> None:
    mobile, status = bank
    payer = bearer(mobile, "CUST-0001")
    reader = bearer(mobile, "CUST-0002")
    for _ in range(REQUESTS_PER_KIND):
        assert transfer(mobile, payer, "ACC-0002") == 503
        assert transfer(mobile, payer, "IBAN-PE-0042") == 503
        read = httpx.get(mobile.url + "/v1/me/accounts", headers=reader, timeout=10)
        assert read.status_code == 200
        assert bearer(mobile, "CUST-0002")  # a login that works

    def seen(page: dict[str, Any]) -> bool:
        shown = {c["name"]: c["status"] for c in page["components"]}
        return bool(shown["transfers_interbank"] == shown["transfers_on_us"] == "outage")

    page = await_page(status, seen)
    shown = {c["name"]: c["status"] for c in page["components"]}
    assert shown["login"] == "operational"
    assert shown["balances"] == "operational"
    assert shown["app"] == "degraded"  # 12 of 26 requests failed: the good ones counted
    (incident,) = page["incidents"]
    assert incident["source"] == "burn_rate"
    assert {"transfers_on_us", "transfers_interbank"} <= set(incident["components"])

    export = httpx.get(status.url + "/admin/export", headers=ADMIN, timeout=5).json()
    burned = {d["component"] for d in export["detections"] if d["kind"] == "burn_rate"}
    assert {"transfers_on_us", "transfers_interbank", "app"} <= burned
    (notice,) = export["notifications_requested"]
    assert (notice["reason"], notice["customers"]) == ("outage", 1)  # CUST-0001 only
