"""The SQLite store: idempotency claims, replays, transitions and restart durability."""

from pathlib import Path

import pytest

from targets.payments.lifecycle import TransitionError
from targets.payments.store import Payment, PaymentStore


def payment(payment_id: str = "pay_1", key: str = "k1") -> Payment:
    return Payment(
        payment_id,
        key,
        "E2E-1",
        "ACC-0001",
        "ACC-0002",
        12000,
        "PEN",
        "PLIN",
        None,
        "RCVD",
        created_at_s=100.0,
        settle_by_s=105.0,
    )


def test_claim_new_in_flight_mismatch_replay(tmp_path: Path) -> None:
    """A key is new once; then in flight, a mismatch for another body, a replay once answered."""
    store = PaymentStore(tmp_path / "p.db", clock=lambda: 100.0)
    assert store.claim("k1", "fp-a", payment()).outcome == "new"
    assert store.claim("k1", "fp-a", payment("pay_2")).outcome == "in_flight"
    assert store.claim("k1", "fp-b", payment("pay_3")).outcome == "mismatch"
    store.record_answer("k1", "pay_1", 201, {"payment_id": "pay_1", "status": "ACSC"})
    store.record_answer("k1", "pay_1", 500, {"error": "later answers never overwrite"})
    replay = store.claim("k1", "fp-a", payment("pay_4"))
    assert (replay.outcome, replay.payment_id, replay.status_code) == ("replay", "pay_1", 201)
    assert replay.body == {"payment_id": "pay_1", "status": "ACSC"}
    assert [p.payment_id for p in store.all()] == ["pay_1"]


def test_state_survives_a_restart(tmp_path: Path) -> None:
    """Keys, answers and payments are read back by a new store on the same file."""
    first = PaymentStore(tmp_path / "p.db", clock=lambda: 100.0)
    first.claim("k1", "fp", payment())
    first.transition("pay_1", "ACSP")
    first.update("pay_1", hold_id="H1", submissions=1)
    first.close()
    second = PaymentStore(tmp_path / "p.db", clock=lambda: 101.0)
    again = second.get("pay_1")
    assert again is not None and (again.status, again.hold_id, again.submissions) == (
        "ACSP",
        "H1",
        1,
    )
    assert [h.status for h in again.history] == ["RCVD", "ACSP"]
    assert second.unanswered_keys() == [("k1", "pay_1")]
    assert [p.payment_id for p in second.unfinished()] == ["pay_1"]


def test_transitions_follow_the_lifecycle(tmp_path: Path) -> None:
    """The store refuses a forbidden transition and keeps the status it had."""
    store = PaymentStore(tmp_path / "p.db", clock=lambda: 100.0)
    store.claim("k1", "fp", payment())
    store.transition("pay_1", "ACSP")
    settled = store.transition("pay_1", "ACSC")
    assert settled.amount == "120.00"
    with pytest.raises(TransitionError):
        store.transition("pay_1", "RJCT", "NARR")
    assert store.unfinished()[0].journal_id is None
    store.update("pay_1", journal_id="J1")
    assert store.unfinished() == []


def test_released_key_can_be_claimed_again(tmp_path: Path) -> None:
    """A key released after a fail-fast refusal is free for the client's retry."""
    store = PaymentStore(tmp_path / "p.db", clock=lambda: 100.0)
    store.claim("k1", "fp", payment())
    store.release_key("k1", "pay_other")
    assert store.claim("k1", "fp", payment("pay_2")).outcome == "in_flight"
    store.release_key("k1", "pay_1")
    assert store.claim("k1", "fp", payment("pay_2")).outcome == "new"
    with pytest.raises(ValueError, match="fields must be among"):
        store.update("pay_2", status="ACSC")
