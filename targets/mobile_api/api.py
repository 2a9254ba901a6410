"""Customer routes for accounts, balances, movements and transfers (`/v1/...`, bearer token).

A customer sees only its own accounts and transfers: anything else is 403 `forbidden`, the same
answer whether or not the other account or transfer exists. Balances are read live from
core-banking; with `balance_cache` (hardened) a failed read falls back to the last good balance,
labelled stale and read-only. Transfers go to payments with the customer's `Idempotency-Key`
forwarded unchanged. Ids (accounts, transfer ids in the path, the Idempotency-Key) must be
`targets.inputs` ids, checked before any of them is put into an upstream URL or body; amounts
are ASCII digits, at most `formats.MAX_AMOUNT_CENTS`. Answers never carry an upstream's address
or error text.

This module must not hold state of its own (see `state.py`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Response
from pydantic import BaseModel, Field

from targets.inputs import ID_ALPHABET, ID_PATTERN, MAX_ID_CHARS, is_valid_id
from targets.mobile_api.balances import MalformedBalanceError, balance_from_core, balance_view
from targets.mobile_api.errors import ApiError, unavailable
from targets.mobile_api.state import Customer, MobileState, State, customer_request
from targets.mobile_api.upstream import DependencyError

router = APIRouter(prefix="/v1", dependencies=[Depends(customer_request)])

AMOUNT_PATTERN = r"^[0-9]{1,10}\.[0-9]{2}$"
"""ASCII digits only (pydantic's `\\d` would take any script's), at most 9999999999.99."""
MOVEMENT_FIELDS = ("journal_id", "transfer_id", "amount", "currency", "booked_at")
PASSED_THROUGH = {400, 409, 422}


class TransferBody(BaseModel):
    from_account: str = Field(pattern=ID_PATTERN)
    creditor_account: str = Field(pattern=ID_PATTERN)
    amount: str = Field(pattern=AMOUNT_PATTERN)
    currency: str = Field(default="PEN", pattern=r"^[A-Z]{3}$")
    kind: Literal["transfer", "bill"] = "transfer"


def _forbidden() -> ApiError:
    return ApiError(403, "forbidden", "this resource does not belong to the signed-in customer")


def _require_id(value: str, code: str, what: str) -> str:
    if not is_valid_id(value):
        raise ApiError(400, code, f"{what} must be 1-{MAX_ID_CHARS} of [{ID_ALPHABET}]")
    return value


def _down(state: MobileState, component: str) -> ApiError:
    code = component.replace("-", "_") + "_unavailable"
    detail = f"{component} cannot be reached right now"
    return unavailable(code, detail, state.profile.retry_after_s)


async def customer_accounts(state: MobileState, customer_id: str) -> tuple[tuple[str, str], ...]:
    """The customer's (account id, currency) pairs: cached, else read from core-banking."""
    cached = state.accounts.get(customer_id)
    if cached is not None:
        return cached
    try:
        response = await state.core.request("GET", f"/v1/customers/{customer_id}/accounts")
    except DependencyError:
        raise _down(state, "core-banking") from None
    if response.status_code == 404:
        return ()
    if response.status_code != 200:
        raise _down(state, "core-banking")
    accounts = tuple(
        (str(a["account_id"]), str(a.get("currency", "PEN")))
        for a in response.json().get("accounts", [])
    )
    state.accounts[customer_id] = accounts
    return accounts


async def warm_balances(state: MobileState, customer_id: str) -> None:
    """Read a customer's balances once at login, so the read-only fallback has them.

    The app shows balances on its home screen right after login; keeping that first read is
    what lets a core outage a minute later still be answered (labelled stale) for customers
    who had not yet asked. Runs in the background; a failure just leaves the cache cold.
    """
    try:
        for account_id, _ in await customer_accounts(state, customer_id):
            response = await state.core.request("GET", f"/v1/accounts/{account_id}/balances")
            if response.status_code == 200:
                state.balances.remember(balance_from_core(response.json(), state.clock()))
    except (ApiError, DependencyError, MalformedBalanceError, ValueError):
        return


async def _require_owned(state: MobileState, customer_id: str, account_id: str) -> None:
    owned = await customer_accounts(state, customer_id)
    if account_id not in {a for a, _ in owned}:
        raise _forbidden()


@router.get("/me/accounts")
async def my_accounts(state: State, customer_id: Customer) -> dict[str, Any]:
    """The signed-in customer's accounts."""
    owned = await customer_accounts(state, customer_id)
    return {"accounts": [{"account_id": a, "currency": c} for a, c in owned]}


@router.get("/accounts/{account_id}/balance")
async def balance(account_id: str, state: State, customer_id: Customer) -> dict[str, object]:
    """Live balance; hardened falls back to the last good one, labelled stale and read-only."""
    _require_id(account_id, "invalid_account_id", "an account id")
    await _require_owned(state, customer_id, account_id)
    try:
        response = await state.core.request("GET", f"/v1/accounts/{account_id}/balances")
        if response.status_code == 200:
            live = balance_from_core(response.json(), state.clock())
            state.balances.remember(live)
            return balance_view(live, stale=False)
    except (DependencyError, MalformedBalanceError, ValueError):
        pass
    kept = state.balances.last_good(account_id) if state.profile.balance_cache else None
    if kept is None:
        raise _down(state, "core-banking")
    return balance_view(kept, stale=True)


@router.get("/accounts/{account_id}/movements")
async def movements(
    account_id: str,
    state: State,
    customer_id: Customer,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    """The account's latest movements, newest first."""
    _require_id(account_id, "invalid_account_id", "an account id")
    await _require_owned(state, customer_id, account_id)
    path = f"/v1/accounts/{account_id}/transactions?limit={limit}"
    try:
        response = await state.core.request("GET", path)
    except DependencyError:
        raise _down(state, "core-banking") from None
    if response.status_code != 200:
        raise _down(state, "core-banking")
    rows = response.json().get("transactions", [])
    return {"movements": [{k: row.get(k) for k in MOVEMENT_FIELDS} for row in rows]}


@router.post("/transfers", status_code=201)
async def submit_transfer(
    body: TransferBody,
    response: Response,
    state: State,
    customer_id: Customer,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> dict[str, object]:
    """Submit a transfer to payments; answers payments' decision (201 final, 202 pending)."""
    if not idempotency_key:
        raise ApiError(400, "idempotency_key_required", "send an Idempotency-Key header")
    _require_id(idempotency_key, "idempotency_key_invalid", "Idempotency-Key")
    await _require_owned(state, customer_id, body.from_account)
    payment = {
        "debtor_account": body.from_account,
        "creditor_account": body.creditor_account,
        "amount": body.amount,
        "currency": body.currency,
        "remittance": body.kind,
    }
    try:
        answer = await state.payments.request(
            "POST",
            "/v1/payments",
            json=payment,
            headers={"Idempotency-Key": idempotency_key},
            whole_budget=True,
        )
    except DependencyError as exc:
        raise _unsent_or_unknown(state, exc) from None
    response.status_code = answer.status_code
    return _transfer_answer(
        state,
        answer.status_code,
        answer.json() if answer.content else {},
        answer.headers.get("retry-after"),
    )


def _unsent_or_unknown(state: MobileState, exc: DependencyError) -> ApiError:
    if exc.reason in ("unreachable", "bulkhead_full", "circuit_open", "deadline_exceeded"):
        return _down(state, "payments")
    return ApiError(
        504,
        "transfer_outcome_unknown",
        "payments did not answer in time; retry with the same Idempotency-Key",
    )


def _transfer_answer(
    state: MobileState, status: int, body: Any, retry_after: str | None
) -> dict[str, object]:
    payload = body if isinstance(body, dict) else {}
    if status in (200, 201, 202):
        return {
            "transfer_id": payload.get("payment_id"),
            "status": payload.get("status"),
            "reason_code": payload.get("reason_code"),
        }
    if status in PASSED_THROUGH:
        code = str(payload.get("error", "transfer_refused"))
        raise ApiError(status, code, str(payload.get("detail", "payments refused the transfer")))
    if status == 503:
        wait = retry_after or str(state.profile.retry_after_s)
        code = str(payload.get("error", "payments_unavailable"))
        raise ApiError(503, code, "transfers cannot be taken right now", {"Retry-After": wait})
    raise ApiError(502, "payments_failed", "payments could not take the transfer")


@router.get("/transfers/{transfer_id}")
async def transfer_status(
    transfer_id: str, state: State, customer_id: Customer
) -> dict[str, object]:
    """A transfer's current status; 403 unless the customer's own account is its debtor."""
    _require_id(transfer_id, "invalid_transfer_id", "a transfer id")
    try:
        response = await state.payments.request("GET", f"/v1/payments/{transfer_id}")
    except DependencyError:
        raise _down(state, "payments") from None
    if response.status_code == 404:
        raise _forbidden()
    if response.status_code != 200:
        raise _down(state, "payments")
    payment = response.json()
    await _require_owned(state, customer_id, str(payment.get("debtor_account")))
    return {
        "transfer_id": payment.get("payment_id", transfer_id),
        "status": payment.get("status"),
        "reason_code": payment.get("reason_code"),
    }
