"""How a customer reads the bank's answer: ok, failed or unknown, with a short detail.

- ok: a 2xx as wanted. A balance labelled `stale` is ok with detail "stale"; a transfer
  answered ACSP (accepted, pending) is ok with detail "pending".
- failed: a definite answer that the wish was not met: 4xx/5xx (429/503 name their
  Retry-After), a rejected transfer (RJCT), or, for reads, any timeout or cut connection.
- unknown: for writes (transfers, bill payments), a timeout or a connection refused/reset, a
  504 (mobile-api's `transfer_outcome_unknown`), a 409 "still in flight" or an unreadable
  2xx: the money may or may not have moved. Transport errors and 504 are retried once.

Pure: it sees an `Answer` (status, transport error kind, parsed body, Retry-After), never a
socket. This module must not do I/O or import locust/gevent.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from harness.history.samples import Outcome

WRITE_JOURNEYS = frozenset({"transfer", "bill_payment"})
"""Journeys that move money: an unanswered request may still have taken effect."""

TransportError = Literal["timeout", "connection_refused", "connection_reset"]


@dataclass(frozen=True)
class Answer:
    """What came back for one request: status 0 with `error` set when no HTTP answer came."""

    status: int
    error: TransportError | None = None
    body: Mapping[str, object] | None = None
    retry_after: str | None = None
    elapsed_ms: float = 0.0


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    detail: str


def _error_detail(answer: Answer) -> str:
    code = answer.body.get("error") if answer.body else None
    detail = f"http_{answer.status}" + (f" {code}" if isinstance(code, str) else "")
    if answer.retry_after is not None:
        detail += f" retry_after={answer.retry_after}"
    return detail


def _ok_detail(journey: str, body: Mapping[str, object] | None) -> Verdict:
    if body is None:
        return Verdict("ok", "")
    if journey == "balance" and body.get("stale") is True:
        return Verdict("ok", "stale")
    if journey in WRITE_JOURNEYS:
        status = body.get("status")
        if status == "RJCT":
            return Verdict("failed", f"rejected {body.get('reason_code') or ''}".strip())
        if status == "ACSP":
            return Verdict("ok", "pending")
    return Verdict("ok", "")


def classify(journey: str, answer: Answer) -> Verdict:
    """The outcome and detail of one answer to a request of `journey`."""
    is_write = journey in WRITE_JOURNEYS
    if answer.error is not None:
        return Verdict("unknown" if is_write else "failed", answer.error)
    if 200 <= answer.status < 300:
        if answer.body is None and answer.status != 204:
            return Verdict("unknown" if is_write else "failed", "unreadable_answer")
        if is_write and not isinstance((answer.body or {}).get("transfer_id"), str):
            return Verdict("unknown", "answer_without_transfer_id")
        return _ok_detail(journey, answer.body)
    if is_write and answer.status in (409, 504):  # still in flight / gave up waiting
        suffix = " in_flight" if answer.status == 409 else ""
        return Verdict("unknown", _error_detail(answer) + suffix)
    return Verdict("failed", _error_detail(answer))


def is_retryable(answer: Answer) -> bool:
    """True when a well-behaved app retries a write once with the same idempotency key."""
    return answer.error is not None or answer.status == 504


def attempt_label(answer: Answer) -> str:
    """`timeout` or `http_504`: what made the app retry, for the sample's detail."""
    return answer.error or f"http_{answer.status}"


def retry_after_s(value: str | None, *, default_s: float = 1.0, cap_s: float = 60.0) -> float:
    """Seconds a Retry-After header asks for (delta-seconds); `default_s` if absent or a date."""
    try:
        seconds = float(value) if value is not None else default_s
    except ValueError:
        seconds = default_s
    return default_s if math.isnan(seconds) else min(max(seconds, 0.0), cap_s)
