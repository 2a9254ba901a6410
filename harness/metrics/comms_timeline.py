"""The communication timeline of a run: what customers went through against what they were told.

One flat, time-ordered list of moments, each an offset in seconds from the run's start (t0):

- `impact`: impact onset (`metrics.impact.impact_onset_s`); `whole_again`: every hurt banking
  journey whole again for the window (`metrics.impact.whole_again_s`).
- `detection`: each detection the status service recorded (probe, burn rate, honeytoken,
  access anomaly), at most `MAX_PER_KIND` of them.
- `opened`, `update`, `resolved`: each status incident's opening, every later update (an update
  at the opening moment is folded into it) and its resolution.
- `notification`: notifications sent, grouped per whole second and reason: how many went out
  in that second and to how many recipients.

Beside it, the availability of the banking journeys (`metrics.impact.BANKING_JOURNEYS`, pooled,
ok / due) per second (merged as `metrics.timeseries` does beyond 600 points) and three headline
delays from impact onset to the first moment at or after the fault start (0 when before the
onset): availability detected (a probe or burn-rate detection, or an availability incident
opened), customers told on the status page (an incident opened or updated), and the first
`outage` notification sent.
Pure: a function of samples and parsed exports; no clock, no file, no judgement.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from harness.history.people import AVAILABILITY_SOURCES, Incident, NotificationsExport, StatusExport
from harness.history.samples import Sample
from harness.metrics.impact import BANKING_JOURNEYS, impact_onset_s, whole_again_s
from harness.metrics.timeseries import chart_series

MomentKind = Literal[
    "impact", "whole_again", "detection", "opened", "update", "resolved", "notification"
]
MAX_PER_KIND = 200
"""Most moments of one kind kept (a flapping detector cannot blow up result.json)."""


@dataclass(frozen=True)
class CommsMoment:
    """One moment of the timeline; `offset_s` counts from t0."""

    offset_s: float
    moment: MomentKind
    subject: str
    """The incident id, the detection kind, the notification reason, or `customers`."""
    detail: str
    notifications: int | None = None
    recipients: int | None = None
    estimated_restoration_s: float | None = None
    """An update's estimate of restoration, as an offset from t0."""


@dataclass(frozen=True)
class CommsTimeline:
    impact_onset_s: float | None
    whole_again_s: float | None
    moments: tuple[CommsMoment, ...]
    bucket_s: int
    offset_s: tuple[float, ...]
    availability_pct: tuple[float | None, ...]
    """Banking journeys' availability per point (ok / due), None where nothing was due."""
    detected_after_onset_s: float | None
    told_after_onset_s: float | None
    notified_after_onset_s: float | None

    def of(self, moment: MomentKind) -> list[CommsMoment]:
        return [m for m in self.moments if m.moment == moment]


def _offset(t_s: float, t0_s: float) -> float:
    return round(t_s - t0_s, 3)


def _incident_moments(incident: Incident, t0_s: float) -> list[CommsMoment]:
    folded = [u for u in incident.updates if u.at_s == incident.opened_at_s]
    first = folded[0] if folded else None
    where = ", ".join(incident.components) or "no component"
    opened = CommsMoment(
        _offset(incident.opened_at_s, t0_s),
        "opened",
        incident.incident_id,
        f"{incident.kind} incident ({incident.source}): {incident.title} [{where}]"
        + (f": {first.message}" if first and first.message else ""),
        estimated_restoration_s=(
            None
            if first is None or first.estimated_restoration_s is None
            else _offset(first.estimated_restoration_s, t0_s)
        ),
    )
    moments = [opened]
    for update in incident.updates:
        if first is not None and update is first:
            continue
        eta = update.estimated_restoration_s
        moments.append(
            CommsMoment(
                _offset(update.at_s, t0_s),
                "resolved" if update.status == "resolved" else "update",
                incident.incident_id,
                f"{update.status}: {update.message}" if update.message else update.status,
                estimated_restoration_s=None if eta is None else _offset(eta, t0_s),
            )
        )
    marked = {u.at_s for u in incident.updates if u.status == "resolved"}
    if incident.resolved_at_s is not None and incident.resolved_at_s not in marked:
        moments.append(
            CommsMoment(_offset(incident.resolved_at_s, t0_s), "resolved", incident.incident_id,
                        "resolved")
        )  # fmt: skip
    return moments


def _status_moments(status: StatusExport, t0_s: float) -> list[CommsMoment]:
    detections = [
        CommsMoment(_offset(d.at_s, t0_s), "detection", d.kind,
                    f"{d.component}: {d.detail}" if d.component else d.detail)
        for d in sorted(status.detections, key=lambda d: d.at_s)[:MAX_PER_KIND]
    ]  # fmt: skip
    told = [m for i in status.incidents for m in _incident_moments(i, t0_s)]
    kept: list[CommsMoment] = []
    for kind in ("opened", "update", "resolved"):
        kept += sorted((m for m in told if m.moment == kind), key=lambda m: m.offset_s)[
            :MAX_PER_KIND
        ]
    return detections + kept


def _notification_moments(sent: NotificationsExport, t0_s: float) -> list[CommsMoment]:
    """Notifications grouped per whole second from t0 and reason."""
    count: Counter[tuple[int, str]] = Counter()
    recipients: Counter[tuple[int, str]] = Counter()
    first: dict[tuple[int, str], float] = {}
    channels: dict[tuple[int, str], set[str]] = {}
    for n in sent.notifications:
        key = (int((n.at_s - t0_s) // 1), n.reason)
        count[key] += 1
        recipients[key] += n.recipients
        first[key] = min(first.get(key, n.at_s), n.at_s)
        channels.setdefault(key, set()).add(n.channel)
    moments = [
        CommsMoment(_offset(first[key], t0_s), "notification", key[1],
                    f"{count[key]} {key[1]} notification{'s' if count[key] > 1 else ''} by "
                    f"{', '.join(sorted(channels[key]))} to {recipients[key]} "
                    f"customer{'' if recipients[key] == 1 else 's'}",
                    notifications=count[key], recipients=recipients[key])
        for key in sorted(first, key=lambda k: first[k])
    ]  # fmt: skip
    return moments[:MAX_PER_KIND]


def _after(onset_s: float | None, offsets: Sequence[float], since_s: float) -> float | None:
    """Seconds from onset to the first offset at or after `since_s` (0 when before onset)."""
    later = [o for o in offsets if o >= since_s]
    if onset_s is None or not later:
        return None
    return round(max(0.0, min(later) - onset_s), 3)


def _availability(
    samples: Sequence[Sample], t0_s: float, end_s: float
) -> tuple[int, tuple[float, ...], tuple[float | None, ...]]:
    journeys = sorted({s.journey for s in samples if s.journey in BANKING_JOURNEYS})
    if not journeys or end_s <= t0_s:
        return 1, (), ()
    series = chart_series(samples, journeys, t0_s, end_s)
    availability = tuple(None if e is None else round(100.0 - e, 3) for e in series.error_rate_pct)
    return series.bucket_s, series.offset_s, availability


def _customer_moments(
    onset: float | None, whole: float | None, t0_s: float, whole_window_s: int
) -> list[CommsMoment]:
    moments = []
    if onset is not None:
        what = "impact onset: banking journeys began to fail"
        moments.append(CommsMoment(_offset(onset, t0_s), "impact", "customers", what))
    if whole is not None:
        what = f"every hurt journey whole again for {whole_window_s} s"
        moments.append(CommsMoment(_offset(whole, t0_s), "whole_again", "customers", what))
    return moments


def _first_words(
    status: StatusExport | None, sent: NotificationsExport | None
) -> tuple[list[float], list[float], list[float]]:
    """Epoch times of availability detections, status-page words and outage notifications."""
    detected: list[float] = []
    told: list[float] = []
    if status is not None:
        detected += [d.at_s for d in status.detections if d.kind in AVAILABILITY_SOURCES]
        detected += [i.opened_at_s for i in status.incidents if i.kind == "availability"]
        told += [t for i in status.incidents for t in i.communicated_s()]
    outage = [n.at_s for n in sent.notifications if n.reason == "outage"] if sent else []
    return detected, told, outage


def comms_timeline(
    samples: Sequence[Sample],
    status: StatusExport | None,
    sent: NotificationsExport | None,
    *,
    t0_s: float,
    fault_start_s: float,
    run_end_s: float,
    whole_window_s: int,
) -> CommsTimeline:
    """The run's communication timeline from its samples and the people services' exports."""
    onset = impact_onset_s(samples, fault_start_s, run_end_s)
    whole = (
        None if onset is None else whole_again_s(samples, fault_start_s, run_end_s, whole_window_s)
    )
    moments = _customer_moments(onset, whole, t0_s, whole_window_s)
    moments += _status_moments(status, t0_s) if status is not None else []
    moments += _notification_moments(sent, t0_s) if sent is not None else []
    moments.sort(key=lambda m: m.offset_s)
    bucket_s, offsets, availability = _availability(samples, t0_s, run_end_s)
    onset_offset = None if onset is None else _offset(onset, t0_s)
    since = _offset(fault_start_s, t0_s)

    def first_after(times: Sequence[float]) -> float | None:
        return _after(onset_offset, [_offset(t, t0_s) for t in times], since)

    detected, told, outage = _first_words(status, sent)
    return CommsTimeline(
        impact_onset_s=onset_offset,
        whole_again_s=None if whole is None else _offset(whole, t0_s),
        moments=tuple(moments),
        bucket_s=bucket_s,
        offset_s=offsets,
        availability_pct=availability,
        detected_after_onset_s=first_after(detected),
        told_after_onset_s=first_after(told),
        notified_after_onset_s=first_after(outage),
    )
