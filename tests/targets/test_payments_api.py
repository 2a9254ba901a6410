"""Payments on a real bank: idempotency, settlement, rejection and reconciliation breaks."""

import asyncio

import httpx
import pytest

from tests.credentials import ADMIN, SERVICE
from tests.targets.test_payments_bank import Bank, hardened_bank, pay

__all__ = ["hardened_bank"]


@pytest.mark.integration
def test_idempotency_key_semantics(hardened_bank: Bank) -> None:
    """400 without a key, 422 reused with another body, replay of the first answer."""
    ready = httpx.get(f"{hardened_bank.payments}/health/ready", timeout=5).json()
    assert ready["breakers"] == {"core": "closed", "clearing": "closed"}
    missing = httpx.post(
        f"{hardened_bank.payments}/v1/payments", headers=SERVICE, json={}, timeout=5
    )
    assert missing.status_code == 400 and missing.json()["error"] == "idempotency_key_missing"
    first = pay(hardened_bank, "idem-1", debtor_account="ACC-0002")
    assert first.status_code == 201 and first.json()["status"] == "ACSC"
    replay = pay(hardened_bank, "idem-1", debtor_account="ACC-0002")
    assert (replay.status_code, replay.json()) == (201, first.json())
    assert replay.headers["Idempotent-Replayed"] == "true"
    reused = pay(hardened_bank, "idem-1", debtor_account="ACC-0002", amount="11.00")
    assert reused.status_code == 422 and reused.json()["error"] == "idempotency_key_reused"
    assert len(hardened_bank.journals_for(first.json()["payment_id"])) == 1


@pytest.mark.integration
def test_second_request_while_first_in_flight_is_409(hardened_bank: Bank) -> None:
    """While the first request waits on a slow scheme, the same key answers 409."""
    hardened_bank.configure_scheme(processing_ms=800)

    async def scenario() -> tuple[httpx.Response, httpx.Response]:
        async with httpx.AsyncClient(base_url=hardened_bank.payments, timeout=10) as client:
            body = {"debtor_account": "ACC-0002", "creditor_account": "X", "amount": "1.00"}
            headers = {**SERVICE, "Idempotency-Key": "idem-409"}
            first = asyncio.create_task(client.post("/v1/payments", json=body, headers=headers))
            for _ in range(200):  # until the key is claimed (the payment row exists)
                export = (await client.get("/admin/export", headers=ADMIN)).json()
                if any(p["idempotency_key"] == "idem-409" for p in export["payments"]):
                    break
                await asyncio.sleep(0.01)
            second = await client.post("/v1/payments", json=body, headers=headers)
            return await first, second

    try:
        first, second = asyncio.run(scenario())
    finally:
        hardened_bank.configure_scheme(processing_ms=50)
    assert second.status_code == 409 and second.json()["error"] == "idempotency_key_in_flight"
    assert first.status_code == 201 and first.json()["status"] == "ACSC"


@pytest.mark.integration
def test_happy_path_settles_and_debits_exactly_once(hardened_bank: Bank) -> None:
    """ACSC, one scheme message, one journal, the hold captured and the debtor debited once."""
    before = hardened_bank.booked("ACC-0003")
    answer = pay(
        hardened_bank,
        "happy-1",
        debtor_account="ACC-0003",
        amount="25.50",
        end_to_end_id="E2E-HAPPY-1",
    )
    assert answer.status_code == 201
    body = answer.json()
    assert (body["status"], body["end_to_end_id"]) == ("ACSC", "E2E-HAPPY-1")
    assert [m["status"] for m in hardened_bank.scheme_messages("E2E-HAPPY-1")] == ["ACSC"]
    assert len(hardened_bank.journals_for(body["payment_id"])) == 1
    assert float(before) - float(hardened_bank.booked("ACC-0003")) == pytest.approx(25.50)
    payment = httpx.get(
        f"{hardened_bank.payments}{body['status_url']}", headers=SERVICE, timeout=5
    ).json()
    assert [h["status"] for h in payment["history"]] == ["RCVD", "ACSP", "ACSC"]


@pytest.mark.integration
def test_scheme_reject_releases_hold_without_debit(hardened_bank: Bank) -> None:
    """RJCT AM04 from the scheme: hold released, no journal, balance unchanged."""
    before = hardened_bank.booked("ACC-0004")
    hardened_bank.configure_scheme(reject_rate=1.0)
    try:
        answer = pay(hardened_bank, "reject-1", debtor_account="ACC-0004")
    finally:
        hardened_bank.configure_scheme(reject_rate=0.0)
    body = answer.json()
    assert (answer.status_code, body["status"], body["reason_code"]) == (201, "RJCT", "AM04")
    holds = [
        h for h in hardened_bank.core_export()["holds"] if h["reference"] == body["payment_id"]
    ]
    assert [h["status"] for h in holds] == ["RELEASED"]
    assert hardened_bank.journals_for(body["payment_id"]) == []
    assert hardened_bank.booked("ACC-0004") == before


@pytest.mark.integration
def test_insufficient_funds_is_rjct_am04(hardened_bank: Bank) -> None:
    """A hold the core refuses for funds rejects the payment AM04 before the scheme sees it."""
    answer = pay(
        hardened_bank,
        "poor-1",
        debtor_account="ACC-0005",
        amount="5000.00",
        end_to_end_id="E2E-POOR",
    )
    assert (answer.json()["status"], answer.json()["reason_code"]) == ("RJCT", "AM04")
    assert hardened_bank.scheme_messages("E2E-POOR") == []


@pytest.mark.integration
def test_reconciliation_lists_constructed_breaks(hardened_bank: Bank) -> None:
    """A resubmitted settled payment, a scheme-settled reject and a posted reject are breaks."""
    settled = pay(
        hardened_bank, "rec-1", debtor_account="ACC-0006", end_to_end_id="E2E-REC-1"
    ).json()
    hardened_bank.configure_scheme(reject_rate=1.0)
    try:
        rejected = pay(
            hardened_bank, "rec-2", debtor_account="ACC-0006", end_to_end_id="E2E-REC-2"
        ).json()
        posted = pay(
            hardened_bank, "rec-3", debtor_account="ACC-0006", end_to_end_id="E2E-REC-3"
        ).json()
    finally:
        hardened_bank.configure_scheme(reject_rate=0.0)
    for msg_id, e2e in (("rogue-1", "E2E-REC-1"), ("rogue-2", "E2E-REC-2")):
        httpx.post(
            f"{hardened_bank.clearing}/v1/pacs008",
            headers=SERVICE,
            timeout=5,
            json={
                "msg_id": msg_id,
                "end_to_end_id": e2e,
                "debtor_account": "ACC-0006",
                "creditor": "OTHERBANK-77",
                "amount": "10.00",
            },
        ).raise_for_status()
    httpx.post(
        f"{hardened_bank.core}/v1/journals",
        headers={**SERVICE, "Idempotency-Key": "rogue-j"},
        timeout=5,
        json={
            "transfer_id": posted["payment_id"],
            "postings": [
                {"account_id": "ACC-0006", "amount": "-10.00", "currency": "PEN"},
                {"account_id": "CLEARING", "amount": "10.00", "currency": "PEN"},
            ],
        },
    ).raise_for_status()
    breaks = httpx.get(
        f"{hardened_bank.payments}/v1/reconciliation/breaks", headers=SERVICE, timeout=10
    ).json()
    found = {(b["kind"], b["payment_id"]) for b in breaks["breaks"]}
    assert found == {
        ("duplicate_at_scheme", settled["payment_id"]),
        ("settled_not_posted", rejected["payment_id"]),
        ("posted_but_rejected", posted["payment_id"]),
    }
