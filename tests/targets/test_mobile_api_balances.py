"""Unit tests for balance parsing and the last-good-balance cache."""

from __future__ import annotations

import pytest

from targets.mobile_api.balances import (
    BalanceCache,
    MalformedBalanceError,
    balance_from_core,
    balance_view,
)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now_s = 100.0

    def __call__(self) -> float:
        return self.now_s


def core_answer(booked: str = "1000.00", available: str = "990.00") -> dict[str, object]:
    return {
        "account_id": "ACC-0001",
        "currency": "PEN",
        "as_of": "2026-01-01T00:00:00Z",
        "version": 7,
        "source": "primary",
        "balances": [
            {"type": "interimBooked", "amount": booked},
            {"type": "interimAvailable", "amount": available},
        ],
    }


def test_core_balance_becomes_the_mobile_view() -> None:
    """Core's interimBooked/interimAvailable map to booked/available, live and not stale."""
    view = balance_view(balance_from_core(core_answer(), 100.0), stale=False)
    assert view == {
        "account_id": "ACC-0001",
        "available": "990.00",
        "booked": "1000.00",
        "currency": "PEN",
        "as_of": "2026-01-01T00:00:00Z",
        "stale": False,
        "mode": "live",
    }


def test_malformed_core_answer_is_refused() -> None:
    """A body without the two balance types raises MalformedBalanceError."""
    with pytest.raises(MalformedBalanceError):
        balance_from_core({"account_id": "ACC-0001", "balances": []}, 0.0)


def test_cache_serves_the_last_good_balance_until_too_stale() -> None:
    """The newest read is kept and served stale until max_staleness_s has passed."""
    clock = Clock()
    cache = BalanceCache(max_staleness_s=900, clock=clock)
    cache.remember(balance_from_core(core_answer("5.00"), 100.0))
    cache.remember(balance_from_core(core_answer("3.00"), 90.0))  # older read arriving late
    kept = cache.last_good("ACC-0001")
    assert kept is not None and kept.booked == "5.00"
    assert balance_view(kept, stale=True)["mode"] == "read_only"
    clock.now_s = 100.0 + 901
    assert cache.last_good("ACC-0001") is None
    assert cache.last_good("ACC-0002") is None
