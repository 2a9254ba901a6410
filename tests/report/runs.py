"""Synthetic, deterministic run folders as the engine stores them, for the report tests.

`build_run` writes run.json (a real `RunRecord`), the experiment copy, load.jsonl, exports/ (a
small real bank built with the invariant tests' `Story`), logs/ and then runs the real offline
analysis and report (`harness.cli.commands.judge`): result.json, junit.xml and report.html.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from harness.analysis.assessment import RunOutcome
from harness.cli.commands import judge
from harness.history.record import (
    PhaseSpan,
    PlannedAction,
    RunRecord,
    ScheduleRecord,
    TimelineEvent,
    write_record,
)
from harness.history.samples import Sample
from tests.invariants.bank import Story, fmt

T0 = 1_800_000_000.0
HOSTILE = '<script>alert("x")</script> & <b>bold</b>'

EXPERIMENT = """\
name: {name}
title: {title}
incident:
  org: Example Bank & Co
  date: 2024-10-30
  summary: The core ledger crashed at peak; balances failed for ten minutes.
  sources:
    - https://example.org/incident?a=1&b="2"
profiles:
  hardened:
    verdict: pass
  fragile:
    verdict: fail
    because: [slo:balance:fault:availability]
load:
  users: 10
  rate_per_s: {rate}
  mix: {{balance: 75, transfer: 25}}
  client_timeout_s: 5
  customers: 3
phases:
  baseline: {baseline}s
  fault: {fault}s
  recovery: {recovery}s
timeline:
  - at: fault
    action: crash
    service: core-dc-a
    duration: {fault}s
slo:
  balance:
    baseline: {{availability_pct: 99, p99_ms: 800}}
    fault: {{availability_pct: 95}}
recovery:
  journeys: [balance]
  max_time_to_recover_s: 10
  window_s: 2
invariants: [money_conserved, acknowledged_durable]
"""


@dataclass(frozen=True)
class RunSpec:
    """What to simulate: the experiment, the profile and how the bank behaved."""

    run_id: str
    name: str = "demo-core-crash"
    title: str = "Core crash at peak"
    profile: str = "fragile"
    started_offset_s: float = 0.0
    baseline_s: int = 5
    fault_s: int = 10
    recovery_s: int = 15
    rate_per_s: int = 8
    balance_fails_in_fault: bool = True
    lose_a_transfer: bool = False
    failed_heal: bool = False


def _samples(spec: RunSpec, t0: float) -> list[Sample]:
    total = spec.baseline_s + spec.fault_s + spec.recovery_s
    fault = (spec.baseline_s, spec.baseline_s + spec.fault_s)
    samples = []
    for second in range(total):
        for k in range(spec.rate_per_s):
            t = t0 + second + k / spec.rate_per_s
            broken = spec.balance_fails_in_fault and fault[0] <= second < fault[1]
            latency = 40.0 + 7.0 * (k % 5) + (400.0 if fault[0] <= second < fault[1] else 0.0)
            if k % 4 == 3:
                continue
            samples.append(
                Sample(
                    t,
                    "balance",
                    503 if broken else 200,
                    latency,
                    "failed" if broken else "ok",
                    "CUST-0001",
                )
            )
        tid = f"T{second:04d}"
        samples.append(
            Sample(
                t0 + second + 0.5,
                "transfer",
                201,
                120.0,
                "ok",
                "CUST-0001",
                transfer_id=tid,
                idempotency_key=f"K-{tid}",
                payment_status="ACSC",
                amount=fmt(100),
            )
        )
    return samples


def _exports(folder: Path, spec: RunSpec, total_s: int) -> None:
    story = Story()
    for second in range(total_s):
        tid = f"T{second:04d}"
        lost = spec.lose_a_transfer and second in (7, 8)
        story.transfer(tid, 1 + second % 3, 1 + (second + 1) % 3, 100, post=not lost)
    core, active, payments, clearing = story.exports()
    folder.mkdir(parents=True)
    for dc, export in core.items():
        (folder / f"core-{dc}.json").write_text(json.dumps(export))
    (folder / "payments.json").write_text(json.dumps(payments))
    (folder / "clearing.json").write_text(json.dumps(clearing))
    opened = {
        "incident_id": "INC-0001", "kind": "availability", "title": "Payments degraded",
        "status": "investigating", "components": ["transfers_on_us"], "source": "burn_rate",
        "opened_at_s": T0 + spec.baseline_s + 3.0, "resolved_at_s": None, "updates": [],
    }  # fmt: skip
    (folder / "status.json").write_text(
        json.dumps({"service": "status", "incidents": [opened], "detections": []})
    )
    (folder / "placement.json").write_text(json.dumps({"active_dc": active}))


def _timeline(spec: RunSpec, t0: float) -> tuple[TimelineEvent, ...]:
    inject, heal = float(spec.baseline_s) + 0.004, float(spec.baseline_s + spec.fault_s) + 0.002
    what = "crash core-dc-a (kill -9)"
    return (
        TimelineEvent(inject, t0 + inject, "inject", "crash", what, "ok"),
        TimelineEvent(
            heal,
            t0 + heal,
            "heal",
            "crash",
            what,
            "failed" if spec.failed_heal else "ok",
            f"restart timed out {HOSTILE}" if spec.failed_heal else "",
        ),
    )


def build_run(runs_dir: Path, spec: RunSpec) -> RunOutcome:
    """Write one stored run under runs_dir and analyse it; returns the analysis outcome."""
    folder = runs_dir / spec.run_id
    folder.mkdir(parents=True)
    t0 = T0 + spec.started_offset_s
    total = spec.baseline_s + spec.fault_s + spec.recovery_s
    yaml = EXPERIMENT.format(
        name=spec.name,
        title=json.dumps(spec.title),
        rate=spec.rate_per_s,
        baseline=spec.baseline_s,
        fault=spec.fault_s,
        recovery=spec.recovery_s,
    )
    (folder / f"{spec.name}.yaml").write_text(yaml)
    started = datetime.fromtimestamp(t0 - 2.0, UTC).isoformat()
    ended = datetime.fromtimestamp(t0 + total + 3.0, UTC).isoformat()
    fault_end = float(spec.baseline_s + spec.fault_s)
    phases = (
        PhaseSpan("baseline", 0.0, float(spec.baseline_s)),
        PhaseSpan("fault", float(spec.baseline_s), fault_end),
        PhaseSpan("recovery", fault_end, float(total)),
    )
    action = PlannedAction(
        0, float(spec.baseline_s), float(spec.fault_s), "crash", "crash core-dc-a (kill -9)"
    )
    record = RunRecord(
        run_id=spec.run_id,
        experiment=spec.name,
        source=f"experiments/{spec.name}.yaml",
        profile=spec.profile,
        seed=7,
        time_scale=1.0,
        runtime="local",
        harness_version="0.1.0",
        started_at=started,
        status="completed",
        overrides=("balance_cache=off",),
        ended_at=ended,
        t0_s=t0,
        schedule=ScheduleRecord(float(total), phases, (action,)),
        bank_startup_s=4.5,
        timeline=_timeline(spec, t0),
        notes=(f"note with markup {HOSTILE}",),
        active_dc="dc-a",
    )
    write_record(folder, record)
    with (folder / "load.jsonl").open("w") as stream:
        for sample in _samples(spec, t0):
            stream.write(json.dumps(asdict(sample)) + "\n")
    _exports(folder / "exports", spec, total)
    (folder / "logs").mkdir()
    (folder / "logs" / "core-dc-a.log").write_text('{"event": "started"}\n')
    return judge(folder)
