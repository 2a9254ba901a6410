"""I10-I12 on hand-made histories: old tokens refused, weak passwords refused, no customer
moving another's money. Each passes on a bank that holds it, fails with the mechanism off
(old sessions kept, the fragile 6-character policy, a payment from a foreign account), and
is unknown when the history never put it to the test."""

from __future__ import annotations

from dataclasses import replace

from harness.history.samples import Sample
from harness.invariants import (
    no_cross_customer_access,
    old_tokens_refused,
    weak_password_refused,
)
from tests.invariants.bank import Story, transfer_sample


def attempt(journey: str, status: int, customer: str = "CUST-0001", t_s: float = 1.0,
            strength: str | None = None) -> Sample:  # fmt: skip
    outcome = "ok" if status < 400 else "failed"
    return Sample(t_s, journey, status, 30.0, outcome, customer, password_strength=strength)  # type: ignore[arg-type]


def test_weak_passwords_refused_pass_and_one_accepted_fails() -> None:
    refused = [
        attempt("weak_password", 400, f"CUST-000{n}", strength="weak") for n in (1, 2, 3)
    ] + [attempt("password_change", 200, strength="strong")]
    result = weak_password_refused.check(Story().state(), refused)
    assert result.status == "ok"
    assert result.summary == "all 3 weak passwords tried by 3 customers were refused"
    accepted = [*refused, attempt("weak_password", 200, "CUST-0004", 7.5, strength="weak")]
    result = weak_password_refused.check(Story().state(), accepted)
    assert result.status == "failed"
    (violation,) = result.violations
    assert (violation.kind, violation.ids) == ("weak_password_accepted", ("CUST-0004",))
    assert "CUST-0004 set a weak password at 7.500 (HTTP 200)" in violation.first


def test_weak_passwords_never_answered_or_never_tried_are_unknown() -> None:
    timed_out = replace(attempt("weak_password", 0, strength="weak"), outcome="unknown")
    unanswered = [attempt("weak_password", 503, strength="weak"), timed_out]
    assert weak_password_refused.check(Story().state(), unanswered).status == "unknown"
    strong_only = [attempt("password_change", 200, strength="strong")]
    assert weak_password_refused.check(Story().state(), strong_only).status == "unknown"


def test_old_tokens_refused_pass_accepted_fail_and_no_replay_is_unknown() -> None:
    refused = [attempt("old_token", 401, f"CUST-000{n}") for n in (1, 2)]
    assert old_tokens_refused.check(Story().state(), refused).status == "ok"
    kept = [*refused, attempt("old_token", 200, "CUST-0003", 4.0)]
    result = old_tokens_refused.check(Story().state(), kept)
    assert result.status == "failed" and result.violations[0].ids == ("CUST-0003",)
    ordinary = [attempt("balance", 200), attempt("password_change", 200, strength="strong")]
    result = old_tokens_refused.check(Story().state(), ordinary)
    assert result.status == "unknown" and "'old_token'" in result.summary


def test_payments_from_the_customers_own_account_pass() -> None:
    story = Story()
    story.transfer("T1", 1, 2, 500)
    story.transfer("T2", 1, 3, 700)
    samples = [transfer_sample("T1", 1.0), transfer_sample("T2", 2.0)]
    result = no_cross_customer_access.check(story.state(), samples)
    assert result.status == "ok" and "each of 2 payments" in result.summary


def test_a_payment_from_another_customers_account_fails() -> None:
    """The mechanism off: the bank let CUST-0001 debit CUST-0002's account."""
    story = Story()
    story.transfer("T1", 1, 3, 500)
    story.transfer("T2", 2, 1, 9_900)
    samples = [transfer_sample("T1", 1.0), transfer_sample("T2", 2.0)]
    result = no_cross_customer_access.check(story.state(), samples)
    assert result.status == "failed"
    (violation,) = result.violations
    assert (violation.kind, violation.ids, violation.amount_cents) == (
        "foreign_account_debited", ("T2",), 9_900,
    )  # fmt: skip
    assert "CUST-0001 moved 99.00 from ACC-0002, CUST-0002's account" in violation.first


def test_refused_or_unknown_payments_prove_nothing() -> None:
    story = Story()
    story.transfer("T2", 2, 1, 9_900)
    refused = replace(transfer_sample("T2", 2.0), status=403, outcome="failed")
    result = no_cross_customer_access.check(story.state(), [refused])
    assert result.status == "unknown"
    missing = transfer_sample("T404", 3.0)
    assert no_cross_customer_access.check(story.state(), [missing]).status == "unknown"
