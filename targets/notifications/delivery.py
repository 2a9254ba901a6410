"""Who receives a notification and when each channel delivers it: pure, no I/O, no clock.

- Audience: an explicit list of customer ids (duplicates counted once, ids the bank never
  seeded dropped: there is no phone number to send to) or everyone seeded (`CUST-0001` ...
  `CUST-NNNN`, the same ids as core-banking and the mobile API).
- Delivery: each message reaches the customer's device a channel-dependent delay after it is
  sent, drawn uniformly from `CHANNEL_DELAY_S` with the generator passed in (the app passes
  the stream `notifications:delivery`), so a rerun with the same seed repeats every delay.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Channel = Literal["sms", "push", "email"]
NotifyReason = Literal["outage", "breach", "reset", "resolved"]

CHANNEL_DELAY_S: dict[str, tuple[float, float]] = {
    "push": (0.05, 0.5),
    "sms": (0.2, 2.0),
    "email": (0.5, 3.0),
}
"""Seconds from sending to the device, lowest and highest, per channel."""


@dataclass(frozen=True)
class Notification:
    """One request to notify, as sent (`recipients`: how many customers it went to)."""

    notification_id: str
    at_s: float
    channel: Channel
    reason: NotifyReason
    incident_id: str | None
    message: str
    recipients: int


@dataclass(frozen=True)
class Delivery:
    """One message to one customer: sent at `sent_at_s`, on the device at `delivered_at_s`."""

    notification_id: str
    customer_id: str
    channel: Channel
    reason: NotifyReason
    incident_id: str | None
    sent_at_s: float
    delivered_at_s: float


def seeded_customer_ids(customers: int) -> list[str]:
    """`CUST-0001` ... `CUST-NNNN`: the customers the bank seeded."""
    return [f"CUST-{i:04d}" for i in range(1, customers + 1)]


def audience(everyone: bool, customer_ids: Iterable[str], seeded: Sequence[str]) -> list[str]:
    """The customers a notification reaches, in order, each once."""
    if everyone:
        return list(seeded)
    known = set(seeded)
    return list(dict.fromkeys(c for c in customer_ids if c in known))


def deliveries(
    notification: Notification, customer_ids: Sequence[str], rng: random.Random
) -> list[Delivery]:
    """One delivery per customer, each with its channel's seeded delay."""
    low_s, high_s = CHANNEL_DELAY_S[notification.channel]
    return [
        Delivery(
            notification_id=notification.notification_id,
            customer_id=customer_id,
            channel=notification.channel,
            reason=notification.reason,
            incident_id=notification.incident_id,
            sent_at_s=notification.at_s,
            delivered_at_s=notification.at_s + rng.uniform(low_s, high_s),
        )
        for customer_id in customer_ids
    ]
