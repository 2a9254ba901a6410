"""The clearing-scheme client: pacs.008 credit transfers and pacs.028 status inquiries.

A pacs.008 is retried only when it certainly did not arrive (same msg_id, so the scheme would
dedupe anyway); when it may have arrived, the caller gets OutcomeUnknownError and decides
(inquire or resubmit). pacs.028 is a read and is retried freely.
This module must not decide a payment's status; `flow` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from targets.payments.dependency import Dependency


class SchemeProtocolError(Exception):
    """The scheme answered something that is not a status report."""


@dataclass(frozen=True)
class SchemeStatus:
    """A pacs.002-style status report: ACSP (pending), ACSC or RJCT with a reason."""

    end_to_end_id: str
    status: str
    reason_code: str | None


@dataclass(frozen=True)
class CreditTransfer:
    msg_id: str
    end_to_end_id: str
    debtor_account: str
    creditor: str
    amount: str
    currency: str
    expires_at_s: float


class Interbank:
    """The payments-clearing link."""

    def __init__(self, clearing: Dependency) -> None:
        self.clearing = clearing

    async def submit(self, transfer: CreditTransfer) -> SchemeStatus:
        """Send a pacs.008 and wait for the scheme's answer."""
        reply = await self.clearing.call(
            "POST",
            "/v1/pacs008",
            {
                "msg_id": transfer.msg_id,
                "end_to_end_id": transfer.end_to_end_id,
                "debtor_account": transfer.debtor_account,
                "creditor": transfer.creditor,
                "amount": transfer.amount,
                "currency": transfer.currency,
                "expires_at_s": transfer.expires_at_s,
            },
            retry_unknown=False,
        )
        return _status(reply.status_code, reply.body)

    async def inquire(self, end_to_end_id: str) -> SchemeStatus:
        """pacs.028: what the scheme knows about this end-to-end id now."""
        reply = await self.clearing.call("POST", "/v1/pacs028", {"end_to_end_id": end_to_end_id})
        return _status(reply.status_code, reply.body)

    async def export(self) -> dict[str, Any]:
        """The scheme's message log for reconciliation."""
        reply = await self.clearing.call("GET", "/internal/export")
        if reply.status_code != 200:
            raise SchemeProtocolError(f"clearing export answered {reply.status_code}")
        return reply.body


def _status(status_code: int, body: dict[str, Any]) -> SchemeStatus:
    status = body.get("status")
    if status_code != 200 or status not in ("ACSP", "ACSC", "RJCT"):
        raise SchemeProtocolError(f"clearing answered {status_code} {body.get('error', status)}")
    return SchemeStatus(str(body.get("end_to_end_id", "")), str(status), body.get("reason_code"))
