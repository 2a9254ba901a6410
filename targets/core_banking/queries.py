"""Read models over one DC's SQLite file: accounts, balances, transactions, export, consistency.

Pure reads (no transaction is written), safe on the primary and on the standby; the standby
labels its balances `source: "standby"`. This module must not write.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from typing import Any

from targets.core_banking.holds import effective_status, hold_body
from targets.core_banking.ledger import held_cents
from targets.core_banking.refusals import RefusalError
from targets.core_banking.schema import Standing
from targets.formats import format_cents, iso_utc


def _account(conn: sqlite3.Connection, account_id: str) -> sqlite3.Row:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM accounts WHERE account_id = ?", (account_id,)
    ).fetchone()
    if row is None:
        raise RefusalError(404, "account_not_found", f"account {account_id} does not exist")
    return row


def _account_body(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "account_id": row["account_id"],
        "customer_id": row["customer_id"],
        "kind": row["kind"],
        "currency": row["currency"],
        "status": row["status"],
    }


def account(conn: sqlite3.Connection, account_id: str) -> dict[str, Any]:
    """GET /v1/accounts/{id}."""
    return _account_body(_account(conn, account_id))


def customer_accounts(conn: sqlite3.Connection, customer_id: str) -> dict[str, Any]:
    """GET /v1/customers/{id}/accounts (an unknown customer has no accounts)."""
    rows = conn.execute(
        "SELECT * FROM accounts WHERE customer_id = ? ORDER BY account_id", (customer_id,)
    )
    return {"accounts": [_account_body(r) for r in rows]}


def balances(
    conn: sqlite3.Connection, account_id: str, standing: Standing, now_s: float
) -> dict[str, Any]:
    """GET /v1/accounts/{id}/balances: booked and available, with as_of, version, source."""
    row = _account(conn, account_id)
    available = row["booked_cents"] - held_cents(conn, account_id, now_s)
    return {
        "account_id": account_id,
        "currency": row["currency"],
        "balances": [
            {"type": "interimBooked", "amount": format_cents(row["booked_cents"])},
            {"type": "interimAvailable", "amount": format_cents(available)},
        ],
        "as_of": iso_utc(now_s),
        "version": row["version"],
        "source": standing.role,
    }


def transactions(conn: sqlite3.Connection, account_id: str, limit: int) -> dict[str, Any]:
    """GET /v1/accounts/{id}/transactions: this account's postings, newest first."""
    _account(conn, account_id)
    rows = conn.execute(
        "SELECT p.journal_id, j.transfer_id, p.amount_cents, p.currency, j.created_at, "
        "p.epoch, p.dc FROM postings p JOIN journals j USING (journal_id) "
        "WHERE p.account_id = ? ORDER BY p.seq DESC, p.line DESC LIMIT ?",
        (account_id, limit),
    )
    return {
        "transactions": [
            {
                "journal_id": r["journal_id"],
                "transfer_id": r["transfer_id"],
                "amount": format_cents(r["amount_cents"]),
                "currency": r["currency"],
                "booked_at": iso_utc(r["created_at"]),
                "epoch": r["epoch"],
                "dc": r["dc"],
            }
            for r in rows
        ]
    }


def export(conn: sqlite3.Connection, standing: Standing, now_s: float) -> dict[str, Any]:
    """GET /admin/export: every account, journal (with postings) and hold on this DC."""
    postings: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in conn.execute("SELECT * FROM postings ORDER BY seq, journal_id, line"):
        postings[p["journal_id"]].append(
            {
                "account_id": p["account_id"],
                "currency": p["currency"],
                "amount": format_cents(p["amount_cents"]),
            }
        )
    held: dict[str, int] = defaultdict(int)
    holds = [dict(h) for h in conn.execute("SELECT * FROM holds ORDER BY seq, hold_id")]
    for h in holds:
        if effective_status(h, now_s) == "ACTIVE":
            held[h["account_id"]] += h["amount_cents"]
    return {
        "dc": standing.dc,
        "role": standing.role,
        "epoch": standing.epoch,
        "accounts": [
            {
                **_account_body(a),
                "booked": format_cents(a["booked_cents"]),
                "available": format_cents(a["booked_cents"] - held[a["account_id"]]),
            }
            for a in conn.execute("SELECT * FROM accounts ORDER BY account_id")
        ],
        "journals": [
            {
                "journal_id": j["journal_id"],
                "transfer_id": j["transfer_id"],
                "idempotency_key": j["idempotency_key"],
                "kind": j["kind"],
                "reverses": j["reverses"],
                "epoch": j["epoch"],
                "dc": j["dc"],
                "seq": j["seq"],
                "created_at": iso_utc(j["created_at"]),
                "postings": postings[j["journal_id"]],
            }
            for j in conn.execute("SELECT * FROM journals ORDER BY seq, journal_id")
        ],
        "holds": [hold_body(h, now_s) for h in holds],
    }


def consistency(conn: sqlite3.Connection) -> dict[str, Any]:
    """GET /admin/consistency: money totals per currency, unbalanced journals, negatives."""
    totals = {
        r["currency"]: format_cents(r["total"])
        for r in conn.execute(
            "SELECT currency, SUM(booked_cents) AS total FROM accounts GROUP BY currency"
        )
    }
    unbalanced = [
        r["journal_id"]
        for r in conn.execute(
            "SELECT journal_id FROM postings GROUP BY journal_id, currency "
            "HAVING SUM(amount_cents) <> 0 ORDER BY journal_id"
        )
    ]
    negative = [
        {"account_id": r["account_id"], "booked": format_cents(r["booked_cents"])}
        for r in conn.execute(
            "SELECT account_id, booked_cents FROM accounts "
            "WHERE kind = 'customer' AND booked_cents < 0 ORDER BY account_id"
        )
    ]
    counts = conn.execute(
        "SELECT (SELECT COUNT(*) FROM accounts) AS accounts, "
        "(SELECT COUNT(*) FROM journals) AS journals"
    ).fetchone()
    return {
        "totals": totals,
        "unbalanced_journals": sorted(set(unbalanced)),
        "negative_balances": negative,
        "accounts": counts["accounts"],
        "journals": counts["journals"],
    }
