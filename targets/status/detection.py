"""The status service's detection: SLI burn rate per component and the outside-in probe's verdict.

`BurnRateDetector` keeps the mobile API's observation batches for `status_burn_window_s` and
judges each component by its failed share over that window: at least `status_burn_threshold`
is `degraded` (partial degradation counts), at least `OUTAGE_SHARE` is an `outage`; fewer
than `status_burn_min_requests` requests decide nothing (the last verdict stands, and a
component never judged has no verdict). `ProbeRecord` holds the synthetic probe's results:
`PROBE_FAILURES_FOR_OUTAGE` failures in a row put the `app` component in outage, one success
takes it back. `Detector` combines both (the worse verdict wins) and reports a `Detection`
each time a component turns unhealthy.

This module is pure: no I/O, every time is passed in. It must not decide what the page says
(`board.py` does).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from targets.profiles import Profile

ComponentStatus = Literal["operational", "degraded", "outage"]
DetectionKind = Literal["probe", "burn_rate", "honeytoken", "access_anomaly"]
COMPONENTS = (
    "login",
    "balances",
    "transfers_on_us",
    "transfers_interbank",
    "bill_payments",
    "app",
)
APP = "app"
SEVERITY: Mapping[str, int] = {"operational": 0, "degraded": 1, "outage": 2}
OUTAGE_SHARE = 0.9
"""Failed share over the window from which a component is in outage rather than degraded."""
PROBE_FAILURES_FOR_OUTAGE = 3


@dataclass(frozen=True)
class Observation:
    """One component's outcomes in one batch of the mobile API's feed."""

    component: str
    ok: int
    failed: int
    failed_customers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ObservationBatch:
    at_s: float
    observations: tuple[Observation, ...]


@dataclass(frozen=True)
class BurnPolicy:
    window_s: float
    threshold: float
    min_requests: int

    @classmethod
    def from_profile(cls, profile: Profile) -> BurnPolicy:
        return cls(
            profile.status_burn_window_s,
            profile.status_burn_threshold,
            profile.status_burn_min_requests,
        )


@dataclass(frozen=True)
class Detection:
    """The bank's detection noticed something (as the export lists it)."""

    at_s: float
    kind: DetectionKind
    component: str | None
    detail: str


@dataclass(frozen=True)
class Health:
    """What detection concludes at `at_s`: the verdict of every component judged so far, and
    the customers whose requests failed within the window."""

    at_s: float
    components: Mapping[str, ComponentStatus]
    failed_customers: frozenset[str] = frozenset()

    def unhealthy(self) -> tuple[str, ...]:
        return tuple(
            c for c in COMPONENTS if self.components.get(c, "operational") != "operational"
        )

    def all_healthy(self, components: Iterable[str]) -> bool:
        """Every one of `components` has a verdict, and it is operational."""
        return all(self.components.get(c) == "operational" for c in components)


def worse(a: ComponentStatus | None, b: ComponentStatus | None) -> ComponentStatus | None:
    """The more severe of two verdicts (None: no verdict)."""
    if a is None or b is None:
        return a if b is None else b
    return a if SEVERITY[a] >= SEVERITY[b] else b


class BurnRateDetector:
    """Failed share per component over a sliding window of observation batches."""

    def __init__(self, policy: BurnPolicy) -> None:
        self.policy = policy
        self._batches: deque[ObservationBatch] = deque()
        self._verdicts: dict[str, ComponentStatus] = {}

    def add(self, batch: ObservationBatch) -> None:
        self._batches.append(batch)

    def _prune(self, now_s: float) -> None:
        while self._batches and self._batches[0].at_s <= now_s - self.policy.window_s:
            self._batches.popleft()

    def verdicts(self, now_s: float) -> dict[str, ComponentStatus]:
        """Each component's verdict now (components with too few requests keep their last)."""
        self._prune(now_s)
        totals: dict[str, list[int]] = {}
        for batch in self._batches:
            for obs in batch.observations:
                counts = totals.setdefault(obs.component, [0, 0])
                counts[0] += obs.ok
                counts[1] += obs.failed
        for component, (ok, failed) in totals.items():
            if ok + failed < self.policy.min_requests:
                continue
            share = failed / (ok + failed)
            if share >= OUTAGE_SHARE:
                self._verdicts[component] = "outage"
            elif share >= self.policy.threshold:
                self._verdicts[component] = "degraded"
            else:
                self._verdicts[component] = "operational"
        return dict(self._verdicts)

    def failed_customers(self, now_s: float) -> frozenset[str]:
        """Customers with a failed request within the window."""
        self._prune(now_s)
        return frozenset(
            customer
            for batch in self._batches
            for obs in batch.observations
            for customer in obs.failed_customers
        )


@dataclass
class ProbeRecord:
    """The outside-in probe's results: counts and failures in a row."""

    sent: int = 0
    failed: int = 0
    failures_in_row: int = 0
    answered_once: bool = False

    def record(self, ok: bool) -> None:
        self.sent += 1
        if ok:
            self.failures_in_row = 0
            self.answered_once = True
        else:
            self.failed += 1
            self.failures_in_row += 1

    def verdict(self) -> ComponentStatus | None:
        """`app` in outage after enough failures in a row; None before any result."""
        if self.failures_in_row >= PROBE_FAILURES_FOR_OUTAGE:
            return "outage"
        if self.answered_once and self.failures_in_row == 0:
            return "operational"
        return None


@dataclass
class Detector:
    """Burn rate and probe together; reports each component's turn to unhealthy once."""

    burn: BurnRateDetector
    probe: ProbeRecord = field(default_factory=ProbeRecord)
    _shown: dict[str, ComponentStatus] = field(default_factory=dict)

    def assess(self, now_s: float) -> tuple[Health, tuple[Detection, ...]]:
        """The health now, and the detections made since the last assessment."""
        verdicts: dict[str, ComponentStatus] = self.burn.verdicts(now_s)
        probed = self.probe.verdict()
        app = worse(verdicts.get(APP), probed)
        if app is not None:
            verdicts[APP] = app
        detections = []
        for component in COMPONENTS:
            status = verdicts.get(component)
            before = self._shown.get(component, "operational")
            if status is not None and status != "operational" and before == "operational":
                by_probe = component == APP and probed == "outage"
                detections.append(self._detection(now_s, component, status, by_probe))
        self._shown = dict(verdicts)
        health = Health(now_s, verdicts, self.burn.failed_customers(now_s))
        return health, tuple(detections)

    def _detection(
        self, now_s: float, component: str, status: ComponentStatus, by_probe: bool
    ) -> Detection:
        if by_probe:
            detail = f"{self.probe.failures_in_row} probes of the edge failed in a row"
            return Detection(now_s, "probe", component, detail)
        window = self.burn.policy.window_s
        return Detection(now_s, "burn_rate", component, f"{component} {status} over {window:g} s")
