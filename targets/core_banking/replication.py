"""Journal shipping from the primary DC to the standby DC, and the rules that keep one writer.

Shipping: a background task on the primary reads log entries above the standby's confirmed
seq and POSTs them (in order, in batches) to `--replica-url` + `/internal/replication/entries`
(the `core-replication` proxy). With `replication=async` it ships every
`replication_interval_s`, and a write is acknowledged after its local commit, so a kill -9
of the primary loses the unshipped tail. With `replication=sync` every commit wakes the
shipper and the write waits (at most request_timeout_s, or the caller's deadline) until the
standby confirms its seq.

Sync write that the standby does not confirm: it is already committed locally (commit, then
ship). It is answered 503 `replication_unavailable`, i.e. NOT acknowledged: its outcome is
unknown to the client, exactly like a timeout. It stays in the log and is shipped as soon as
the standby answers, and a retry with the same Idempotency-Key replays the stored answer only
once the standby holds it. So every acknowledged write is on both DCs (no acknowledged write
is lost), while a write never acknowledged may or may not survive a failover.

Fencing (profile `fencing`): every entry carries the epoch of the primary that wrote it, and
every shipment carries the sender's epoch. A DC refuses a sender with a lower epoch than its
own (409 `stale_epoch`, with its epoch); a primary hearing from a sender with a higher epoch
steps down to standby at that epoch (a newer primary exists); a primary otherwise takes no
entries (409 `not_standby`). A primary that sees a higher epoch in such an answer fences
itself: it persists role=standby and that epoch and refuses writes (503 `not_primary`).
"Promote dc-b while dc-a is dead; dc-a restarts as primary of epoch 1" is closed three ways:
(1) before reporting ready, a primary asks the peer behind the link for its position and
fences itself if the peer's epoch is higher, or if the link leads back to itself (the
operator re-pointed `core-replication` at it: it is the standby now); (2) the new primary
ships to it (an empty shipment when there is nothing new) and it steps down on the higher
epoch; (3) with sync replication it acknowledges nothing the standby has not confirmed.
Every write re-reads role and epoch inside its transaction. Each shipment starts with the
entry the standby already holds and carries the primary's last seq, so a divergent tail (an
old primary's unshipped writes) is caught, never mixed in: the standby is rebuilt from the
primary's log (see `replog.apply_entries`), as an operator re-seeds a standby.
With fencing off none of this happens: two primaries can both take writes (split brain).
This module must not define ledger rules or HTTP routes of the public API.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from functools import partial
from typing import Any

import httpx
import structlog

from targets.access import Credentials
from targets.core_banking import replog
from targets.core_banking.node import CoreNode
from targets.core_banking.refusals import RefusalError
from targets.core_banking.schema import Standing, last_seq, write_standing
from targets.profiles import Profile
from targets.service import remaining_s

log = structlog.get_logger()

BATCH_ENTRIES = 500
DEFAULT_WAIT_S = 5.0


@dataclass(frozen=True)
class ReplicationStatus:
    dc: str
    role: str
    epoch: int
    mode: str
    lag_entries: int
    lag_s: float
    last_seq: int
    replicated_seq: int
    last_error: str | None


class Shipper:
    """Ships this DC's log to the peer while primary; confirms sync writes."""

    def __init__(
        self, node: CoreNode, profile: Profile, replica_url: str | None, credentials: Credentials
    ) -> None:
        self.node = node
        self.profile = profile
        self.replica_url = replica_url.rstrip("/") if replica_url else None
        self.replicated_seq: int | None = None
        self.last_error: str | None = None
        self._wake = asyncio.Event()
        self._progress = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None
        timeout = profile.request_timeout_s or DEFAULT_WAIT_S
        self._client = httpx.AsyncClient(
            timeout=timeout, headers=credentials.outbound(), trust_env=False
        )

    async def start(self) -> None:
        """Hook into commits, check the peer's epoch, and start the shipping loop."""
        loop = asyncio.get_running_loop()

        def _wake_on_commit(seq: int) -> None:
            loop.call_soon_threadsafe(self._wake.set)

        self.node.on_commit = _wake_on_commit
        await self.handshake()
        self._task = asyncio.create_task(self._run(), name="journal-shipper")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._client.aclose()

    def forget_position(self) -> None:
        """Ask the peer for its position before the next shipment (after a role change)."""
        self.replicated_seq = None
        self.last_error = None
        self._wake.set()

    async def handshake(self) -> None:
        """As primary, learn the peer's position; with fencing, step down if it outranks us.

        The peer outranks us when its epoch is higher, or when the replication link leads
        back to this very DC (the operator has pointed the standby link at us).
        """
        standing = self.node.current()
        if not (self.replica_url and standing.role == "primary"):
            return
        peer = await self._ask_position()
        if peer is None or not self.profile.fencing:
            return
        if int(peer["epoch"]) > standing.epoch or peer.get("dc") == standing.dc:
            await self.fence_self(int(peer["epoch"]))

    async def fence_self(self, epoch: int) -> None:
        """Persist role=standby at `epoch` (a higher epoch exists elsewhere)."""

        def _fence(conn: Any) -> None:
            conn.execute("BEGIN IMMEDIATE")
            standing = self.node.current()
            write_standing(conn, Standing(standing.dc, "standby", max(epoch, standing.epoch)))
            conn.execute("COMMIT")

        await self.node.with_writer(_fence)
        log.warning("fenced_by_newer_epoch", dc=self.node.current().dc, epoch=epoch)
        await self._notify()

    async def confirm(self, seq: int) -> None:
        """Return once the standby holds `seq` (sync mode); else 503 replication_unavailable."""
        if self.profile.replication != "sync" or self.replica_url is None or seq <= 0:
            return
        self._wake.set()
        wait_s = remaining_s(self.profile.request_timeout_s or DEFAULT_WAIT_S) or 0.0
        async with self._progress:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._progress.wait_for(
                        lambda: (
                            (self.replicated_seq or 0) >= seq
                            or self.node.current().role != "primary"
                        )
                    ),
                    wait_s,
                )
        if (self.replicated_seq or 0) >= seq:
            return
        standing = self.node.current()
        raise RefusalError(
            503,
            "replication_unavailable",
            f"committed on {standing.dc} but the standby did not confirm it; outcome "
            "unknown, retry with the same Idempotency-Key",
            {"dc": standing.dc, "seq": seq},
            {"Retry-After": str(self.profile.retry_after_s)},
        )

    async def status(self) -> ReplicationStatus:
        """Position and lag as GET /admin/replication reports them."""

        def _read(conn: Any) -> tuple[int, float | None]:
            last = last_seq(conn)
            oldest = replog.entry_time_s(conn, (self.replicated_seq or 0) + 1)
            return last, oldest

        last, oldest = await self.node.read(_read)
        standing = self.node.current()
        shipped = last if standing.role == "standby" else min(self.replicated_seq or 0, last)
        lag_s = 0.0 if oldest is None or shipped >= last else max(0.0, time.time() - oldest)
        return ReplicationStatus(
            standing.dc,
            standing.role,
            standing.epoch,
            self.profile.replication,
            last - shipped,
            round(lag_s, 3),
            last,
            shipped,
            self.last_error,
        )

    async def _notify(self) -> None:
        async with self._progress:
            self._progress.notify_all()

    async def _run(self) -> None:
        interval_s = self.profile.replication_interval_s
        while True:
            if self.profile.replication == "sync":
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), interval_s)
            else:
                await asyncio.sleep(interval_s)
            self._wake.clear()
            if self.replica_url and self.node.current().role == "primary":
                try:
                    await self.ship_pending()
                except Exception as exc:  # the loop must survive any single failure
                    self.last_error = f"shipping failed: {type(exc).__name__}: {exc}"
                    log.warning("shipping_failed", error=self.last_error)

    async def ship_pending(self) -> None:
        """Ship every entry the standby lacks, batch by batch, until caught up or refused."""
        while self.node.current().role == "primary":
            peer = None
            if self.replicated_seq is None:
                peer = await self._ask_position()
                if peer is None or self.replicated_seq is None:
                    return
            mine = await self.node.read(last_seq)
            after = min(self.replicated_seq or 0, mine)
            anchored = await self.node.read(
                partial(replog.entries_after, seq=max(0, after - 1), limit=BATCH_ENTRIES)
            )
            entries = [e for e in anchored if e.seq > after]
            standby_ahead = (self.replicated_seq or 0) > mine  # an old primary's tail
            if not entries and not standby_ahead:
                if peer is not None and self._outranks(peer):
                    await self._post([], mine)  # tells an older primary a newer epoch exists
                return
            held = await self._post(anchored, mine)  # the anchor proves a shared history
            if held is None:
                return
            self.replicated_seq = min(held, entries[-1].seq) if entries else held
            self.last_error = None
            await self._notify()
            if self.replicated_seq == after:
                return

    def _outranks(self, peer: dict[str, Any]) -> bool:
        """True when `peer` is another DC acting as primary at an older epoch than ours."""
        standing = self.node.current()
        return (
            peer.get("role") == "primary"
            and peer.get("dc") != standing.dc
            and int(peer["epoch"]) < standing.epoch
        )

    async def _ask_position(self) -> dict[str, Any] | None:
        """The peer's {dc, role, epoch, last_seq}; also moves the shipping cursor there.

        When the link leads back to this DC (not yet re-pointed after a failover) the cursor
        stays unknown, so shipping waits until the link reaches the other DC.
        """
        try:
            answer = await self._client.get(f"{self.replica_url}/internal/replication/position")
            answer.raise_for_status()
            peer = dict(answer.json())
            seq, _ = int(peer["last_seq"]), int(peer["epoch"])
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            self.last_error = f"standby position unknown: {type(exc).__name__}"
            return None
        if peer.get("dc") == self.node.current().dc:
            self.last_error = "the replication link leads back to this DC"
        else:
            self.replicated_seq = seq
        return peer

    async def _post(self, entries: list[replog.Entry], last: int) -> int | None:
        try:
            answer = await self._client.post(
                f"{self.replica_url}/internal/replication/entries",
                json={
                    "epoch": self.node.current().epoch,
                    "dc": self.node.current().dc,
                    "last_seq": last,
                    "entries": [e.to_json() for e in entries],
                },
            )
            body = answer.json()
        except (httpx.HTTPError, ValueError) as exc:
            self.last_error = f"standby unreachable: {type(exc).__name__}"
            return None
        if answer.status_code == 200:
            return int(body["last_seq"])
        await self._refused(answer.status_code, body)
        return None

    async def _refused(self, status_code: int, body: Any) -> None:
        error = body.get("error") if isinstance(body, dict) else None
        peer_epoch = int(body.get("epoch", 0)) if isinstance(body, dict) else 0
        self.last_error = f"standby refused entries: {status_code} {error}"
        self.replicated_seq = None
        if (
            self.profile.fencing
            and error in ("stale_epoch", "not_standby")
            and peer_epoch > self.node.current().epoch
        ):
            await self.fence_self(peer_epoch)
