"""Balances as customers see them: parsed from core-banking, and the last good one per account.

With `balance_cache` on (hardened), a balance that cannot be read live is served from the last
good read of that account, no older than `balance_cache_max_staleness_s`, labelled
`stale: true, mode: "read_only"` with the `as_of` of that read. Fragile never falls back.

This module does no I/O (the live read is in `api.py`); the clock is passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


class MalformedBalanceError(ValueError):
    """core-banking answered a balance read with a body this module cannot read."""


@dataclass(frozen=True)
class Balance:
    """One account's balance as core-banking reported it, with when it was read here."""

    account_id: str
    available: str
    booked: str
    currency: str
    as_of: str
    read_at_s: float


def balance_from_core(body: Mapping[str, Any], read_at_s: float) -> Balance:
    """Parse core's `GET /v1/accounts/{id}/balances` answer; raises MalformedBalanceError."""
    try:
        amounts = {str(b["type"]): str(b["amount"]) for b in body["balances"]}
        return Balance(
            account_id=str(body["account_id"]),
            available=amounts["interimAvailable"],
            booked=amounts["interimBooked"],
            currency=str(body["currency"]),
            as_of=str(body["as_of"]),
            read_at_s=read_at_s,
        )
    except (KeyError, TypeError) as exc:
        raise MalformedBalanceError(f"core balance answer lacks {exc}") from None


def balance_view(balance: Balance, *, stale: bool) -> dict[str, object]:
    """The mobile API's balance answer for `balance`."""
    return {
        "account_id": balance.account_id,
        "available": balance.available,
        "booked": balance.booked,
        "currency": balance.currency,
        "as_of": balance.as_of,
        "stale": stale,
        "mode": "read_only" if stale else "live",
    }


class BalanceCache:
    """The last good balance per account, served while not older than `max_staleness_s`."""

    def __init__(self, max_staleness_s: float, clock: Callable[[], float]) -> None:
        self.max_staleness_s = max_staleness_s
        self._clock = clock
        self._last: dict[str, Balance] = {}

    def remember(self, balance: Balance) -> None:
        """Keep `balance` unless a later read of the same account is already kept."""
        kept = self._last.get(balance.account_id)
        if kept is None or kept.read_at_s <= balance.read_at_s:
            self._last[balance.account_id] = balance

    def last_good(self, account_id: str) -> Balance | None:
        """The kept balance of `account_id` if it is still fresh enough to show."""
        kept = self._last.get(account_id)
        if kept is None or self._clock() - kept.read_at_s > self.max_staleness_s:
            return None
        return kept
