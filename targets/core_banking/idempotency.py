"""Idempotency keys: the first successful answer to a key is stored with the work it did.

The key row is written in the same transaction as the journal or hold (so an effect and its
key cannot part), and it replicates with them, so a retry after failover replays the same
answer on the other DC. Only successful answers are stored: a refusal (insufficient funds,
unbalanced) has no business effect and a retry is judged afresh. The same key with another
body is a 422 `idempotency_key_reused`. This module must not decide business rules.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from targets.core_banking.refusals import RefusalError
from targets.core_banking.replog import Txn
from targets.inputs import ID_ALPHABET, is_valid_id

MAX_KEY_CHARS = 128
"""Longer than a customer's key (64): payments derives its keys from theirs (`hold-<key>`)."""


@dataclass(frozen=True)
class Outcome:
    """A write's answer: HTTP status and body, and the log seq whose shipping acknowledges it."""

    status_code: int
    body: dict[str, Any]
    seq: int


def require_key(key: str | None) -> str:
    """The Idempotency-Key header's value, or a 400 when it is missing or not an id."""
    if key is None or not key.strip():
        raise RefusalError(
            400, "idempotency_key_missing", "this write needs an Idempotency-Key header"
        )
    if not is_valid_id(key.strip(), MAX_KEY_CHARS):
        raise RefusalError(
            400,
            "idempotency_key_invalid",
            f"Idempotency-Key must be 1-{MAX_KEY_CHARS} of [{ID_ALPHABET}]",
        )
    return key.strip()


def replay(conn: sqlite3.Connection, scope: str, key: str, request_hash: str) -> Outcome | None:
    """The stored answer for `key`, None when it is new; 422 when it was used for another body."""
    row = conn.execute(
        "SELECT request_hash, status_code, response, seq FROM idempotency WHERE key = ?",
        (f"{scope}:{key}",),
    ).fetchone()
    if row is None:
        return None
    if row["request_hash"] != request_hash:
        raise RefusalError(
            422,
            "idempotency_key_reused",
            f"Idempotency-Key {key!r} was first used with a different {scope} body",
        )
    return Outcome(int(row["status_code"]), json.loads(row["response"]), int(row["seq"]))


def remember(txn: Txn, scope: str, key: str, request_hash: str, outcome: Outcome) -> None:
    """Store `outcome` as the answer to `key` inside the write's transaction."""
    txn.put(
        "idempotency",
        {
            "key": f"{scope}:{key}",
            "request_hash": request_hash,
            "status_code": outcome.status_code,
            "response": json.dumps(outcome.body),
            "seq": outcome.seq,
            "created_at": txn.now_s,
        },
    )
