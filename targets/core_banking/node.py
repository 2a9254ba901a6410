"""One data centre's ledger process state: its SQLite file, its standing and its threads.

Threading choice: SQLite calls block, so they never run on the event loop. All writes go
through ONE writer thread (a single-worker executor): SQLite allows one writer at a time
anyway, so a single thread removes lock contention and SQLITE_BUSY retries while BEGIN
IMMEDIATE still makes each write atomic against any other process on the file. Reads run
on a small pool of reader threads, each with its own connection (WAL lets them read while
the writer writes). Async routes await these executors, which keeps the sync-replication
wait (an asyncio condition) on the loop without holding a thread per waiting request.
This module must not know HTTP routes or replication transport.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from targets.core_banking import replog
from targets.core_banking.idempotency import Outcome
from targets.core_banking.schema import Standing, connect, initialise, read_standing

T = TypeVar("T")

READER_THREADS = 4


@dataclass(frozen=True)
class NodeConfig:
    """Flags of one core-banking process."""

    dc: str
    role: str
    epoch: int
    db_path: str


class CoreNode:
    """The DC's database, its cached standing, and the writer/reader executors."""

    def __init__(self, config: NodeConfig) -> None:
        self.config = config
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger-writer")
        self._readers = ThreadPoolExecutor(
            max_workers=READER_THREADS, thread_name_prefix="ledger-reader"
        )
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._write_conn: sqlite3.Connection | None = None
        self.standing: Standing | None = None
        self.on_commit: Callable[[int], None] = lambda seq: None

    async def open(self) -> Standing:
        """Open (or create) the file and load the persisted standing."""
        first = Standing(
            self.config.dc,
            "primary" if self.config.role == "primary" else "standby",
            self.config.epoch,
        )

        def _open(conn: sqlite3.Connection) -> Standing:
            return initialise(conn, first)

        self.standing = await self.with_writer(_open)
        return self.standing

    async def close(self) -> None:
        """Stop the threads and close every connection."""
        self._writer.shutdown(wait=True)
        self._readers.shutdown(wait=True)
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.config.db_path)
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    async def with_writer(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn` on the writer thread's connection; the standing is refreshed after it."""

        def _run() -> T:
            conn = self._connection()
            try:
                return fn(conn)
            finally:
                if not conn.in_transaction:
                    self.standing = read_standing(conn)

        return await asyncio.get_running_loop().run_in_executor(self._writer, _run)

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn` on a reader thread's connection."""
        return await asyncio.get_running_loop().run_in_executor(
            self._readers, lambda: fn(self._connection())
        )

    async def write(self, op: Callable[[replog.Txn], Outcome]) -> Outcome:
        """Run one ledger operation in its own BEGIN IMMEDIATE transaction and log entry."""

        def _transact(conn: sqlite3.Connection) -> Outcome:
            txn = replog.begin(conn)
            try:
                outcome = op(txn)
                entry = replog.commit(txn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            if entry is not None:
                self.on_commit(entry.seq)
            return outcome

        return await self.with_writer(_transact)

    def current(self) -> Standing:
        """The standing as of the last write-thread call (the node must be open)."""
        if self.standing is None:
            raise RuntimeError("core node is not open")
        return self.standing
