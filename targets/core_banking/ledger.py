"""The double-entry ledger: balanced journals, reversals and seeding, in integer cents.

Every function here runs inside a write `Txn` (BEGIN IMMEDIATE, opened by the caller) and
either writes and returns an `Outcome` or raises a `RefusalError` (the caller rolls back). Rules:
postings of a journal sum to zero per currency; a customer account's available balance
(booked minus active holds) never goes below zero (422 `insufficient_funds`, reason AM04);
internal accounts (FUNDING, CLEARING, SUSPENSE) may go negative. No booked balance (and no
account's sum of active holds) goes beyond +-`MAX_BALANCE_CENTS` (422 `balance_limit_exceeded`),
so every SQLite SUM over accounts, holds or one journal's postings stays inside 64 bits, however
many postings are made. Only the primary writes, and
only the primary replays a stored answer: a fenced DC must never confirm a write that the new
primary may lack.
This module must not do I/O beyond its SQLite transaction.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from targets.core_banking.amounts import check_currency
from targets.core_banking.idempotency import Outcome, remember, replay
from targets.core_banking.refusals import RefusalError
from targets.core_banking.replog import Txn
from targets.formats import format_cents

MAX_BALANCE_CENTS = 10**13
"""Bound of any one account's booked balance or held sum: 100000000000.00 either way. With at
most `admin.MAX_SEED_CUSTOMERS` (100000) customer accounts and 3 internal ones, the largest SUM
over all accounts is about 10**18 cents, under SQLite's 2**63 - 1 (about 9.2 * 10**18)."""


@dataclass(frozen=True)
class Leg:
    """One posting line: signed cents on one account."""

    account_id: str
    amount_cents: int
    currency: str


@dataclass(frozen=True)
class JournalRequest:
    journal_id: str | None
    transfer_id: str | None
    legs: tuple[Leg, ...]


def require_primary(txn: Txn, retry_after_s: int = 1) -> None:
    """503 `not_primary` unless this DC is the primary (checked inside the transaction)."""
    s = txn.standing
    if s.role != "primary":
        raise RefusalError(
            503,
            "not_primary",
            f"{s.dc} is {s.role} at epoch {s.epoch}; write refused",
            {"dc": s.dc, "role": s.role, "epoch": s.epoch},
            {"Retry-After": str(retry_after_s)},
        )


def account_row(conn: sqlite3.Connection, account_id: str) -> dict[str, Any]:
    """The account's row; 422 `unknown_account` when there is none."""
    row = conn.execute("SELECT * FROM accounts WHERE account_id = ?", (account_id,)).fetchone()
    if row is None:
        raise RefusalError(
            422,
            "unknown_account",
            f"account {account_id} does not exist",
            {"account_id": account_id},
        )
    return dict(row)


def held_cents(conn: sqlite3.Connection, account_id: str, now_s: float) -> int:
    """Sum of the account's holds that are active and not yet expired."""
    row = conn.execute(
        "SELECT COALESCE(SUM(amount_cents), 0) AS held FROM holds "
        "WHERE account_id = ? AND status = 'ACTIVE' AND expires_at > ?",
        (account_id, now_s),
    ).fetchone()
    return int(row["held"])


def insufficient(account_id: str) -> RefusalError:
    return RefusalError(
        422,
        "insufficient_funds",
        f"account {account_id} lacks available funds",
        {"reason_code": "AM04", "account_id": account_id},
    )


def check_balanced(legs: Sequence[Leg]) -> None:
    """422 `unbalanced_journal` unless there are >= 2 non-zero legs summing to 0 per currency."""
    if len(legs) < 2 or any(leg.amount_cents == 0 for leg in legs):
        raise RefusalError(422, "unbalanced_journal", "a journal needs >= 2 non-zero postings")
    totals: dict[str, int] = defaultdict(int)
    for leg in legs:
        totals[check_currency(leg.currency)] += leg.amount_cents
    off = {ccy: format_cents(total) for ccy, total in totals.items() if total}
    if off:
        raise RefusalError(422, "unbalanced_journal", f"postings do not sum to zero: {off}")


def beyond_limit(account_id: str) -> RefusalError:
    return RefusalError(
        422,
        "balance_limit_exceeded",
        f"account {account_id} would pass the bank's balance limit",
        {"account_id": account_id},
    )


def book(txn: Txn, journal: dict[str, Any], legs: Sequence[Leg]) -> None:
    """Write a journal and its postings, move booked balances, refuse any overdraft."""
    deltas: dict[str, int] = defaultdict(int)
    accounts = {leg.account_id: account_row(txn.conn, leg.account_id) for leg in legs}
    for leg in legs:
        if accounts[leg.account_id]["currency"] != leg.currency:
            raise RefusalError(
                422, "currency_mismatch", f"account {leg.account_id} is not in {leg.currency}"
            )
        deltas[leg.account_id] += leg.amount_cents
    for account_id, delta in deltas.items():
        account = accounts[account_id]
        booked = account["booked_cents"] + delta
        if abs(booked) > MAX_BALANCE_CENTS:
            raise beyond_limit(account_id)
        overdrawn = booked - held_cents(txn.conn, account_id, txn.now_s) < 0
        if account["kind"] == "customer" and delta < 0 and overdrawn:
            raise insufficient(account_id)
        txn.put(
            "accounts",
            {
                **account,
                "booked_cents": booked,
                "version": account["version"] + 1,
                "updated_at": txn.now_s,
            },
        )
    txn.put("journals", {**journal, **txn.stamp(), "created_at": txn.now_s})
    for line, leg in enumerate(legs):
        txn.put(
            "postings",
            {
                "journal_id": journal["journal_id"],
                "line": line,
                "account_id": leg.account_id,
                "amount_cents": leg.amount_cents,
                "currency": leg.currency,
                **txn.stamp(),
            },
        )


def post_journal(txn: Txn, key: str, request_hash: str, request: JournalRequest) -> Outcome:
    """POST /v1/journals: replay a known key, else book a balanced journal (201)."""
    require_primary(txn)
    earlier = replay(txn.conn, "journal", key, request_hash)
    if earlier is not None:
        return earlier
    check_balanced(request.legs)
    journal_id = request.journal_id or f"J-{secrets.token_hex(8)}"
    if txn.conn.execute("SELECT 1 FROM journals WHERE journal_id = ?", (journal_id,)).fetchone():
        raise RefusalError(
            409, "journal_exists", f"journal {journal_id} was posted under another key"
        )
    book(
        txn,
        {
            "journal_id": journal_id,
            "transfer_id": request.transfer_id,
            "idempotency_key": key,
            "kind": "transfer",
            "reverses": None,
        },
        request.legs,
    )
    outcome = Outcome(
        201,
        {
            "journal_id": journal_id,
            "status": "POSTED",
            "epoch": txn.standing.epoch,
            "dc": txn.standing.dc,
        },
        txn.seq,
    )
    remember(txn, "journal", key, request_hash, outcome)
    return outcome


def reverse_journal(txn: Txn, journal_id: str) -> Outcome:
    """POST /v1/journals/{id}/reverse: book the mirror journal once; again answers the same."""
    require_primary(txn)
    original = txn.conn.execute(
        "SELECT * FROM journals WHERE journal_id = ?", (journal_id,)
    ).fetchone()
    if original is None:
        raise RefusalError(404, "journal_not_found", f"journal {journal_id} does not exist")
    if original["kind"] == "reversal":
        raise RefusalError(409, "cannot_reverse_reversal", f"journal {journal_id} is a reversal")
    done = txn.conn.execute(
        "SELECT journal_id, seq FROM journals WHERE reverses = ?", (journal_id,)
    ).fetchone()
    if done is not None:
        return Outcome(201, _reversal_body(done["journal_id"], journal_id), int(done["seq"]))
    legs = [
        Leg(p["account_id"], -p["amount_cents"], p["currency"])
        for p in txn.conn.execute(
            "SELECT * FROM postings WHERE journal_id = ? ORDER BY line", (journal_id,)
        )
    ]
    reversal_id = f"REV-{journal_id}"
    book(
        txn,
        {
            "journal_id": reversal_id,
            "transfer_id": original["transfer_id"],
            "idempotency_key": f"reverse:{journal_id}",
            "kind": "reversal",
            "reverses": journal_id,
        },
        legs,
    )
    return Outcome(201, _reversal_body(reversal_id, journal_id), txn.seq)


def _reversal_body(reversal_id: str, journal_id: str) -> dict[str, Any]:
    return {"journal_id": reversal_id, "reverses": journal_id, "status": "POSTED"}


def seed(txn: Txn, customers: int, balance_cents: int, currency: str) -> Outcome:
    """POST /admin/seed: open ACC-0001..N for CUST-0001..N, funded from FUNDING, once each."""
    require_primary(txn)
    created = 0
    for number in range(1, customers + 1):
        account_id = f"ACC-{number:04d}"
        if txn.conn.execute(
            "SELECT 1 FROM accounts WHERE account_id = ?", (account_id,)
        ).fetchone():
            continue
        txn.put(
            "accounts",
            {
                "account_id": account_id,
                "customer_id": f"CUST-{number:04d}",
                "kind": "customer",
                "currency": currency,
                "status": "ACTIVE",
                "booked_cents": 0,
                "version": 0,
                "updated_at": txn.now_s,
            },
        )
        created += 1
        if balance_cents > 0:
            book(
                txn,
                {
                    "journal_id": f"SEED-{account_id}",
                    "transfer_id": f"seed-{account_id}",
                    "idempotency_key": f"seed:{account_id}",
                    "kind": "seed",
                    "reverses": None,
                },
                [
                    Leg("FUNDING", -balance_cents, currency),
                    Leg(account_id, balance_cents, currency),
                ],
            )
    return Outcome(
        200,
        {
            "customers": customers,
            "created": created,
            "balance": format_cents(balance_cents),
            "currency": currency,
        },
        txn.seq if created else txn.seq - 1,
    )
