"""The replication log: every write transaction becomes one numbered entry of row images.

A write opens a `Txn` (BEGIN IMMEDIATE), stores rows through `Txn.put`, and `Txn.commit`
appends the entry `{seq, epoch, dc, rows}` in the same SQLite transaction, so the ledger and
its log can never disagree. A standby applies entries with `apply_entries`: in order, each
seq once, refusing a sender with an older epoch than its own when fencing is on. The log is
a transactional outbox; this module must not talk to the network.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import structlog

from targets.core_banking.refusals import RefusalError
from targets.core_banking.schema import (
    KEYS,
    TABLES,
    Standing,
    last_seq,
    read_standing,
    write_standing,
)

Row = dict[str, Any]

log = structlog.get_logger()


@dataclass(frozen=True)
class Entry:
    """One shipped unit: the rows one transaction wrote, tagged with its seq, epoch and DC."""

    seq: int
    epoch: int
    dc: str
    created_at_s: float
    rows: tuple[tuple[str, Row], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "epoch": self.epoch,
            "dc": self.dc,
            "created_at_s": self.created_at_s,
            "rows": [list(r) for r in self.rows],
        }

    @staticmethod
    def from_json(raw: Mapping[str, Any]) -> Entry:
        """Parse a shipped entry; unknown tables or columns are a 400."""
        try:
            rows = tuple((str(t), dict(r)) for t, r in raw["rows"])
            entry = Entry(
                int(raw["seq"]), int(raw["epoch"]), str(raw["dc"]), float(raw["created_at_s"]), rows
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise RefusalError(
                400, "invalid_entry", f"replication entry is malformed: {exc}"
            ) from None
        for table, row in entry.rows:
            if table not in TABLES or not set(row) <= set(TABLES[table]):
                raise RefusalError(
                    400, "invalid_entry", f"entry {entry.seq}: bad row for {table!r}"
                )
        return entry


def upsert(conn: sqlite3.Connection, table: str, row: Mapping[str, Any]) -> None:
    """Insert or replace one row of a replicated table."""
    columns = [c for c in TABLES[table] if c in row]
    marks = ", ".join("?" for _ in columns)
    conn.execute(
        f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}) VALUES ({marks})",
        [row[c] for c in columns],
    )


@dataclass
class Txn:
    """One write transaction on the primary; its rows become the entry numbered `seq`."""

    conn: sqlite3.Connection
    standing: Standing
    seq: int
    now_s: float
    images: dict[tuple[object, ...], tuple[str, Row]] = field(default_factory=dict)

    def put(self, table: str, row: Row) -> None:
        """Write a row; the entry keeps only the last image of each row."""
        upsert(self.conn, table, row)
        self.images[(table, *(row[k] for k in KEYS[table]))] = (table, row)

    def stamp(self) -> Row:
        """The epoch, dc and seq every journal, posting and hold carries."""
        return {"epoch": self.standing.epoch, "dc": self.standing.dc, "seq": self.seq}

    def entry(self) -> Entry:
        return Entry(
            self.seq, self.standing.epoch, self.standing.dc, self.now_s, tuple(self.images.values())
        )


def begin(conn: sqlite3.Connection) -> Txn:
    """BEGIN IMMEDIATE and allocate the next seq; the caller commits or rolls back."""
    conn.execute("BEGIN IMMEDIATE")
    return Txn(conn, read_standing(conn), last_seq(conn) + 1, time.time())


def commit(txn: Txn) -> Entry | None:
    """Append the entry (when rows were written) and COMMIT; returns the entry or None."""
    entry = txn.entry() if txn.images else None
    if entry is not None:
        _append(txn.conn, entry)
    txn.conn.execute("COMMIT")
    return entry


def _append(conn: sqlite3.Connection, entry: Entry) -> None:
    conn.execute(
        "INSERT INTO replog(seq, epoch, dc, created_at, rows) VALUES (?, ?, ?, ?, ?)",
        (entry.seq, entry.epoch, entry.dc, entry.created_at_s, json.dumps(entry.to_json()["rows"])),
    )


def entries_after(conn: sqlite3.Connection, seq: int, limit: int) -> list[Entry]:
    """Up to `limit` entries with a seq above `seq`, in order."""
    cursor = conn.execute(
        "SELECT seq, epoch, dc, created_at, rows FROM replog WHERE seq > ? ORDER BY seq LIMIT ?",
        (seq, limit),
    )
    return [
        Entry(
            r["seq"],
            r["epoch"],
            r["dc"],
            r["created_at"],
            tuple((t, row) for t, row in json.loads(r["rows"])),
        )
        for r in cursor
    ]


def entry_time_s(conn: sqlite3.Connection, seq: int) -> float | None:
    """When entry `seq` was written, or None when there is no such entry."""
    row = conn.execute("SELECT created_at FROM replog WHERE seq = ?", (seq,)).fetchone()
    return None if row is None else float(row["created_at"])


def apply_entries(
    conn: sqlite3.Connection,
    entries: Sequence[Entry],
    fencing: bool,
    sender_epoch: int,
    sender_last_seq: int | None = None,
) -> int:
    """Apply shipped entries on a standby, in one transaction; returns the last seq held here.

    With fencing, a sender whose epoch is below ours is refused (409 `stale_epoch`), and a
    primary that hears from a sender with a higher epoch steps down to standby at that epoch
    before applying (a newer primary exists). Otherwise a primary takes no entries (409
    `not_standby`). Entries at or below the local seq are skipped (replays). When this DC's
    log has diverged from the sender's (the local entry at a shipped seq has another epoch, or
    the local log runs past the sender's last seq: an old primary's unshipped tail), the
    admitted sender's history wins: this DC is rebuilt, i.e. its replicated tables and log are
    emptied and 0 is returned, so the shipper resends everything from seq 1 (as an operator
    re-seeds a standby from the primary). The tail it drops was never confirmed by the new
    primary, so with sync replication it was never acknowledged to anyone. A gap stops the
    batch; the shipper resends from the returned seq.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        standing = _admit_sender(conn, read_standing(conn), fencing, sender_epoch)
        ahead = sender_last_seq is not None and last_seq(conn) > sender_last_seq
        if ahead or _diverges(conn, entries):
            _wipe(conn, standing)
        held = _apply_in_order(conn, standing, entries)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return held


def _admit_sender(
    conn: sqlite3.Connection, standing: Standing, fencing: bool, sender_epoch: int
) -> Standing:
    where = {"dc": standing.dc, "role": standing.role, "epoch": standing.epoch}
    if fencing and sender_epoch < standing.epoch:
        raise RefusalError(
            409, "stale_epoch", f"sender epoch {sender_epoch} < {standing.epoch}", where
        )
    if standing.role != "primary":
        if sender_epoch <= standing.epoch:
            return standing
        adopted = Standing(standing.dc, "standby", sender_epoch)
        write_standing(conn, adopted)
        return adopted
    if fencing and sender_epoch > standing.epoch:
        stepped_down = Standing(standing.dc, "standby", sender_epoch)
        write_standing(conn, stepped_down)
        return stepped_down
    raise RefusalError(409, "not_standby", f"{standing.dc} is primary; it takes no entries", where)


def _apply_in_order(conn: sqlite3.Connection, standing: Standing, entries: Iterable[Entry]) -> int:
    held = last_seq(conn)
    epoch = standing.epoch
    for entry in entries:
        if entry.seq <= held:
            continue
        if entry.seq != held + 1:
            break
        for table, row in entry.rows:
            upsert(conn, table, row)
        _append(conn, entry)
        held = entry.seq
        epoch = max(epoch, entry.epoch)
    if epoch != standing.epoch:
        write_standing(conn, Standing(standing.dc, standing.role, epoch))
    return held


def _diverges(conn: sqlite3.Connection, entries: Iterable[Entry]) -> bool:
    """Whether a shipped entry this DC already holds carries another epoch here."""
    for entry in entries:
        row = conn.execute("SELECT epoch FROM replog WHERE seq = ?", (entry.seq,)).fetchone()
        if row is not None and int(row["epoch"]) != entry.epoch:
            return True
    return False


def _wipe(conn: sqlite3.Connection, standing: Standing) -> None:
    """Empty the replicated tables and the log (inside the caller's transaction)."""
    log.warning("standby_rebuild", dc=standing.dc, dropped_from_seq=1, held=last_seq(conn))
    for table in (*TABLES, "replog"):
        conn.execute(f"DELETE FROM {table}")
