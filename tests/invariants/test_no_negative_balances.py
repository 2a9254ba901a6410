"""I2: no customer account is negative; internal accounts may be."""

from harness.invariants import no_negative_balances
from tests.invariants.bank import Story


def test_funding_may_be_negative() -> None:
    """FUNDING is internal and negative after seeding: that is fine."""
    result = no_negative_balances.check(Story().state(), [])
    assert result.status == "ok", result.summary


def test_overdrawn_customer_fails() -> None:
    """A customer account driven below zero is listed with its balance."""
    story = Story(customers=2, balance_cents=1000)
    story.transfer("T1", 1, 2, 1500)
    result = no_negative_balances.check(story.state(), [])
    assert result.status == "failed"
    booked = result.violations[0]
    assert booked.kind == "negative_booked" and booked.ids == ("ACC-0001",)
    assert booked.first == "ACC-0001 booked -5.00"
