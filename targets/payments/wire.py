"""The payments API's wire shapes: the request body, answers, errors and exports.

Account ids and the end-to-end id must be `targets.inputs` ids, the scheme a word and the
currency three capitals; an amount is ASCII digits, positive, at most
`formats.MAX_AMOUNT_CENTS`. This module only converts between JSON and the store's dataclasses;
it decides nothing.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from targets import formats
from targets.inputs import ID_PATTERN
from targets.payments.reconciliation import Break
from targets.payments.store import Payment

MAX_AMOUNT_CENTS = formats.MAX_AMOUNT_CENTS
"""9999999999.99: ten integer digits."""


class PaymentBody(BaseModel):
    """POST /v1/payments."""

    debtor_account: str = Field(pattern=ID_PATTERN)
    creditor_account: str = Field(pattern=ID_PATTERN)
    amount: str = Field(min_length=1, max_length=16)
    currency: str = Field(default="PEN", pattern=r"^[A-Z]{3}$")
    scheme: str = Field(default="PLIN", pattern=r"^[A-Za-z0-9_-]{1,16}$")
    remittance: str | None = Field(default=None, max_length=140)
    end_to_end_id: str | None = Field(default=None, max_length=35, pattern=ID_PATTERN)


def amount_cents(text: str) -> int | None:
    """ "120.5" -> 12050; None unless a positive ASCII amount (at most 10 digits, 2 decimals)."""
    try:
        cents = formats.parse_cents(text)
    except ValueError:
        return None
    return cents if 0 < cents <= MAX_AMOUNT_CENTS else None


def error(status_code: int, code: str, detail: str, **extra: Any) -> JSONResponse:
    """The contract's error shape."""
    headers = {}
    if "retry_after_s" in extra:
        headers["Retry-After"] = str(max(1, round(float(extra.pop("retry_after_s")))))
    return JSONResponse({"error": code, "detail": detail, **extra}, status_code, headers=headers)


def submit_answer(p: Payment) -> dict[str, Any]:
    """Answer of POST /v1/payments (ACSP while not terminal)."""
    terminal = p.status in ("ACSC", "RJCT")
    return {
        "payment_id": p.payment_id,
        "end_to_end_id": p.end_to_end_id,
        "status": p.status if terminal else "ACSP",
        "reason_code": p.reason_code if terminal else None,
        "status_url": f"/v1/payments/{p.payment_id}",
    }


def payment_view(p: Payment) -> dict[str, Any]:
    """GET /v1/payments/{id}."""
    return {
        "payment_id": p.payment_id,
        "status": p.status,
        "reason_code": p.reason_code,
        "detail": p.detail,
        "amount": p.amount,
        "currency": p.currency,
        "debtor_account": p.debtor_account,
        "creditor_account": p.creditor_account,
        "end_to_end_id": p.end_to_end_id,
        "history": [{"status": h.status, "at": h.at} for h in p.history],
    }


def payment_export(p: Payment) -> dict[str, Any]:
    """One row of GET /admin/export."""
    return {
        **payment_view(p),
        "idempotency_key": p.idempotency_key,
        "scheme": p.scheme,
        "hold_id": p.hold_id,
        "hold_state": p.hold_state,
        "journal_id": p.journal_id,
        "submissions": p.submissions,
        "created_at_s": p.created_at_s,
        "settle_by_s": p.settle_by_s,
    }


def break_view(b: Break) -> dict[str, str]:
    return {
        "kind": b.kind,
        "payment_id": b.payment_id,
        "end_to_end_id": b.end_to_end_id,
        "detail": b.detail,
    }
