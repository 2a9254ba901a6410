"""Runs one experiment against one profile: up -> load -> timeline -> heal -> export -> down.

The engine writes everything a run observed into its run folder *before* any analysis
(`run.json`, `load.jsonl`, `exports/*.json`, `logs/`), so `harness report RUN_DIR` can re-check a
stored run offline. Whatever happens (normal end, abort condition, Ctrl-C, SIGTERM, a crash of
the harness's own code), the `finally` heals every fault, stops the load and stops the bank.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import structlog

from harness import __version__
from harness.control.bank import BankAdmin
from harness.control.toxiproxy import ProxyControl
from harness.engine.abort import AbortWatch
from harness.engine.bankwatch import BankWatch
from harness.engine.exports import collect_exports, settle_payments
from harness.engine.load_config import load_config
from harness.engine.progress import Progress
from harness.engine.timeline import Scheduled, Timeline
from harness.errors import ConfigError, LoadError, UnplannedExitError
from harness.faults import FaultContext, build_fault
from harness.history.record import (
    AbortRecord,
    PhaseSpan,
    PlannedAction,
    RunRecord,
    ScheduleRecord,
    write_record,
)
from harness.interrupts import Interrupted, interruptible, shielded
from harness.load.process import LoadProcess
from harness.runtime import make_runtime
from harness.runtime.base import BankConfig
from harness.seeds import DEFAULT_SEED
from harness.spec.model import Experiment
from harness.spec.schedule import Schedule

log = structlog.get_logger()

END_GRACE_S = 5.0
"""Beyond two client timeouts, how long the load may take to finish and flush at the end."""


@dataclass(frozen=True)
class RunOptions:
    profile: str
    time_scale: float = 1.0
    seed: int = DEFAULT_SEED
    runtime: str = "local"
    toxiproxy_url: str | None = None
    out_dir: Path = Path("reports")
    progress: bool = False


def overrides_for(experiment: Experiment, profile: str) -> tuple[str, ...]:
    """The profile's knob overrides from the experiment file, as `knob=value` items."""
    return tuple(f"{k}={v}" for k, v in experiment.profiles[profile].knob_settings().items())


def new_run_id(experiment: str, profile: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    return f"{stamp}-{experiment}-{profile}-{os.getpid()}"


def run_experiment(experiment: Experiment, source: Path, options: RunOptions) -> Path:
    """Run `experiment` with `options`; returns the run folder. Raises HarnessError subclasses."""
    if options.profile not in experiment.profiles:
        valid = ", ".join(experiment.profiles)
        raise ConfigError(
            f"{source}: profile {options.profile!r} is not in this experiment; valid: {valid}"
        )
    return ExperimentRun(experiment, source, options).run()


class ExperimentRun:
    """One run's state between the edges: its folder, its record, and what it started."""

    def __init__(self, experiment: Experiment, source: Path, options: RunOptions) -> None:
        self.experiment = experiment
        self.options = options
        self.schedule = experiment.schedule(options.time_scale)
        self.scheduled = _scheduled(self.schedule)
        run_id = new_run_id(experiment.name, options.profile)
        self.run_dir = options.out_dir / "runs" / run_id
        (self.run_dir / "exports").mkdir(parents=True)
        shutil.copyfile(source, self.run_dir / f"{experiment.name}.yaml")
        self.record = RunRecord(
            run_id=run_id,
            experiment=experiment.name,
            source=str(source),
            profile=options.profile,
            seed=options.seed,
            time_scale=options.time_scale,
            runtime=options.runtime,
            harness_version=__version__,
            started_at=datetime.now(UTC).isoformat(),
            overrides=overrides_for(experiment, options.profile),
        )
        self.config = BankConfig(
            run_id=run_id,
            run_dir=self.run_dir,
            profile=options.profile,
            overrides=overrides_for(experiment, options.profile),
            seed=options.seed,
            customers=experiment.load.customers,
            toxiproxy_url=options.toxiproxy_url,
        )
        self.runtime = make_runtime(options.runtime)
        self.timeline: Timeline | None = None
        self.load: LoadProcess | None = None
        self.t0 = time.time()

    def run(self) -> Path:
        structlog.contextvars.bind_contextvars(run_id=self.config.run_id)
        self._save()
        try:
            with interruptible():
                self._execute()
        except (
            UnplannedExitError
        ) as exc:  # recorded, not raised: the run is inconclusive, with a report
            self.record = self.record.evolve(status="error", error=f"the bank broke: {exc}")
            log.warning("bank_died", error=str(exc))
        except Interrupted as exc:
            self.record = self.record.evolve(status="interrupted", error=f"interrupted by {exc}")
            raise
        except Exception as exc:
            self.record = self.record.evolve(status="error", error=f"{type(exc).__name__}: {exc}")
            raise
        finally:
            with shielded(then_raise=False):
                self._tear_down()
                self._save()
                structlog.contextvars.unbind_contextvars("run_id")
        return self.run_dir

    def _execute(self) -> None:
        starting = time.monotonic()
        placement = self.runtime.start(self.config)
        self.record = self.record.evolve(bank_startup_s=round(time.monotonic() - starting, 2))
        admin = BankAdmin(placement, self.config.admin_token)
        ctx = FaultContext(
            self.runtime,
            ProxyControl(placement.proxy_api),
            admin,
            placement,
            run_dir=self.run_dir,
            seed=self.options.seed,
            customers=self.config.customers,
        )
        self.timeline = Timeline(self.scheduled, ctx)
        samples = self.run_dir / "load.jsonl"
        config = load_config(self.experiment, placement, self.schedule, self.options.seed)
        self.load = LoadProcess.start(config, samples, run_id=self.config.run_id)
        self.t0 = self.load.await_ready()  # the first request falls due at t0
        self.record = self.record.evolve(
            t0_s=self.t0, schedule=_schedule_record(self.schedule, self.scheduled), status="running"
        )
        self._save()
        watch = AbortWatch(self.experiment.abort, samples, self.t0)
        progress = Progress(self.schedule, watch, enabled=self.options.progress)
        bank = BankWatch(self.runtime)

        def tick(now_s: float) -> AbortRecord | None:
            bank.check(now_s)
            return progress.tick(now_s)

        abort = self.timeline.run(self.t0, self.schedule.total_s, should_abort=tick)
        progress.close()
        self.record = self.record.evolve(machine=bank.machine.record())
        self._end_load(graceful=abort is None)
        self.record = self.record.evolve(unhealed=tuple(self.timeline.heal_all(self.t0)))
        settle_payments(admin, timeout_s=10.0)
        collect_exports(admin, ctx.placement, self.run_dir / "exports")
        self.record = self.record.evolve(
            abort=abort,
            status="aborted" if abort else "completed",
            active_dc=ctx.placement.active_dc,
        )

    def _end_load(self, graceful: bool) -> None:
        """Let the load finish the requests it started (its last seconds count), or stop it
        at once after an abort; then record how the generator fared."""
        assert self.load is not None
        if graceful:
            try:
                self.load.wait(timeout_s=2 * self.experiment.load.client_timeout_s + END_GRACE_S)
            except LoadError:
                log.warning("load_overran", pid=self.load.pid)
        self.load.stop()
        self.record = self.record.evolve(load=self.load.summary())

    def _tear_down(self) -> None:
        """Stop the load, heal every fault, stop the bank; collects problems, never raises."""
        problems: list[str] = []
        if self.load is not None:
            try:
                self.load.stop()
            except Exception as exc:
                problems.append(f"load: {exc}")
        if self.timeline is not None:
            problems += [f"not healed: {d}" for d in self.timeline.heal_all(self.t0)]
            self.record = self.record.evolve(
                timeline=tuple(self.timeline.events), notes=tuple(self.timeline.ctx.notes)
            )
        problems += self.runtime.stop()
        self.record = self.record.evolve(
            ended_at=datetime.now(UTC).isoformat(), teardown_problems=tuple(problems)
        )
        if problems:
            log.warning("teardown_problems", problems=problems)

    def _save(self) -> None:
        write_record(self.run_dir, self.record)


def _scheduled(schedule: Schedule) -> list[Scheduled]:
    return [Scheduled(a.offset_s, build_fault(a.action), a.duration_s) for a in schedule.actions]


def _schedule_record(schedule: Schedule, scheduled: list[Scheduled]) -> ScheduleRecord:
    return ScheduleRecord(
        total_s=schedule.total_s,
        phases=tuple(PhaseSpan(p.name, p.start_s, p.end_s) for p in schedule.phases),
        actions=tuple(
            PlannedAction(a.index, a.offset_s, a.duration_s, a.action.action, item.fault.describe())
            for a, item in zip(schedule.actions, scheduled, strict=True)
        ),
    )
