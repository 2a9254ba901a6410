"""The public `/v1` routes of core-banking, as docs/bank-api.md specifies them.

Routes parse and validate the JSON body (400 on bad shape; ids from `targets.inputs`'s alphabet,
at most `MAX_POSTINGS` postings a journal), run the ledger operation on the
writer thread, then, for writes under sync replication, wait for the standby to confirm
before answering. Business rules live in ledger.py and holds.py; this module must not
touch SQLite directly.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from targets.core_banking import holds, ledger, queries
from targets.core_banking.amounts import check_currency, parse_cents
from targets.core_banking.idempotency import Outcome, require_key
from targets.core_banking.node import CoreNode
from targets.core_banking.refusals import RefusalError
from targets.core_banking.replication import Shipper
from targets.core_banking.replog import Txn
from targets.formats import fingerprint
from targets.inputs import ID_ALPHABET, MAX_ID_CHARS, is_valid_id
from targets.service import remaining_s

MAX_POSTINGS = 100


def require_open(request: Request) -> None:
    """503 `not_ready` until the ledger file is open."""
    if not getattr(request.app.state, "ready", False):
        raise RefusalError(
            503, "not_ready", "the ledger is not open yet", headers={"Retry-After": "1"}
        )


router = APIRouter(prefix="/v1", dependencies=[Depends(require_open)])


def core_of(request: Request) -> CoreNode:
    core: CoreNode = request.app.state.core
    return core


async def json_body(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise RefusalError(400, "invalid_json", "the body is not JSON") from None
    if not isinstance(body, dict):
        raise RefusalError(400, "invalid_json", "the body must be a JSON object")
    return body


def _text(body: dict[str, Any], name: str, required: bool = True) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value or len(value) > 200:
        raise RefusalError(400, "invalid_request", f"field {name!r} must be a non-empty string")
    return value


def _id(body: dict[str, Any], name: str, required: bool = True) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not is_valid_id(value):
        raise RefusalError(
            400, "invalid_request", f"field {name!r} must be 1-{MAX_ID_CHARS} of [{ID_ALPHABET}]"
        )
    return str(value)


def path_id(value: str, name: str) -> str:
    """A path parameter that is an id, or a 400 naming it."""
    if not is_valid_id(value):
        raise RefusalError(
            400, "invalid_request", f"{name} must be 1-{MAX_ID_CHARS} of [{ID_ALPHABET}]"
        )
    return value


async def commit_write(request: Request, op: Callable[[Txn], Outcome]) -> JSONResponse:
    if remaining_s(None) == 0.0:
        raise RefusalError(504, "deadline_exceeded", "the caller's X-Deadline has passed")
    outcome = await core_of(request).write(op)
    shipper: Shipper = request.app.state.shipper
    await shipper.confirm(outcome.seq)
    return JSONResponse(outcome.body, outcome.status_code)


@router.get("/accounts/{account_id}")
async def get_account(account_id: str, request: Request) -> dict[str, Any]:
    return await core_of(request).read(lambda conn: queries.account(conn, account_id))


@router.get("/customers/{customer_id}/accounts")
async def get_customer_accounts(customer_id: str, request: Request) -> dict[str, Any]:
    return await core_of(request).read(lambda conn: queries.customer_accounts(conn, customer_id))


@router.get("/accounts/{account_id}/balances")
async def get_balances(account_id: str, request: Request) -> dict[str, Any]:
    core = core_of(request)
    standing = core.current()
    return await core.read(lambda conn: queries.balances(conn, account_id, standing, time.time()))


@router.get("/accounts/{account_id}/transactions")
async def get_transactions(
    account_id: str, request: Request, limit: int = Query(50, ge=1, le=1000)
) -> dict[str, Any]:
    return await core_of(request).read(lambda conn: queries.transactions(conn, account_id, limit))


@router.post("/journals")
async def post_journal(request: Request) -> JSONResponse:
    key = require_key(request.headers.get("idempotency-key"))
    body = await json_body(request)
    raw_postings = body.get("postings")
    if not isinstance(raw_postings, list) or not 0 < len(raw_postings) <= MAX_POSTINGS:
        raise RefusalError(
            400, "invalid_request", f"field 'postings' must be a list of 1-{MAX_POSTINGS}"
        )
    legs = []
    for index, raw in enumerate(raw_postings):
        if not isinstance(raw, dict):
            raise RefusalError(400, "invalid_request", f"postings[{index}] must be an object")
        legs.append(
            ledger.Leg(
                str(_id(raw, "account_id")),
                parse_cents(raw.get("amount"), f"postings[{index}].amount"),
                check_currency(str(raw.get("currency", "PEN"))),
            )
        )
    journal = ledger.JournalRequest(
        _id(body, "journal_id", required=False),
        _id(body, "transfer_id", required=False),
        tuple(legs),
    )
    digest = fingerprint(body)
    return await commit_write(request, lambda txn: ledger.post_journal(txn, key, digest, journal))


@router.post("/journals/{journal_id}/reverse")
async def reverse_journal(journal_id: str, request: Request) -> JSONResponse:
    path_id(journal_id, "journal id")
    return await commit_write(request, lambda txn: ledger.reverse_journal(txn, journal_id))


@router.post("/holds")
async def post_hold(request: Request) -> JSONResponse:
    key = require_key(request.headers.get("idempotency-key"))
    body = await json_body(request)
    expires = body.get("expires_in_s", 30)
    if isinstance(expires, bool) or not isinstance(expires, int | float):
        raise RefusalError(400, "invalid_request", "field 'expires_in_s' must be a number")
    hold = holds.HoldRequest(
        str(_id(body, "account_id")),
        parse_cents(body.get("amount")),
        check_currency(str(body.get("currency", "PEN"))),
        _text(body, "reference", required=False),
        float(expires),
    )
    digest = fingerprint(body)
    return await commit_write(request, lambda txn: holds.place_hold(txn, key, digest, hold))


@router.post("/holds/{hold_id}/capture")
async def capture_hold(hold_id: str, request: Request) -> JSONResponse:
    path_id(hold_id, "hold id")
    body = await json_body(request)
    credit = str(_id(body, "credit_account"))
    transfer_id = _id(body, "transfer_id", required=False)
    return await commit_write(
        request, lambda txn: holds.capture_hold(txn, hold_id, credit, transfer_id)
    )


@router.post("/holds/{hold_id}/release")
async def release_hold(hold_id: str, request: Request) -> JSONResponse:
    path_id(hold_id, "hold id")
    return await commit_write(request, lambda txn: holds.release_hold(txn, hold_id))
