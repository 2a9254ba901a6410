"""What the customers were told, read from the load samples: acknowledgements and statuses.

A transfer is acknowledged as settled when a served sample with outcome `ok` carries its
transfer id and payment status ACSC. A terminal status (ACSC or RJCT) counts as shown to the
customer for any served sample that is not `unknown`: a timed-out request showed nothing.
Pure functions over samples; no bank state here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from harness.errors import InfraError
from harness.history.bankstate import REJECTED, SETTLED, parse_cents
from harness.history.samples import Sample

TERMINAL = (SETTLED, REJECTED)


@dataclass(frozen=True)
class Shown:
    """One terminal status a customer saw for a transfer, and when the answer arrived."""

    transfer_id: str
    status: str
    at_s: float
    amount_cents: int | None


def answered_at_s(sample: Sample) -> float:
    """When the answer reached the customer: due time plus the (corrected) latency."""
    return sample.t_s + sample.latency_ms / 1000.0


def sample_cents(sample: Sample) -> int | None:
    """The sample's amount in cents, None when absent or unreadable."""
    if sample.amount is None:
        return None
    try:
        return parse_cents(sample.amount, "sample amount")
    except InfraError:
        return None


def shown_statuses(samples: Iterable[Sample]) -> list[Shown]:
    """Every terminal status shown to a customer, in answer order."""
    shown = [
        Shown(s.transfer_id, s.payment_status, answered_at_s(s), sample_cents(s))
        for s in samples
        if s.served and s.outcome != "unknown" and s.transfer_id and s.payment_status in TERMINAL
    ]
    return sorted(shown, key=lambda x: x.at_s)


def acknowledged(samples: Iterable[Sample]) -> Mapping[str, Shown]:
    """The first settled acknowledgement per transfer id."""
    acks: dict[str, Shown] = {}
    for seen in shown_statuses(s for s in samples if s.outcome == "ok"):
        if seen.status == SETTLED:
            acks.setdefault(seen.transfer_id, seen)
    return acks
