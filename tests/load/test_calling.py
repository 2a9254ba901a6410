"""Unit tests of the calling model: who wants to call, and who calls after reading the page."""

from __future__ import annotations

import random

from harness.history.samples import Sample
from harness.load.calling import (
    CALL_IF_TOLD,
    CallingModel,
    CallWish,
    OpenIncident,
    decide_to_call,
    open_incidents,
)


def sample(journey: str, outcome: str, customer: str = "CUST-0001", served: bool = True) -> Sample:
    return Sample(0.0, journey, 0, 0.0, outcome, customer=customer, served=served)  # type: ignore[arg-type]


def test_three_failures_in_a_row_make_a_customer_want_to_call() -> None:
    model = CallingModel()
    for outcome in ("failed", "failed", "ok", "failed", "unknown"):
        model.observe(sample("balance", outcome))
    assert model.take("CUST-0001") is None  # the ok broke the first run
    model.observe(sample("transfer", "failed"))
    assert model.take("CUST-0001") == CallWish("outage", frozenset({"balances", "transfers_on_us"}))
    assert model.take("CUST-0001") is None  # on the phone now


def test_what_does_not_count() -> None:
    """Unserved demand, polls, the customer's own calls and page looks, another customer."""
    model = CallingModel()
    for s in (
        sample("balance", "failed", served=False),
        sample("transfer_status", "failed"),
        sample("contact", "failed"),
        sample("status_check", "failed"),
        sample("balance", "failed", customer=""),
        sample("balance", "failed", customer="CUST-0002"),
        sample("balance", "failed", customer="CUST-0002"),
    ):
        model.observe(s)
    assert model.take("CUST-0001") is None and model.take("CUST-0002") is None


def test_failures_while_on_the_phone_are_not_counted() -> None:
    model = CallingModel()
    model.forced_reset("CUST-0001")
    assert model.take("CUST-0001") == CallWish("reset", frozenset({"login"}))
    for _ in range(5):
        model.observe(sample("login", "failed"))
    model.hung_up("CUST-0001")
    assert model.take("CUST-0001") is None


def test_the_page_is_read_for_open_incidents() -> None:
    page = {
        "incidents": [
            {"kind": "availability", "status": "identified", "components": ["balances"]},
            {"kind": "security", "status": "resolved", "components": ["login"]},
            "junk",
        ]
    }
    assert open_incidents(page) == (OpenIncident("availability", frozenset({"balances"})),)
    assert open_incidents(None) == () and open_incidents({"incidents": "x"}) == ()


def test_a_customer_told_by_the_page_calls_less() -> None:
    """Told (an incident on what failed, on `app`, or a security one after a reset): it calls
    with probability 0.3 (seeded); not told (another component): it always calls."""
    outage = CallWish("outage", frozenset({"balances"}))
    reset = CallWish("reset", frozenset({"login"}))
    told = [
        (outage, OpenIncident("availability", frozenset({"balances"}))),
        (outage, OpenIncident("availability", frozenset({"app"}))),
        (reset, OpenIncident("security", frozenset())),
    ]
    rng = random.Random(12)
    for wish, incident in told:
        calls = sum(decide_to_call(wish, (incident,), rng) for _ in range(10_000))
        assert abs(calls / 10_000 - CALL_IF_TOLD) < 0.02
    elsewhere = OpenIncident("availability", frozenset({"bill_payments"}))
    assert all(decide_to_call(outage, (elsewhere,), rng) for _ in range(1000))
    assert all(decide_to_call(reset, (), rng) for _ in range(1000))
