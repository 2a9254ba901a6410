"""Integration tests: the mobile API in the whole bank, each link through the real fault proxy.

Uses the payments tests' `running_bank` (fault proxy, two core DCs, clearing, payments) and adds
the `mobile-core` and `mobile-payments` proxies in front of a hardened mobile API.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.targets.test_mobile_api_live import Service, bearer, start_mobile, stop
from tests.targets.test_payments_bank import Bank, running_bank

pytestmark = pytest.mark.integration


@dataclass
class Edge:
    bank: Bank
    mobile: Service


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Edge]:
    tmp: Path = tmp_path_factory.mktemp("edge")
    with running_bank(tmp, "hardened") as bank:
        core_url = bank.proxy.create("mobile-core", bank.core)
        payments_url = bank.proxy.create("mobile-payments", bank.payments)
        mobile = start_mobile(tmp, "hardened", core_url, payments_url)
        try:
            yield Edge(bank, mobile)
        finally:
            stop(mobile)


def test_transfer_goes_through_payments_and_is_private(edge: Edge) -> None:
    """Transfer with a key: payments' answer, a replay gives the same id, others get 403."""
    url = edge.mobile.url
    auth = bearer(edge.mobile, "CUST-0001")
    body = {
        "from_account": "ACC-0001",
        "creditor_account": "OTHERBANK-77",
        "amount": "10.00",
        "currency": "PEN",
        "kind": "transfer",
    }
    headers = {**auth, "Idempotency-Key": "mobile-t-1"}
    first = httpx.post(f"{url}/v1/transfers", json=body, headers=headers, timeout=10)
    assert first.status_code in (201, 202), first.text
    assert set(first.json()) == {"transfer_id", "status", "reason_code"}
    replay = httpx.post(f"{url}/v1/transfers", json=body, headers=headers, timeout=10)
    assert replay.json()["transfer_id"] == first.json()["transfer_id"]
    transfer_id = first.json()["transfer_id"]
    payment = edge.bank.wait_terminal(transfer_id)
    assert payment["status"] == "ACSC"
    assert payment["debtor_account"] == "ACC-0001"
    seen = httpx.get(f"{url}/v1/transfers/{transfer_id}", headers=auth, timeout=5).json()
    assert seen == {"transfer_id": transfer_id, "status": "ACSC", "reason_code": None}
    other = bearer(edge.mobile, "CUST-0002")
    denied = httpx.get(f"{url}/v1/transfers/{transfer_id}", headers=other, timeout=5)
    unknown = httpx.get(f"{url}/v1/transfers/PAY-does-not-exist", headers=other, timeout=5)
    assert denied.status_code == unknown.status_code == 403
    assert denied.text == unknown.text
    balance = httpx.get(f"{url}/v1/accounts/ACC-0001/balance", headers=auth, timeout=5).json()
    assert balance["booked"] == "990.00" and balance["mode"] == "live"


def test_disabled_mobile_core_link_gives_stale_balances_then_live_ones(edge: Edge) -> None:
    """mobile-core disabled in the fault proxy: a stale balance at once, live once it is back."""
    url = edge.mobile.url
    auth = bearer(edge.mobile, "CUST-0003")
    live = httpx.get(f"{url}/v1/accounts/ACC-0003/balance", headers=auth, timeout=5).json()
    assert live["mode"] == "live"
    link = f"{edge.bank.proxy.api}/proxies/mobile-core"
    httpx.post(link, json={"enabled": False}, timeout=5).raise_for_status()
    try:
        began = time.monotonic()
        stale = httpx.get(f"{url}/v1/accounts/ACC-0003/balance", headers=auth, timeout=5)
        assert time.monotonic() - began < 0.5
        assert stale.json() == {**live, "stale": True, "mode": "read_only"}
    finally:
        httpx.post(link, json={"enabled": True}, timeout=5).raise_for_status()
    again = httpx.get(f"{url}/v1/accounts/ACC-0003/balance", headers=auth, timeout=5).json()
    assert again["mode"] == "live"
