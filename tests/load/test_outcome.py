"""Unit tests of outcome classification: ok, failed or unknown, and the detail a customer saw."""

from __future__ import annotations

import pytest

from harness.load.outcome import (
    Answer,
    Verdict,
    attempt_label,
    classify,
    is_retryable,
    retry_after_s,
)

ACSC = {"transfer_id": "T1", "status": "ACSC", "reason_code": None}


@pytest.mark.parametrize(
    ("journey", "answer", "expected"),
    [
        ("balance", Answer(200, body={"stale": False}), Verdict("ok", "")),
        ("balance", Answer(200, body={"stale": True}), Verdict("ok", "stale")),
        ("movements", Answer(200, body={"movements": []}), Verdict("ok", "")),
        ("login", Answer(200, body={"access_token": "t"}), Verdict("ok", "")),
        ("password_change", Answer(204), Verdict("ok", "")),
        ("transfer", Answer(201, body=ACSC), Verdict("ok", "")),
        ("bill_payment", Answer(202, body={**ACSC, "status": "ACSP"}), Verdict("ok", "pending")),
        (
            "transfer",
            Answer(201, body={**ACSC, "status": "RJCT", "reason_code": "AM04"}),
            Verdict("failed", "rejected AM04"),
        ),
        ("transfer_status", Answer(200, body={**ACSC, "status": "RJCT"}), Verdict("ok", "")),
    ],
)
def test_answers_as_wanted(journey: str, answer: Answer, expected: Verdict) -> None:
    """2xx answers are ok with their detail; a rejected transfer is a definite failure."""
    assert classify(journey, answer) == expected


@pytest.mark.parametrize(
    ("answer", "detail"),
    [
        (
            Answer(503, body={"error": "shedding"}, retry_after="2"),
            "http_503 shedding retry_after=2",
        ),
        (
            Answer(429, body={"error": "rate_limited"}, retry_after="1"),
            "http_429 rate_limited retry_after=1",
        ),
        (Answer(500, body=None), "http_500"),
        (Answer(401, body={"error": "unauthorized"}), "http_401 unauthorized"),
        (Answer(403, body={"error": "not_yours"}), "http_403 not_yours"),
    ],
)
def test_error_statuses_are_failed_for_reads_and_writes(answer: Answer, detail: str) -> None:
    """4xx/5xx are definite failures; the detail names the code and any Retry-After."""
    assert classify("balance", answer) == Verdict("failed", detail)
    assert classify("transfer", answer) == Verdict("failed", detail)


@pytest.mark.parametrize("error", ["timeout", "connection_refused", "connection_reset"])
def test_no_answer_is_unknown_for_writes_and_failed_for_reads(error: str) -> None:
    """A write without an answer may have moved money; a read without one simply failed."""
    answer = Answer(0, error=error)  # type: ignore[arg-type]
    assert classify("transfer", answer) == Verdict("unknown", error)
    assert classify("bill_payment", answer) == Verdict("unknown", error)
    assert classify("balance", answer) == Verdict("failed", error)
    assert classify("login", answer) == Verdict("failed", error)
    assert is_retryable(answer)


def test_write_still_in_flight_is_unknown() -> None:
    """409 'first still in flight' on a retried key leaves the effect open."""
    verdict = classify("transfer", Answer(409, body={"error": "in_flight"}))
    assert verdict.outcome == "unknown" and "in_flight" in verdict.detail


def test_unreadable_2xx_is_unknown_for_writes_failed_for_reads() -> None:
    """A 2xx whose body cannot be read proves nothing about a write."""
    assert classify("transfer", Answer(201, body=None)).outcome == "unknown"
    assert classify("transfer", Answer(201, body={"status": "ACSC"})).outcome == "unknown"
    assert classify("balance", Answer(200, body=None)) == Verdict("failed", "unreadable_answer")


def test_gateway_timeout_on_a_write_is_unknown_and_retried() -> None:
    """mobile-api's 504 transfer_outcome_unknown leaves the effect open; the app retries."""
    answer = Answer(504, body={"error": "transfer_outcome_unknown"})
    assert classify("transfer", answer) == Verdict("unknown", "http_504 transfer_outcome_unknown")
    assert classify("balance", answer).outcome == "failed"
    assert is_retryable(answer) and attempt_label(answer) == "http_504"
    assert attempt_label(Answer(0, error="timeout")) == "timeout"


def test_only_transport_errors_and_504_are_retried() -> None:
    """Definite answers, even 503, are not blindly retried by the app."""
    assert not is_retryable(Answer(503, body={"error": "x"}, retry_after="1"))
    assert not is_retryable(Answer(201, body=ACSC))


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("2", 2.0),
        ("0.5", 0.5),
        (None, 1.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 1.0),
        ("-3", 0.0),
        ("3600", 60.0),
        ("nan", 1.0),
    ],
)
def test_retry_after_seconds(header: str | None, seconds: float) -> None:
    """Retry-After delta-seconds are honoured within 0..60 s; dates and junk mean 1 s."""
    assert retry_after_s(header) == seconds
