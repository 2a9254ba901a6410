"""The checkers read a real core-banking process's /admin/export (contract check)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.history.bankstate import BankState
from harness.invariants import run_invariants
from tests.credentials import SERVICE
from tests.invariants.bank import transfer_sample
from tests.targets.test_core_banking_processes import CoreProcess, running

pytestmark = pytest.mark.integration
T0 = 1_700_000_000.0


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CoreProcess]:
    """One seeded dc-a primary."""
    path: Path = tmp_path_factory.mktemp("core-invariants") / "a.db"
    with running(CoreProcess("dc-a", path)) as (process,):
        assert process.admin("POST", "/admin/seed", json={"customers": 3}).status_code == 200
        yield process


def capture(core: CoreProcess, key: str, transfer_id: str, amount: str) -> str:
    """Hold and capture like payments does; the capture's journal id."""
    hold = httpx.post(
        f"{core.url}/v1/holds",
        headers={**SERVICE, "Idempotency-Key": key},
        timeout=10.0,
        json={
            "account_id": "ACC-0001",
            "amount": amount,
            "currency": "PEN",
            "reference": transfer_id,
            "expires_in_s": 30,
        },
    )
    assert hold.status_code == 201, hold.text
    done = httpx.post(
        f"{core.url}/v1/holds/{hold.json()['hold_id']}/capture",
        headers=SERVICE,
        timeout=10.0,
        json={"credit_account": "CLEARING", "transfer_id": transfer_id},
    )
    assert done.status_code == 200, done.text
    return str(done.json()["journal_id"])


def state_of(core: CoreProcess, journal_id: str) -> BankState:
    """The real ledger export with a matching payment and clearing record for PAY-1."""
    payment: dict[str, Any] = {
        "payment_id": "PAY-1",
        "idempotency_key": "K1",
        "end_to_end_id": "E2E-1",
        "debtor_account": "ACC-0001",
        "creditor_account": "EXT-9",
        "amount": "12.50",
        "currency": "PEN",
        "status": "ACSC",
        "journal_id": journal_id,
        "history": [],
    }
    message = {
        "msg_id": "M1",
        "end_to_end_id": "E2E-1",
        "amount": "12.50",
        "currency": "PEN",
        "status": "ACSC",
        "received_at": "2026-01-01T00:00:00.000Z",
    }
    export = core.admin("GET", "/admin/export").json()
    return BankState.from_exports(
        {"dc-a": export}, "dc-a", {"payments": [payment]}, {"messages": [message]}
    )


def test_real_export_passes_then_a_second_capture_is_caught(core: CoreProcess) -> None:
    """A real capture keeps every invariant; capturing the same transfer again breaks one."""
    journal_id = capture(core, "hold-K1", "PAY-1", "12.50")
    samples = [transfer_sample("PAY-1", T0, cents=1250)]
    names = [
        "money_conserved",
        "no_negative_balances",
        "exactly_once",
        "acknowledged_durable",
        "payments_reconciled",
        "no_status_flip",
    ]
    for result in run_invariants(names, state_of(core, journal_id), samples):
        assert result.status == "ok", result.summary
    capture(core, "hold-K1-retry2", "PAY-1", "12.50")
    results = {r.name: r for r in run_invariants(names, state_of(core, journal_id), samples)}
    assert results["exactly_once"].status == "failed"
    assert results["exactly_once"].violations[0].ids == ("PAY-1",)
    assert results["payments_reconciled"].status == "failed"  # 25.00 left for a 12.50 payment
    assert results["money_conserved"].status == "ok"
