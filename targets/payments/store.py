"""Durable state of the payments service in SQLite: payments and idempotency keys.

The key is claimed and the payment row created in ONE transaction, so a crash can never leave
a key without its payment; the first answer is stored with the key and replayed afterwards.
Everything survives a restart (WAL mode). Status changes go through `lifecycle`, and every
change is appended to the payment's history. This module does no HTTP and no waiting.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from targets.formats import format_cents, iso_utc
from targets.payments.lifecycle import check_transition

SCHEMA = """
CREATE TABLE IF NOT EXISTS payments (
    payment_id TEXT PRIMARY KEY, idempotency_key TEXT NOT NULL, end_to_end_id TEXT NOT NULL,
    debtor_account TEXT NOT NULL, creditor_account TEXT NOT NULL, amount_cents INTEGER NOT NULL,
    currency TEXT NOT NULL, scheme TEXT NOT NULL, remittance TEXT,
    status TEXT NOT NULL, reason_code TEXT, detail TEXT, hold_id TEXT, hold_state TEXT,
    journal_id TEXT,
    submissions INTEGER NOT NULL DEFAULT 0, history TEXT NOT NULL,
    created_at_s REAL NOT NULL, settle_by_s REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS idempotency_keys (
    key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, payment_id TEXT NOT NULL,
    status_code INTEGER, body TEXT, created_at_s REAL NOT NULL
);
"""


@dataclass(frozen=True)
class HistoryEntry:
    status: str
    at: str


@dataclass(frozen=True)
class Payment:
    """One customer payment; `settle_by_s` is the scheme deadline (epoch s)."""

    payment_id: str
    idempotency_key: str
    end_to_end_id: str
    debtor_account: str
    creditor_account: str
    amount_cents: int
    currency: str
    scheme: str
    remittance: str | None
    status: str
    created_at_s: float
    settle_by_s: float
    reason_code: str | None = None
    detail: str | None = None
    hold_id: str | None = None
    hold_state: str | None = None
    journal_id: str | None = None
    submissions: int = 0
    history: tuple[HistoryEntry, ...] = ()

    @property
    def amount(self) -> str:
        return format_cents(self.amount_cents)


@dataclass(frozen=True)
class Claim:
    """Outcome of claiming an idempotency key."""

    outcome: Literal["new", "in_flight", "mismatch", "replay"]
    payment_id: str
    status_code: int | None = None
    body: dict[str, Any] | None = None


class PaymentStore:
    """SQLite-backed payments and idempotency keys (one connection, one event loop)."""

    def __init__(self, path: Path | str, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    def claim(self, key: str, fingerprint: str, payment: Payment) -> Claim:
        """Claim `key` for `payment` (created RCVD), or say why it is taken."""
        now = self._clock()
        self._db.execute("BEGIN IMMEDIATE")
        try:
            row = self._db.execute(
                "SELECT fingerprint, payment_id, status_code, body FROM idempotency_keys "
                "WHERE key = ?",
                (key,),
            ).fetchone()
            if row is None:
                self._db.execute(
                    "INSERT INTO idempotency_keys (key, fingerprint, payment_id, created_at_s) "
                    "VALUES (?, ?, ?, ?)",
                    (key, fingerprint, payment.payment_id, now),
                )
                self._insert(
                    dataclasses.replace(
                        payment, history=(HistoryEntry(payment.status, iso_utc(now)),)
                    )
                )
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        if row is None:
            return Claim("new", payment.payment_id)
        if row["fingerprint"] != fingerprint:
            return Claim("mismatch", row["payment_id"])
        if row["status_code"] is None:
            return Claim("in_flight", row["payment_id"])
        return Claim("replay", row["payment_id"], row["status_code"], json.loads(row["body"]))

    def record_answer(
        self, key: str, payment_id: str, status_code: int, body: dict[str, Any]
    ) -> None:
        """Store the first answer given for `key` (still naming `payment_id`); replayed later."""
        self._db.execute(
            "UPDATE idempotency_keys SET status_code = ?, body = ? WHERE key = ? "
            "AND payment_id = ? AND status_code IS NULL",
            (status_code, json.dumps(body), key, payment_id),
        )

    def release_key(self, key: str, payment_id: str) -> None:
        """Forget `key` if it still names `payment_id` (refused before anything happened)."""
        self._db.execute(
            "DELETE FROM idempotency_keys WHERE key = ? AND payment_id = ?", (key, payment_id)
        )

    def unanswered_keys(self) -> list[tuple[str, str]]:
        """(key, payment_id) for keys whose first answer was never stored (crash mid-request)."""
        rows = self._db.execute(
            "SELECT key, payment_id FROM idempotency_keys WHERE status_code IS NULL"
        ).fetchall()
        return [(r["key"], r["payment_id"]) for r in rows]

    def get(self, payment_id: str) -> Payment | None:
        row = self._db.execute(
            "SELECT * FROM payments WHERE payment_id = ?", (payment_id,)
        ).fetchone()
        return None if row is None else _payment(row)

    def all(self) -> list[Payment]:
        rows = self._db.execute("SELECT * FROM payments ORDER BY created_at_s").fetchall()
        return [_payment(r) for r in rows]

    def unfinished(self) -> list[Payment]:
        """Payments still in process, or settled but not yet posted to the ledger."""
        rows = self._db.execute(
            "SELECT * FROM payments WHERE status IN ('RCVD', 'ACSP') "
            "OR (status = 'ACSC' AND journal_id IS NULL) "
            "OR (status = 'RJCT' AND hold_state = 'ACTIVE') ORDER BY created_at_s"
        ).fetchall()
        return [_payment(r) for r in rows]

    def transition(
        self,
        payment_id: str,
        status: str,
        reason_code: str | None = None,
        detail: str | None = None,
    ) -> Payment:
        """Move a payment to `status` (lifecycle-checked) and append it to the history."""
        current = self._require(payment_id)
        check_transition(current.status, status, reason_code)
        history = (*current.history, HistoryEntry(status, iso_utc(self._clock())))
        self._db.execute(
            "UPDATE payments SET status = ?, reason_code = ?, detail = ?, history = ? "
            "WHERE payment_id = ?",
            (status, reason_code, detail, _history_json(history), payment_id),
        )
        return self._require(payment_id)

    def update(self, payment_id: str, **fields: str | int | None) -> Payment:
        """Set hold_id, hold_state, journal_id or submissions."""
        allowed = {"hold_id", "hold_state", "journal_id", "submissions"}
        if not fields or not set(fields) <= allowed:
            raise ValueError(f"store.update: fields must be among {sorted(allowed)}")
        assignments = ", ".join(f"{name} = ?" for name in fields)
        self._db.execute(
            f"UPDATE payments SET {assignments} WHERE payment_id = ?",
            (*fields.values(), payment_id),
        )
        return self._require(payment_id)

    def _require(self, payment_id: str) -> Payment:
        payment = self.get(payment_id)
        if payment is None:
            raise KeyError(f"payment {payment_id} not found")
        return payment

    def _insert(self, p: Payment) -> None:
        self._db.execute(
            "INSERT INTO payments (payment_id, idempotency_key, end_to_end_id, debtor_account, "
            "creditor_account, amount_cents, currency, scheme, remittance, status, reason_code, "
            "detail, hold_id, hold_state, journal_id, submissions, history, created_at_s, "
            "settle_by_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                p.payment_id,
                p.idempotency_key,
                p.end_to_end_id,
                p.debtor_account,
                p.creditor_account,
                p.amount_cents,
                p.currency,
                p.scheme,
                p.remittance,
                p.status,
                p.reason_code,
                p.detail,
                p.hold_id,
                p.hold_state,
                p.journal_id,
                p.submissions,
                _history_json(p.history),
                p.created_at_s,
                p.settle_by_s,
            ),
        )


def _history_json(history: tuple[HistoryEntry, ...]) -> str:
    return json.dumps([dataclasses.asdict(h) for h in history])


def _payment(row: sqlite3.Row) -> Payment:
    values = dict(row)
    values["history"] = tuple(HistoryEntry(**h) for h in json.loads(values["history"]))
    return Payment(**values)
