"""The payment flow against a scheme whose answers are lost for a long time (simulated clock).

The scheme settles the pacs.008 but every answer and inquiry is lost until `silent_for_s`
has passed. Hardened must keep the payment in process (never RJCT) and, once the scheme
answers again, settle it and capture the hold: turning silence into a reject is how a payment
ends "rejected, then effective" (a full-length retry-storm run caught it after 50 s).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from targets.payments.dependency import OutcomeUnknownError
from targets.payments.flow import FlowTiming, PaymentFlow
from targets.payments.interbank import CreditTransfer, SchemeStatus
from targets.payments.ledger import HoldRequest
from targets.payments.store import Payment, PaymentStore
from targets.profiles import PROFILES

START_S = 1_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now_s = START_S

    def __call__(self) -> float:
        return self.now_s

    async def sleep(self, seconds: float) -> None:
        self.now_s += seconds


class LostAnswersScheme:
    """Settles what it receives; answers nothing until the clock passes `answers_from_s`."""

    def __init__(self, clock: Clock, answers_from_s: float) -> None:
        self.clock, self.answers_from_s = clock, answers_from_s
        self.settled: list[str] = []

    async def submit(self, transfer: CreditTransfer) -> SchemeStatus:
        self.settled.append(transfer.end_to_end_id)
        raise OutcomeUnknownError("clearing", "answer lost")

    async def inquire(self, end_to_end_id: str) -> SchemeStatus:
        if self.clock() < self.answers_from_s:
            raise OutcomeUnknownError("clearing", "answer lost")
        return SchemeStatus(end_to_end_id, "ACSC", None)


class Ledger:
    def __init__(self) -> None:
        self.holds: dict[str, float] = {}
        self.captured: list[str] = []

    async def place_hold(self, request: HoldRequest, idempotency_key: str) -> str:
        self.holds["H-1"] = request.expires_in_s
        return "H-1"

    async def capture(self, hold_id: str, transfer_id: str) -> str:
        self.captured.append(hold_id)
        return "J-1"

    async def release(self, hold_id: str) -> str:
        return "RELEASED"


@pytest.mark.parametrize("silent_for_s", [10.0, 100.0, 600.0])
def test_hardened_waits_out_a_silent_scheme_and_settles_once(
    tmp_path: Path, silent_for_s: float
) -> None:
    clock = Clock()
    store = PaymentStore(tmp_path / "payments.sqlite", clock)
    profile = PROFILES["hardened"]
    payment = Payment(
        payment_id="pay_1",
        idempotency_key="k1",
        end_to_end_id="E2E-1",
        debtor_account="ACC-0001",
        creditor_account="OTHERBANK-1",
        amount_cents=1000,
        currency="PEN",
        scheme="PLIN",
        remittance=None,
        status="RCVD",
        created_at_s=START_S,
        settle_by_s=START_S + profile.clearing_deadline_s,
    )
    store.claim("k1", "fingerprint", payment)
    scheme = LostAnswersScheme(clock, START_S + silent_for_s)
    ledger = Ledger()
    timing = FlowTiming()
    flow = PaymentFlow(
        store, ledger, scheme, profile, clock=clock, timing=timing, sleep=clock.sleep
    )
    final = asyncio.run(flow.run("pay_1"))
    store.close()
    assert (final.status, final.hold_state, final.journal_id) == ("ACSC", "CAPTURED", "J-1")
    assert scheme.settled == ["E2E-1"], "never resubmitted"
    assert ledger.captured == ["H-1"]
    assert ledger.holds["H-1"] >= timing.silent_scheme_limit_s + timing.posting_window_s
    assert [h.status for h in final.history] == ["RCVD", "ACSP", "ACSC"]
