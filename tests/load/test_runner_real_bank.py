"""Integration test: the load runner against the real mobile-api in the whole bank, no faults.

Reuses the targets' test fixtures (`running_bank`, `start_mobile`): fault proxy, two core
data centres, clearing, payments and a hardened mobile API, all processes on 127.0.0.1.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from harness.history.samples import read_samples
from harness.load.config import LoadConfig
from harness.load.process import LoadProcess
from tests.targets.test_mobile_api_live import start_mobile, stop
from tests.targets.test_payments_bank import running_bank

pytestmark = pytest.mark.integration


def test_customers_bank_for_real_and_money_adds_up(tmp_path: Path) -> None:
    """3 s at 12/s via the real mobile API: reads ok, every transfer settles once, money adds up."""
    with running_bank(tmp_path, "hardened") as bank:
        mobile = start_mobile(
            tmp_path,
            "hardened",
            bank.proxy.create("mobile-core", bank.core),
            bank.proxy.create("mobile-payments", bank.payments),
        )
        try:
            config = LoadConfig(
                edge_url=mobile.url,
                rate_per_s=12,
                users=3,
                duration_s=3.0,
                mix=(
                    ("balance", 40.0),
                    ("movements", 20.0),
                    ("transfer", 25.0),
                    ("bill_payment", 15.0),
                ),
                customers=3,
                client_timeout_s=3.0,
                seed=5,
            )
            load = LoadProcess.start(config, tmp_path / "load.jsonl")
            try:
                assert load.wait(timeout_s=30) == 0, load.failure()
            finally:
                load.stop()
            samples = list(read_samples(tmp_path / "load.jsonl"))
            acknowledged = [
                s
                for s in samples
                if s.journey in ("transfer", "bill_payment") and s.outcome == "ok"
            ]
            settled = {s.transfer_id: bank.wait_terminal(str(s.transfer_id)) for s in acknowledged}
            booked = [Decimal(bank.booked(f"ACC-000{n}")) for n in (1, 2, 3)]
        finally:
            stop(mobile)
    outcomes = Counter((s.journey, s.outcome) for s in samples)
    assert sum(n for (j, _), n in outcomes.items() if j != "login") >= 20
    assert outcomes["balance", "failed"] == outcomes["movements", "failed"] == 0
    assert outcomes["login", "ok"] == 3 and all(s.served for s in samples)
    writes = [s for s in samples if s.journey in ("transfer", "bill_payment")]
    assert acknowledged == writes and all(p["status"] == "ACSC" for p in settled.values())
    paid = sum(Decimal(str(s.amount)) for s in acknowledged)
    assert sum(booked) == Decimal("3000.00") - paid  # payees are paid through the scheme
