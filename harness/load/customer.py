"""What the people journeys (`people.py`) and the token replays (`replay.py`) need of a
simulated customer: its HTTP client, who it is, its seeded generator, the run's context and
the plumbing that sends a request and records a sample. `journeys.BankCustomer` is one; the
journeys module holds the customer, these modules only use one, so they depend on this
protocol and not on it (no import cycle)."""

from __future__ import annotations

import random
from typing import Protocol

from locust.contrib.fasthttp import FastHttpSession

from harness.history.samples import Sample
from harness.load.crowd import LoadContext
from harness.load.outcome import Answer
from harness.load.pacing import Intent


class Customer(Protocol):
    client: FastHttpSession
    customer: str
    number: int
    rng: random.Random
    load_context: LoadContext

    def _send(
        self, method: str, path: str, name: str, body: object = None, key: str | None = None
    ) -> Answer: ...

    def _sample(
        self,
        intent: Intent,
        journey: str,
        answer: Answer,
        *,
        detail: str | None = None,
        transfer_id: str | None = None,
        idempotency_key: str | None = None,
        payment_status: str | None = None,
        amount: str | None = None,
    ) -> Sample: ...

    def _password(self) -> str: ...

    def _session(self, intent: Intent) -> tuple[int, str] | None: ...

    def _record_no_session(self, intent: Intent, refused: tuple[int, str]) -> None: ...
