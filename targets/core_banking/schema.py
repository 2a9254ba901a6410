"""The SQLite file of one data centre: tables, pragmas, and the DC's persisted role and epoch.

One file per DC, WAL mode. `synchronous=NORMAL` is durable against a process crash (kill -9):
a committed transaction is in the WAL before COMMIT returns; only an OS crash could lose the
last transactions, which is not a fault this harness injects. Role and epoch live in `meta` so
a restarted DC comes back as what it last was, whatever flags it is started with.
This module opens files and defines tables; it must not hold business rules.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Role = Literal["primary", "standby"]

TABLES: Mapping[str, tuple[str, ...]] = {
    "accounts": (
        "account_id",
        "customer_id",
        "kind",
        "currency",
        "status",
        "booked_cents",
        "version",
        "updated_at",
    ),
    "journals": (
        "journal_id",
        "transfer_id",
        "idempotency_key",
        "kind",
        "reverses",
        "epoch",
        "dc",
        "seq",
        "created_at",
    ),
    "postings": (
        "journal_id",
        "line",
        "account_id",
        "amount_cents",
        "currency",
        "epoch",
        "dc",
        "seq",
    ),
    "holds": (
        "hold_id",
        "account_id",
        "amount_cents",
        "currency",
        "reference",
        "status",
        "expires_at",
        "journal_id",
        "epoch",
        "dc",
        "seq",
        "created_at",
    ),
    "idempotency": ("key", "request_hash", "status_code", "response", "seq", "created_at"),
}
"""Replicated tables and their columns: the only rows a replication entry may carry."""

KEYS: Mapping[str, tuple[str, ...]] = {
    "accounts": ("account_id",),
    "journals": ("journal_id",),
    "postings": ("journal_id", "line"),
    "holds": ("hold_id",),
    "idempotency": ("key",),
}
"""Primary key columns of each replicated table."""

INTERNAL_ACCOUNTS = ("FUNDING", "CLEARING", "SUSPENSE")

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
    account_id TEXT PRIMARY KEY, customer_id TEXT, kind TEXT NOT NULL, currency TEXT NOT NULL,
    status TEXT NOT NULL, booked_cents INTEGER NOT NULL, version INTEGER NOT NULL,
    updated_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS accounts_customer ON accounts(customer_id);
CREATE TABLE IF NOT EXISTS journals (
    journal_id TEXT PRIMARY KEY, transfer_id TEXT, idempotency_key TEXT, kind TEXT NOT NULL,
    reverses TEXT, epoch INTEGER NOT NULL, dc TEXT NOT NULL, seq INTEGER NOT NULL,
    created_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS journals_reverses ON journals(reverses);
CREATE TABLE IF NOT EXISTS postings (
    journal_id TEXT NOT NULL, line INTEGER NOT NULL, account_id TEXT NOT NULL,
    amount_cents INTEGER NOT NULL, currency TEXT NOT NULL, epoch INTEGER NOT NULL,
    dc TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (journal_id, line));
CREATE INDEX IF NOT EXISTS postings_account ON postings(account_id, seq);
CREATE TABLE IF NOT EXISTS holds (
    hold_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, amount_cents INTEGER NOT NULL,
    currency TEXT NOT NULL, reference TEXT, status TEXT NOT NULL, expires_at REAL NOT NULL,
    journal_id TEXT, epoch INTEGER NOT NULL, dc TEXT NOT NULL, seq INTEGER NOT NULL,
    created_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS holds_account ON holds(account_id, status);
CREATE TABLE IF NOT EXISTS idempotency (
    key TEXT PRIMARY KEY, request_hash TEXT NOT NULL, status_code INTEGER NOT NULL,
    response TEXT NOT NULL, seq INTEGER NOT NULL, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS replog (
    seq INTEGER PRIMARY KEY, epoch INTEGER NOT NULL, dc TEXT NOT NULL,
    created_at REAL NOT NULL, rows TEXT NOT NULL);
"""


@dataclass(frozen=True)
class Standing:
    """What this DC is right now: its name, role and epoch (the fencing token)."""

    dc: str
    role: Role
    epoch: int


def connect(path: str) -> sqlite3.Connection:
    """A connection to the DC's file in WAL mode; transactions are managed explicitly."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=10.0, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=OFF")
    return conn


def initialise(conn: sqlite3.Connection, first: Standing, currency: str = "PEN") -> Standing:
    """Create tables; a new file takes `first` as its standing, an existing one keeps its own."""
    conn.executescript(_DDL)
    conn.execute("BEGIN IMMEDIATE")
    try:
        now = time.time()
        for name, value in (("dc", first.dc), ("role", first.role), ("epoch", str(first.epoch))):
            conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)", (name, value))
        for account_id in INTERNAL_ACCOUNTS:
            conn.execute(
                "INSERT OR IGNORE INTO accounts VALUES (?, NULL, 'internal', ?, 'ACTIVE', 0, 0, ?)",
                (account_id, currency, now),
            )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return read_standing(conn)


def read_standing(conn: sqlite3.Connection) -> Standing:
    """The persisted dc, role and epoch."""
    meta = {row["key"]: row["value"] for row in conn.execute("SELECT key, value FROM meta")}
    role: Role = "primary" if meta["role"] == "primary" else "standby"
    return Standing(dc=meta["dc"], role=role, epoch=int(meta["epoch"]))


def write_standing(conn: sqlite3.Connection, standing: Standing) -> None:
    """Persist role and epoch (inside the caller's transaction)."""
    conn.execute("UPDATE meta SET value = ? WHERE key = 'role'", (standing.role,))
    conn.execute("UPDATE meta SET value = ? WHERE key = 'epoch'", (str(standing.epoch),))


def last_seq(conn: sqlite3.Connection) -> int:
    """Highest journal-shipping sequence number written or applied here (0 when none)."""
    row = conn.execute("SELECT COALESCE(MAX(seq), 0) AS seq FROM replog").fetchone()
    return int(row["seq"])
