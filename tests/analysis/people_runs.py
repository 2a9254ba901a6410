"""Hand-built histories for the people checks: one outage run, and the exports of a bank that
told its customers (or did not).

The run: baseline [1000, 1020), fault [1020, 1050), recovery [1050, 1080) (epoch seconds).
Twenty customers use balance and transfer ten times a second each; in `outage()` both
journeys fail for every request due in [1022, 1040): impact onset is 1022, the journeys are
whole again from 1040. Builders only; no assertion lives here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from harness.analysis.evidence import Evidence, RecoveryBar
from harness.history.people import (
    Call,
    ContactExport,
    Delivery,
    Detection,
    Incident,
    Notification,
    NotificationsExport,
    PeopleExports,
    StatusExport,
    StatusUpdate,
)
from harness.history.record import TimelineEvent
from harness.history.samples import Sample
from harness.metrics import Window

T0 = 1000.0
FAULT_START = 1020.0
FAULT_END = 1050.0
RUN_END = 1080.0
ONSET = 1022.0
WHOLE = 1040.0
CUSTOMERS = tuple(f"CUST-{n:04d}" for n in range(1, 21))
WINDOWS = (
    Window("baseline", T0, FAULT_START, answered_by_s=FAULT_START),
    Window("fault", FAULT_START, FAULT_END),
    Window("recovery", FAULT_END, RUN_END),
)

Failing = Callable[[float, str], bool]


def traffic(
    failing: Failing,
    journeys: Sequence[str] = ("balance", "transfer"),
    start_s: float = T0,
    end_s: float = RUN_END,
    step_s: float = 0.1,
) -> tuple[Sample, ...]:
    """Requests every `step_s` per journey, customers in turn; `failing(t, journey)` fails one."""
    samples = []
    count = round((end_s - start_s) / step_s)
    for k in range(count):
        t = round(start_s + k * step_s, 3)
        for journey in journeys:
            bad = failing(t, journey)
            samples.append(
                Sample(t, journey, 503 if bad else 200, 20.0, "failed" if bad else "ok",
                       CUSTOMERS[k % len(CUSTOMERS)])
            )  # fmt: skip
    return tuple(samples)


def down_between(start_s: float = ONSET, end_s: float = WHOLE) -> Failing:
    return lambda t, journey: start_s <= t < end_s


def outage() -> tuple[Sample, ...]:
    """Balance and transfer fail for every request due in [ONSET, WHOLE)."""
    return traffic(down_between())


def healthy() -> tuple[Sample, ...]:
    return traffic(lambda t, journey: False)


def incident(
    opened: float,
    updates: Sequence[float],
    *,
    resolved: float | None = None,
    components: Sequence[str] = ("balances", "transfers_on_us"),
    kind: str = "availability",
    source: str = "burn_rate",
) -> Incident:
    marks = [StatusUpdate(t, "investigating", "looking", t + 60.0) for t in updates]
    if resolved is not None:
        marks.append(StatusUpdate(resolved, "resolved", "fixed", None))
    return Incident(
        "INC-1", kind, "Customers cannot use the app", "resolved" if resolved else "investigating",
        tuple(components), opened, resolved, source, tuple(marks),
    )  # fmt: skip


def told_well() -> StatusExport:
    """The hardened page: opened 2 s after onset, updated every 5 s, resolved after recovery."""
    return StatusExport(
        incidents=(incident(1024.0, (1024.0, 1029.0, 1034.0, 1039.0, 1044.0), resolved=1046.0),),
        detections=(Detection(1023.5, "burn_rate", "balances", "error share 1.0"),),
        probe_sent=100,
        probe_failed=0,
    )


def told_nothing() -> StatusExport:
    """The fragile page: no detection, no incident."""
    return StatusExport((), (), 100, 0)


def notified(
    customers: Sequence[str], at_s: float = 1025.0, reason: str = "outage"
) -> NotificationsExport:
    """One notification of `reason` at `at_s`, delivered to each of `customers` a second later."""
    return NotificationsExport(
        (Notification("N-1", at_s, "sms", reason, "INC-1", len(customers)),),
        tuple(Delivery("N-1", c, "sms", reason, at_s, at_s + 1.0) for c in customers),
    )


def calls(outcomes: Sequence[tuple[str, float | None]]) -> ContactExport:
    """A centre of 4 agents and a queue of 20 that took one call per (outcome, wait)."""
    return ContactExport(
        4,
        20,
        tuple(
            Call(f"CALL-{i}", CUSTOMERS[i % 20], "outage", 1030.0 + i, outcome,
                 None if outcome == "busy" else 1, None, None, wait)
            for i, (outcome, wait) in enumerate(outcomes)
        ),
    )  # fmt: skip


def inject(kind: str, at_s: float, outcome: str = "ok") -> TimelineEvent:
    return TimelineEvent(at_s - T0, at_s, "inject", kind, f"{kind} at {at_s}", outcome)  # type: ignore[arg-type]


def evidence(samples: Sequence[Sample] = (), **changes: object) -> Evidence:
    """The run's evidence with its samples; `changes` set bars, exports, timeline, customers."""
    base = Evidence(
        tuple(samples),
        WINDOWS,
        FAULT_END,
        RUN_END,
        recovery=(RecoveryBar(("balance", "transfer"), 30.0, 5),),
        people=PeopleExports(),
        customers=len(CUSTOMERS),
    )
    return replace(base, **changes)  # type: ignore[arg-type]
