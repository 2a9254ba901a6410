"""Notification coverage: who the bank had to tell, who it told, and how soon.

`coverage` takes an audience (each customer with the moment the bank owed them a word: an
outage's affected customer from their first failed banking request in the fault phase, every
seeded customer from a breach's onset) and the notifications' delivery log, and counts:

- notified: audience members with a delivered notification of the given reasons at any time;
  `share_pct` is notified / audience (None for an empty audience).
- `first_notice_s`: seconds from `onset_s` to the first delivery to an audience member at or
  after the onset (None when none); a delivery before the onset does not count here.
- `notice_p50_s`, `notice_max_s`: per notified customer, seconds from the moment they were owed
  a word to their first delivery after it (0 if they were told before), nearest rank.

`sent_rows` tallies the notifications sent per reason and channel. Pure; epoch seconds in,
seconds out; no clock, no judgement (the `notify:` checks judge).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from harness.history.people import Delivery, NotificationsExport
from harness.history.samples import Sample
from harness.metrics.impact import failed
from harness.metrics.percentile import nearest_rank


@dataclass(frozen=True)
class Coverage:
    subject: str
    """`outage` (affected customers) or `breach` (every seeded customer)."""
    audience: int
    notified: int
    share_pct: float | None
    first_notice_s: float | None
    notice_p50_s: float | None
    notice_max_s: float | None


@dataclass(frozen=True)
class SentRow:
    reason: str
    channel: str
    notifications: int
    recipients: int
    delivered: int


def owed_since_failure(
    samples: Iterable[Sample], fault_start_s: float, fault_end_s: float
) -> dict[str, float]:
    """Affected customers (a failed banking request due in the fault phase) -> their first."""
    owed: dict[str, float] = {}
    for s in samples:
        if failed(s) and s.customer and fault_start_s <= s.t_s < fault_end_s:
            owed[s.customer] = min(owed.get(s.customer, s.t_s), s.t_s)
    return owed


def _first_delivery(
    deliveries: Sequence[Delivery], reasons: Sequence[str]
) -> dict[str, list[float]]:
    """Customer -> delivery times of notifications of `reasons`, sorted."""
    times: dict[str, list[float]] = {}
    for d in deliveries:
        if d.reason in reasons and d.delivered_at_s is not None:
            times.setdefault(d.customer_id, []).append(d.delivered_at_s)
    return {c: sorted(ts) for c, ts in times.items()}


def coverage(
    subject: str,
    owed: Mapping[str, float],
    sent: NotificationsExport,
    reasons: Sequence[str],
    onset_s: float | None,
) -> Coverage:
    """How many of `owed` got a delivered notification of `reasons`, and how soon."""
    delivered = _first_delivery(sent.deliveries, reasons)
    notified = [c for c in owed if c in delivered]
    delays = sorted(
        max(0.0, next((t for t in delivered[c] if t >= owed[c]), delivered[c][0]) - owed[c])
        for c in notified
    )
    after_onset = [
        t for c in notified for t in delivered[c] if onset_s is not None and t >= onset_s
    ]
    first = None if not after_onset or onset_s is None else min(after_onset) - onset_s
    p50 = nearest_rank(delays, 50)
    return Coverage(
        subject=subject,
        audience=len(owed),
        notified=len(notified),
        share_pct=round(100.0 * len(notified) / len(owed), 3) if owed else None,
        first_notice_s=None if first is None else round(first, 3),
        notice_p50_s=None if p50 is None else round(p50, 3),
        notice_max_s=round(delays[-1], 3) if delays else None,
    )


def sent_rows(sent: NotificationsExport) -> tuple[SentRow, ...]:
    """Notifications, recipients and deliveries per reason and channel, in that order."""
    rows: dict[tuple[str, str], list[int]] = {}
    for n in sent.notifications:
        row = rows.setdefault((n.reason, n.channel), [0, 0, 0])
        row[0] += 1
        row[1] += n.recipients
    for d in sent.deliveries:
        if d.delivered_at_s is not None:
            rows.setdefault((d.reason, d.channel), [0, 0, 0])[2] += 1
    return tuple(SentRow(r, c, *counts) for (r, c), counts in sorted(rows.items()))
