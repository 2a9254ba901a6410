"""The timeline: faults fire at their offsets, heal after their duration, and all heal on exit."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from harness.engine.timeline import Scheduled, Timeline
from harness.faults.base import FaultContext


@dataclass
class FakeClock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.001)


@dataclass(eq=False)
class RecordingFault:
    name: str
    clock: FakeClock
    log: list[tuple[str, str, float]] = field(default_factory=list)
    fail_inject: bool = False
    kind: str = "recording"
    reversible: bool = True

    def inject(self, ctx: Any) -> None:
        self.log.append(("inject", self.name, round(self.clock.now - 1000.0, 2)))
        if self.fail_inject:
            raise RuntimeError("cannot")

    def heal(self, ctx: Any) -> None:
        self.log.append(("heal", self.name, round(self.clock.now - 1000.0, 2)))

    def describe(self) -> str:
        return self.name


def test_faults_fire_and_heal_on_schedule() -> None:
    """Each fault is injected at its offset and healed when its duration ends."""
    clock, log = FakeClock(), []
    a = RecordingFault("a", clock, log)
    b = RecordingFault("b", clock, log)
    timeline = Timeline(
        [Scheduled(2.0, a, 3.0), Scheduled(4.0, b)],
        cast(FaultContext, None),
        clock=clock,
        sleep=clock.sleep,
    )
    assert timeline.run(t0=1000.0, end_s=10.0) is None
    assert [(s, n) for s, n, _ in log] == [("inject", "a"), ("inject", "b"), ("heal", "a")]
    times = {(s, n): t for s, n, t in log}
    assert 2.0 <= times[("inject", "a")] < 2.2
    assert 5.0 <= times[("heal", "a")] < 5.2
    assert timeline.heal_all(1000.0) == []
    assert log[-1][:2] == ("heal", "b")


def test_abort_stops_the_timeline_and_heal_all_undoes_everything() -> None:
    """An abort returns its reason early; heal_all then heals every active fault, newest first."""
    clock, log = FakeClock(), []
    a, b = RecordingFault("a", clock, log), RecordingFault("b", clock, log)
    timeline = Timeline(
        [Scheduled(1.0, a), Scheduled(1.5, b), Scheduled(8.0, a)],
        cast(FaultContext, None),
        clock=clock,
        sleep=clock.sleep,
    )
    reason = timeline.run(
        1000.0, 10.0, should_abort=lambda now: "too many errors" if now > 3 else None
    )
    assert reason == "too many errors"
    timeline.heal_all(1000.0)
    assert [(s, n) for s, n, _ in log] == [
        ("inject", "a"),
        ("inject", "b"),
        ("heal", "b"),
        ("heal", "a"),
    ]


def test_failed_injection_is_recorded_and_still_healed() -> None:
    """A fault whose injection raises is recorded as failed and healed on the way out."""
    clock, log = FakeClock(), []
    bad = RecordingFault("bad", clock, log, fail_inject=True)
    timeline = Timeline(
        [Scheduled(0.5, bad)], cast(FaultContext, None), clock=clock, sleep=clock.sleep
    )
    timeline.run(1000.0, 2.0)
    assert timeline.events[0].outcome == "failed" and "cannot" in timeline.events[0].error
    timeline.heal_all(1000.0)
    assert log[-1][:2] == ("heal", "bad")


def test_a_step_with_nothing_to_undo_is_never_healed() -> None:
    """Operator steps (restart, promote, remove a toxic) are injected once and not healed."""
    clock, log = FakeClock(), []
    step = RecordingFault("restart", clock, log, reversible=False)
    timeline = Timeline(
        [Scheduled(0.5, step, 1.0)], cast(FaultContext, None), clock=clock, sleep=clock.sleep
    )
    timeline.run(1000.0, 3.0)
    assert timeline.heal_all(1000.0) == []
    assert [(s, n) for s, n, _ in log] == [("inject", "restart")]
