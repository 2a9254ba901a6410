"""Token-protected operator routes (`/admin/...`) and the DC-to-DC replication receiver.

Admin: promote, fence, replication status, consistency summary, full export, seed
(flags: the shared `targets.flags`).
Internal (`/internal/...`, the service credential of `targets.access`): the standby's side
of journal shipping, and the export payments reconciles against.
This module must not hold ledger rules; it calls ledger, queries, replog and the shipper.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import time
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from harness.limits import CUSTOMERS
from targets.access import require_admin
from targets.core_banking import ledger, queries, replog
from targets.core_banking.amounts import check_currency, parse_cents
from targets.core_banking.api import commit_write, core_of, json_body, require_open
from targets.core_banking.refusals import RefusalError
from targets.core_banking.replication import Shipper
from targets.core_banking.schema import Standing, last_seq, read_standing, write_standing

MAX_SEED_CUSTOMERS = int(CUSTOMERS.high)
"""The experiment schema allows no more (`harness.limits.CUSTOMERS`), so a run never asks more."""

router = APIRouter(dependencies=[Depends(require_admin), Depends(require_open)])


def require_standing(request: Request) -> None:
    """503 until the ledger file is open (the peer may call while we still handshake)."""
    core = getattr(request.app.state, "core", None)
    if core is None or core.standing is None:
        raise RefusalError(503, "not_ready", "the ledger is not open yet")


internal = APIRouter(dependencies=[Depends(require_standing)])


def _shipper(request: Request) -> Shipper:
    shipper: Shipper = request.app.state.shipper
    return shipper


def _standing_body(standing: Standing, seq: int) -> dict[str, Any]:
    return {"dc": standing.dc, "role": standing.role, "epoch": standing.epoch, "last_seq": seq}


async def _optional_epoch(request: Request) -> int | None:
    body = await json_body(request) if await request.body() else {}
    epoch = body.get("epoch")
    if epoch is not None and (isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 1):
        raise RefusalError(400, "invalid_request", "field 'epoch' must be a positive integer")
    return epoch


@router.post("/admin/promote")
async def promote(request: Request) -> dict[str, Any]:
    """Become primary at the given epoch, or at the highest epoch seen + 1."""
    wanted = await _optional_epoch(request)

    def _promote(conn: sqlite3.Connection) -> dict[str, Any]:
        conn.execute("BEGIN IMMEDIATE")
        try:
            standing = read_standing(conn)
            seen = conn.execute("SELECT COALESCE(MAX(epoch), 0) AS e FROM replog").fetchone()
            highest = max(standing.epoch, int(seen["e"]))
            if (
                wanted is not None
                and wanted <= highest
                and not (standing.role == "primary" and wanted == standing.epoch)
            ):
                raise RefusalError(
                    409,
                    "epoch_not_newer",
                    f"epoch {wanted} is not above {highest} already seen here",
                )
            epoch = wanted or (standing.epoch if standing.role == "primary" else highest + 1)
            promoted = Standing(standing.dc, "primary", epoch)
            write_standing(conn, promoted)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return _standing_body(promoted, last_seq(conn))

    answer = await core_of(request).with_writer(_promote)
    _shipper(request).forget_position()
    return answer


@router.post("/admin/fence")
async def fence(request: Request) -> dict[str, Any]:
    """Refuse writes from now on: become standby (at the given epoch if it is higher)."""
    wanted = await _optional_epoch(request)

    def _fence(conn: sqlite3.Connection) -> dict[str, Any]:
        conn.execute("BEGIN IMMEDIATE")
        standing = read_standing(conn)
        fenced = Standing(standing.dc, "standby", max(standing.epoch, wanted or 0))
        write_standing(conn, fenced)
        conn.execute("COMMIT")
        return _standing_body(fenced, last_seq(conn))

    answer = await core_of(request).with_writer(_fence)
    _shipper(request).forget_position()
    return answer


@router.get("/admin/replication")
async def replication_status(request: Request) -> dict[str, Any]:
    return dataclasses.asdict(await _shipper(request).status())


@router.get("/admin/consistency")
async def consistency(request: Request) -> dict[str, Any]:
    return await core_of(request).read(queries.consistency)


@router.get("/admin/export")
@internal.get("/internal/export")
async def export(request: Request) -> dict[str, Any]:
    core = core_of(request)
    standing = core.current()
    return await core.read(lambda conn: queries.export(conn, standing, time.time()))


@router.post("/admin/seed")
async def seed(request: Request) -> JSONResponse:
    """Open and fund the seeded customers' accounts (idempotent, replicated)."""
    body = await json_body(request)
    customers = body.get("customers")
    if (
        isinstance(customers, bool)
        or not isinstance(customers, int)
        or not (0 <= customers <= MAX_SEED_CUSTOMERS)
    ):
        raise RefusalError(
            400,
            "invalid_request",
            f"field 'customers' must be an integer in [0, {MAX_SEED_CUSTOMERS}]",
        )
    balance = parse_cents(body.get("balance", "1000.00"), "balance")
    currency = check_currency(str(body.get("currency", "PEN")))
    return await commit_write(request, lambda txn: ledger.seed(txn, customers, balance, currency))


@internal.get("/internal/replication/position")
async def position(request: Request) -> dict[str, Any]:
    core = core_of(request)
    seq = await core.read(last_seq)
    return _standing_body(core.current(), seq)


@internal.post("/internal/replication/entries")
async def receive_entries(request: Request) -> dict[str, Any]:
    """Apply shipped entries in order (standby side of journal shipping)."""
    body = await json_body(request)
    raw = body.get("entries")
    if not isinstance(raw, list):
        raise RefusalError(400, "invalid_entry", "field 'entries' must be a list")
    sender_epoch = body.get("epoch")
    if isinstance(sender_epoch, bool) or not isinstance(sender_epoch, int):
        raise RefusalError(400, "invalid_entry", "field 'epoch' (the sender's) must be an int")
    entries = [replog.Entry.from_json(item) for item in raw]
    fencing = _shipper(request).profile.fencing
    core = core_of(request)
    sender_last = body.get("last_seq")
    sender_last_seq = sender_last if isinstance(sender_last, int) else None
    held = await core.with_writer(
        lambda conn: replog.apply_entries(conn, entries, fencing, sender_epoch, sender_last_seq)
    )
    return _standing_body(core.current(), held)
