"""The crowd of simulated customers of one run: who plays whom, and what they share.

`LoadContext` holds the dispatcher, the sample sink, the run clock, the customers' sessions
(one per customer, shared by every user playing it, with its refresh token; the last one lost
to a 401, and who already replayed old tokens: `replay.py`), passwords changed during the run, who
wants to call the contact centre (`calling.CallingModel`, fed by the sink), writes
in flight (so a stop can record them as unknown), the status-poll greenlets and the `started`
event that opens the schedule once the customers are warmed up.
Customer numbers map to the seeded ids of docs/bank-api.md (`CUST-0007`, `ACC-0007`).
It must not send requests; journeys.py does. Imports gevent, so only the runner child uses it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import gevent.event
import gevent.pool

from harness.history.samples import Sample
from harness.load.calling import CallingModel
from harness.load.config import LoadConfig
from harness.load.pacing import Dispatcher, Intent, RunClock
from harness.load.sink import SampleSink
from harness.seeds import stream


@dataclass(frozen=True)
class TokenPair:
    """A session's access and refresh tokens, as the app holds them."""

    access_token: str
    refresh_token: str | None


def customer_id(number: int) -> str:
    return f"CUST-{number:04d}"


def account_id(number: int) -> str:
    return f"ACC-{number:04d}"


def seeded_password(number: int) -> str:
    """The password `/admin/seed` gives customer `number` (docs/bank-api.md)."""
    return f"{customer_id(number).lower()}-correct-horse"


@dataclass
class LoadContext:
    """What every simulated customer of one run shares (one per runner process)."""

    config: LoadConfig
    dispatcher: Dispatcher
    sink: SampleSink
    clock: RunClock
    calling: CallingModel = field(default_factory=CallingModel)
    passwords: dict[int, str] = field(default_factory=dict)
    in_flight_writes: dict[int, Sample] = field(default_factory=dict)
    polls: gevent.pool.Group = field(default_factory=gevent.pool.Group)
    schedule_over: gevent.event.Event = field(default_factory=gevent.event.Event)
    started: gevent.event.Event = field(default_factory=gevent.event.Event)
    sessions: dict[int, str] = field(default_factory=dict)  # customer number -> access token
    refresh_tokens: dict[int, str] = field(default_factory=dict)  # ... -> its refresh token
    revoked: dict[int, TokenPair] = field(default_factory=dict)  # the last session lost to a 401
    old_token_replays: set[int] = field(default_factory=set)  # customers that had their replay
    warm_up_until_s: float = 0.0  # on the warm-up clock: when customers stop trying to log in
    ready: int = 0  # customers that finished their warm-up
    busy: int = 0  # customers holding an intent (waiting for its due time or running it)
    enrolled: int = 0
    unserved: int = 0  # due requests no customer was free to send

    def enrol(self) -> tuple[int, int]:
        """The next user's index and the customer number it plays (a seeded permutation)."""
        order = list(range(1, self.config.customers + 1))
        stream(self.config.seed, "load:crowd").shuffle(order)
        index = self.enrolled
        self.enrolled += 1
        return index, order[index % len(order)]

    def record_unserved(self, intents: tuple[Intent, ...]) -> None:
        self.unserved += len(intents)
        for intent in intents:
            self.sink.add(
                Sample(
                    t_s=self.clock.epoch_s(intent.due_s),
                    journey=intent.journey,
                    status=0,
                    latency_ms=0.0,
                    outcome="failed",
                    served=False,
                    detail="unserved",
                )
            )
