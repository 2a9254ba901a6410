"""The load record format: one `Sample` per customer request, streamed as JSON lines.

The load process writes these to `<run dir>/load.jsonl` while it runs; metrics and invariant
checkers read them back afterwards, so a stored run can be re-checked offline.

Timing follows the open model: `t_s` is when the request was *due* (epoch seconds), and
`latency_ms` runs from that moment, so a stalled bank cannot hide latency by slowing the
arrival of requests (coordinated omission). A request that was due but never sent because
every user was busy is recorded with `served=False`: that is unserved demand.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

from harness.history.outcomes import Outcome

LOAD_STOPPED = "load_stopped"
"""`detail` of a request the load process cut when the run ended (not the bank's doing)."""

__all__ = ["JOURNEYS", "LOAD_STOPPED", "Outcome", "Sample", "read_samples", "write_sample"]

JOURNEYS = (
    "login",
    "balance",
    "movements",
    "transfer",
    "bill_payment",
    "password_change",
    "contact",
    "status_check",
)
"""Journeys a load mix and an SLO may name. Samples also carry `transfer_status` (looks at a
pending transfer), `weak_password` (a forced reset's first, too short, try), `second_device`
(a login before a password change) and `old_token` (a token from before it, replayed: see
`harness/load/replay.py`), which no mix names."""


@dataclass(frozen=True)
class Sample:
    t_s: float
    journey: str
    status: int
    latency_ms: float
    outcome: Outcome
    customer: str = ""
    served: bool = True
    detail: str = ""
    transfer_id: str | None = None
    idempotency_key: str | None = None
    payment_status: str | None = None
    amount: str | None = None
    offered_rate_per_s: float | None = None
    """The load plan's offered rate when this request fell due (None: not from the schedule)."""
    password_strength: str | None = None
    """`weak` (6-11 characters) or `strong`, on `weak_password` / `password_change` samples."""
    call_outcome: str | None = None
    """`contact`: answered, callback, busy or abandoned (how the call ended for the caller)."""
    queue_position: int | None = None
    """`contact`: the caller's position when it joined the queue."""
    wait_s: float | None = None
    """`contact`: seconds from placing the call until answered, a callback or hanging up."""
    incident_shown: bool | None = None
    """`status_check`: whether the status page showed an open incident."""

    @property
    def answered_s(self) -> float:
        """When the customer had the answer, or gave up (epoch s); due time if never sent."""
        return self.t_s + self.latency_ms / 1000.0

    @classmethod
    def from_json(cls, line: str) -> Sample:
        """A sample from one JSON line written by `write_sample`."""
        return cls(**json.loads(line))


def write_sample(stream: IO[str], sample: Sample) -> None:
    """Append one sample as a JSON line (the caller flushes)."""
    stream.write(json.dumps(asdict(sample), separators=(",", ":")) + "\n")


def read_samples(path: Path) -> Iterator[Sample]:
    """Samples from a JSON-lines file; a torn last line (killed writer) is skipped."""
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            if not line.endswith("\n"):
                break
            yield Sample.from_json(line)
