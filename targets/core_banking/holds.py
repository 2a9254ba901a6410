"""Holds: funds reserved on a customer account, then captured into a journal or released.

A hold lowers the available balance (booked minus active holds) while it is ACTIVE and not
expired. Expiry needs no writer: a hold whose `expires_at` has passed simply stops counting,
and reads report it as EXPIRED, so the primary and the standby agree without a sweeper.
Capture books a journal (hold account -> credit account) and is idempotent per hold; release
is idempotent too. Holds replicate like journals, so a hold placed on dc-a can be captured
on dc-b after a failover. This module must not do I/O beyond its SQLite transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from targets.core_banking.idempotency import Outcome, remember, replay
from targets.core_banking.ledger import (
    MAX_BALANCE_CENTS,
    Leg,
    account_row,
    beyond_limit,
    book,
    held_cents,
    insufficient,
    require_primary,
)
from targets.core_banking.refusals import RefusalError
from targets.core_banking.replog import Txn
from targets.formats import format_cents

MAX_HOLD_S = 86_400.0


@dataclass(frozen=True)
class HoldRequest:
    account_id: str
    amount_cents: int
    currency: str
    reference: str | None
    expires_in_s: float


def effective_status(hold: dict[str, Any], now_s: float) -> str:
    """ACTIVE, CAPTURED, RELEASED, or EXPIRED for an active hold past its expiry."""
    if hold["status"] == "ACTIVE" and hold["expires_at"] <= now_s:
        return "EXPIRED"
    return str(hold["status"])


def hold_body(hold: dict[str, Any], now_s: float) -> dict[str, Any]:
    return {
        "hold_id": hold["hold_id"],
        "account_id": hold["account_id"],
        "amount": format_cents(hold["amount_cents"]),
        "currency": hold["currency"],
        "status": effective_status(hold, now_s),
        "reference": hold["reference"],
    }


def place_hold(txn: Txn, key: str, request_hash: str, request: HoldRequest) -> Outcome:
    """POST /v1/holds: reserve funds (201) or 422 `insufficient_funds` (AM04)."""
    require_primary(txn)
    earlier = replay(txn.conn, "hold", key, request_hash)
    if earlier is not None:
        return earlier
    if request.amount_cents <= 0:
        raise RefusalError(422, "invalid_amount", "a hold amount must be positive")
    if not 0 < request.expires_in_s <= MAX_HOLD_S:
        raise RefusalError(422, "invalid_expiry", f"expires_in_s must be in (0, {MAX_HOLD_S:.0f}]")
    account = account_row(txn.conn, request.account_id)
    if account["currency"] != request.currency:
        raise RefusalError(
            422, "currency_mismatch", f"account {request.account_id} is not in {request.currency}"
        )
    held = held_cents(txn.conn, request.account_id, txn.now_s)
    if held + request.amount_cents > MAX_BALANCE_CENTS:
        raise beyond_limit(request.account_id)
    if account["kind"] == "customer" and account["booked_cents"] - held < request.amount_cents:
        raise insufficient(request.account_id)
    hold = {
        "hold_id": f"H-{secrets.token_hex(8)}",
        "account_id": request.account_id,
        "amount_cents": request.amount_cents,
        "currency": request.currency,
        "reference": request.reference,
        "status": "ACTIVE",
        "expires_at": txn.now_s + request.expires_in_s,
        "journal_id": None,
        "created_at": txn.now_s,
        **txn.stamp(),
    }
    txn.put("holds", hold)
    _touch(txn, account)
    outcome = Outcome(201, hold_body(hold, txn.now_s), txn.seq)
    remember(txn, "hold", key, request_hash, outcome)
    return outcome


def capture_hold(txn: Txn, hold_id: str, credit_account: str, transfer_id: str | None) -> Outcome:
    """POST /v1/holds/{id}/capture: book the held amount to `credit_account`, once."""
    require_primary(txn)
    hold = _hold(txn, hold_id)
    status = effective_status(hold, txn.now_s)
    if status == "CAPTURED":
        return Outcome(200, _capture_body(hold), int(hold["seq"]))
    if status in ("RELEASED", "EXPIRED"):
        raise RefusalError(
            409,
            f"hold_{status.lower()}",
            f"hold {hold_id} is {status}",
            {"hold_id": hold_id, "status": status},
        )
    journal_id = f"J-{secrets.token_hex(8)}"
    captured = {**hold, "status": "CAPTURED", "journal_id": journal_id, **txn.stamp()}
    txn.put("holds", captured)
    book(
        txn,
        {
            "journal_id": journal_id,
            "transfer_id": transfer_id,
            "idempotency_key": f"capture:{hold_id}",
            "kind": "transfer",
            "reverses": None,
        },
        [
            Leg(hold["account_id"], -hold["amount_cents"], hold["currency"]),
            Leg(credit_account, hold["amount_cents"], hold["currency"]),
        ],
    )
    return Outcome(200, _capture_body(captured), txn.seq)


def release_hold(txn: Txn, hold_id: str) -> Outcome:
    """POST /v1/holds/{id}/release: free the funds; again answers the same; 409 if captured."""
    require_primary(txn)
    hold = _hold(txn, hold_id)
    status = effective_status(hold, txn.now_s)
    if status == "CAPTURED":
        raise RefusalError(
            409,
            "hold_captured",
            f"hold {hold_id} is CAPTURED",
            {"hold_id": hold_id, "status": status},
        )
    if status in ("RELEASED", "EXPIRED"):
        return Outcome(200, {"hold_id": hold_id, "status": status}, int(hold["seq"]))
    txn.put("holds", {**hold, "status": "RELEASED", **txn.stamp()})
    _touch(txn, account_row(txn.conn, hold["account_id"]))
    return Outcome(200, {"hold_id": hold_id, "status": "RELEASED"}, txn.seq)


def _hold(txn: Txn, hold_id: str) -> dict[str, Any]:
    row = txn.conn.execute("SELECT * FROM holds WHERE hold_id = ?", (hold_id,)).fetchone()
    if row is None:
        raise RefusalError(404, "hold_not_found", f"hold {hold_id} does not exist")
    return dict(row)


def _capture_body(hold: dict[str, Any]) -> dict[str, Any]:
    return {"hold_id": hold["hold_id"], "status": "CAPTURED", "journal_id": hold["journal_id"]}


def _touch(txn: Txn, account: dict[str, Any]) -> None:
    """Bump the account's version: its available balance changed."""
    txn.put("accounts", {**account, "version": account["version"] + 1, "updated_at": txn.now_s})
