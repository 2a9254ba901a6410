"""Payments under faults on the real proxies: a cut scheme answer, and a hung core.

The `timeout` toxic on the downstream of `payments-clearing` lets the pacs.008 reach the scheme
(which settles it) and then drops the answer and closes the connection after 500 ms.
"""

import time

import httpx
import pytest

from tests.targets.test_payments_bank import Bank, fragile_bank, hardened_bank, pay

__all__ = ["fragile_bank", "hardened_bank"]

CUT_ANSWER = {"timeout": 500}


@pytest.mark.integration
def test_hardened_cut_answer_settles_exactly_once(hardened_bank: Bank) -> None:
    """Hardened inquires (pacs.028), never resubmits: ACSC once at the scheme and in the ledger."""
    with hardened_bank.proxy.toxic("payments-clearing", "timeout", "downstream", CUT_ANSWER):
        answer = pay(hardened_bank, "cut-h", debtor_account="ACC-0001", end_to_end_id="E2E-CUT-H")
        assert answer.status_code == 202 and answer.json()["status"] == "ACSP"
        assert [m["status"] for m in hardened_bank.scheme_messages("E2E-CUT-H")] == ["ACSC"]
    payment = hardened_bank.wait_terminal(answer.json()["payment_id"])
    assert payment["status"] == "ACSC"
    messages = hardened_bank.scheme_messages("E2E-CUT-H")
    assert [(m["status"], m["duplicate"], m["receipts"]) for m in messages] == [("ACSC", False, 1)]
    assert len(hardened_bank.journals_for(payment["payment_id"])) == 1


@pytest.mark.integration
def test_fragile_cut_answer_is_settled_twice_at_the_scheme(fragile_bank: Bank) -> None:
    """Fragile resubmits blindly with new msg_ids: the scheme settles the e2e more than once."""
    with fragile_bank.proxy.toxic("payments-clearing", "timeout", "downstream", CUT_ANSWER):
        answer = pay(fragile_bank, "cut-f", debtor_account="ACC-0001", end_to_end_id="E2E-CUT-F")
    payment = fragile_bank.wait_terminal(answer.json()["payment_id"])
    messages = fragile_bank.scheme_messages("E2E-CUT-F")
    settled = [m for m in messages if m["status"] == "ACSC"]
    assert len(settled) >= 2 and any(m["duplicate"] for m in settled)
    assert len({m["msg_id"] for m in settled}) == len(settled)
    assert payment["status"] == "RJCT"  # the bank gave up and released the hold: money lost
    assert fragile_bank.journals_for(payment["payment_id"]) == []


@pytest.mark.integration
def test_hardened_core_outage_fails_fast(hardened_bank: Bank) -> None:
    """With the core hung, the breaker opens and payments answer 503 + Retry-After within 1 s."""
    with hardened_bank.proxy.toxic("payments-core", "timeout", "downstream", {"timeout": 0}):
        for attempt in range(4):  # trip the breaker: each waits at most the 3 s deadline
            pay(hardened_bank, f"outage-trip-{attempt}", debtor_account="ACC-0002")
            ready = httpx.get(f"{hardened_bank.payments}/health/ready", timeout=5).json()
            if ready["breakers"]["core"] == "open":
                break
        started = time.monotonic()
        answer = pay(hardened_bank, "outage-fast", debtor_account="ACC-0002")
        elapsed_s = time.monotonic() - started
    assert answer.status_code == 503 and answer.json()["error"] == "dependency_unavailable"
    assert int(answer.headers["Retry-After"]) >= 1
    assert elapsed_s < 1.0
    retry = pay(hardened_bank, "outage-fast", debtor_account="ACC-0002")
    assert retry.status_code != 409 and "Idempotent-Replayed" not in retry.headers  # key freed


@pytest.mark.integration
def test_fragile_core_outage_hangs_until_the_client_gives_up(fragile_bank: Bank) -> None:
    """Fragile has no timeout: the request hangs until the client's own 2 s timeout."""
    with fragile_bank.proxy.toxic("payments-core", "timeout", "downstream", {"timeout": 0}):
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):
            pay(fragile_bank, "outage-hang", debtor_account="ACC-0003", timeout_s=2.0)
        assert time.monotonic() - started >= 1.9
