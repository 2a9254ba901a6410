"""The core-banking client as payments needs it: place, capture and release a hold.

Every write carries an idempotency key: with `retry_same_key` a retry reuses it (the core
answers the first result again), without it each attempt gets a new key (the fragile
setting, which can leave a second hold behind). Business refusals become typed errors.
This module must not decide a payment's status; `flow` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from targets.payments.dependency import Dependency, KeyForAttempt

SETTLEMENT_ACCOUNT = "CLEARING"


class LedgerRefusalError(Exception):
    """The core answered with a business refusal (4xx)."""

    def __init__(self, status_code: int, error: str, reason_code: str | None) -> None:
        super().__init__(f"core refused: {status_code} {error}")
        self.status_code = status_code
        self.error = error
        self.reason_code = reason_code


@dataclass(frozen=True)
class HoldRequest:
    account_id: str
    amount: str
    currency: str
    reference: str
    expires_in_s: float


class Ledger:
    """Holds on the debtor's account at the active core data centre."""

    def __init__(self, core: Dependency) -> None:
        self.core = core

    def hold_key(self, idempotency_key: str) -> KeyForAttempt:
        """Same key on every attempt when hardened, a fresh one per attempt when fragile."""
        same = self.core.profile.retry_same_key
        return lambda n: (
            f"hold-{idempotency_key}" if same or n == 1 else (f"hold-{idempotency_key}-retry{n}")
        )

    async def place_hold(self, request: HoldRequest, idempotency_key: str) -> str:
        """The new hold's id; LedgerRefusalError (e.g. AM04) when the core says no."""
        reply = await self.core.call(
            "POST",
            "/v1/holds",
            {
                "account_id": request.account_id,
                "amount": request.amount,
                "currency": request.currency,
                "reference": request.reference,
                "expires_in_s": request.expires_in_s,
            },
            key=self.hold_key(idempotency_key),
        )
        if reply.status_code not in (200, 201):
            raise _refusal(reply.status_code, reply.body)
        return str(reply.body["hold_id"])

    async def capture(self, hold_id: str, transfer_id: str) -> str:
        """Book the held amount to the settlement account; the journal id."""
        reply = await self.core.call(
            "POST",
            f"/v1/holds/{hold_id}/capture",
            {"credit_account": SETTLEMENT_ACCOUNT, "transfer_id": transfer_id},
        )
        if reply.status_code != 200:
            raise _refusal(reply.status_code, reply.body)
        return str(reply.body["journal_id"])

    async def release(self, hold_id: str) -> str:
        """Free the held funds; the hold's final status (RELEASED or EXPIRED)."""
        reply = await self.core.call("POST", f"/v1/holds/{hold_id}/release")
        if reply.status_code != 200:
            raise _refusal(reply.status_code, reply.body)
        return str(reply.body.get("status", "RELEASED"))

    async def export(self) -> dict[str, Any]:
        """The core's export (journals and holds) for reconciliation."""
        reply = await self.core.call("GET", "/internal/export")
        if reply.status_code != 200:
            raise _refusal(reply.status_code, reply.body)
        return reply.body


def _refusal(status_code: int, body: dict[str, Any]) -> LedgerRefusalError:
    return LedgerRefusalError(
        status_code, str(body.get("error", "refused")), body.get("reason_code")
    )
