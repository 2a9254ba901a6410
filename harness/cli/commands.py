"""The CLI's commands; each returns an exit code and raises HarnessError for the CLI to map."""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from harness.analysis.assessment import RunOutcome, analyse_run
from harness.cli.suite import SuiteEntry, print_table, write_suite
from harness.engine.run import RunOptions, new_run_id, run_experiment
from harness.errors import (
    EXIT_EXPECTATION,
    EXIT_INFRA,
    EXIT_INPUT,
    EXIT_OK,
    ConfigError,
    HarnessError,
)
from harness.interrupts import Interrupted, interruptible, shielded
from harness.report.digest import write_suite_reports
from harness.report.html import write_run_report
from harness.runtime import make_runtime, upfile
from harness.runtime.base import BankConfig, write_credentials
from harness.runtime.leftovers import clean
from harness.runtime.ownership import this_harness
from harness.seeds import DEFAULT_SEED
from harness.spec.files import FileRefusedError, check_path
from harness.spec.loader import load_experiment, validate_files
from harness.spec.model import Experiment
from harness.topology import SERVICE_NAMES


def experiment_files(files: Sequence[Path]) -> list[Path]:
    """The files given, or every experiments/*.yaml; a path that is missing or cannot be an
    experiment file (a named pipe, a device, a directory, over 1 MiB) is a ConfigError."""
    if not files:
        files = sorted(Path("experiments").glob("*.yaml"))
        if not files:
            raise ConfigError("no experiment files given and none in experiments/*.yaml")
    for path in files:
        try:
            check_path(path)
        except FileRefusedError as exc:
            raise ConfigError(f"{path}: {exc}") from None
    return list(files)


def _plan(files: list[Path], args: argparse.Namespace) -> list[tuple[Path, Experiment, str]]:
    """Every (file, experiment, profile) to run; all bad input is reported before any run."""
    if not math.isfinite(args.time_scale) or args.time_scale <= 0:
        raise ConfigError(f"--time-scale must be a number above 0, not {args.time_scale:g}")
    _ensure_out_dir(args.out)
    problems = [str(p) for p in validate_files(files)]
    if problems:
        raise ConfigError("\n".join(problems))
    plan: list[tuple[Path, Experiment, str]] = []
    for path in files:
        experiment = load_experiment(path)
        for profile in args.profile or list(experiment.profiles):
            if profile not in experiment.profiles:
                valid = ", ".join(experiment.profiles)
                problems.append(f"{path}: --profile {profile!r} is not in this experiment; "
                                f"valid: {valid}")  # fmt: skip
            plan.append((path, experiment, profile))
    if problems:
        raise ConfigError("\n".join(problems))
    return plan


def _ensure_out_dir(out: Path) -> None:
    try:
        (out / "runs").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigError(f"--out {out}: cannot create run folders there ({reason})") from None


def judge(run_dir: Path) -> RunOutcome:
    """Analyse a stored run (result.json, junit.xml), then render its report.html."""
    outcome = analyse_run(run_dir)
    write_run_report(run_dir)
    return outcome


def _run_one(
    path: Path, experiment: Experiment, profile: str, args: argparse.Namespace
) -> RunOutcome:
    seed = next(s for s in (args.seed, experiment.seed, DEFAULT_SEED) if s is not None)
    options = RunOptions(
        profile=profile,
        time_scale=args.time_scale,
        seed=seed,
        runtime=args.runtime,
        toxiproxy_url=args.toxiproxy_url,
        out_dir=args.out,
        progress=True,
    )
    print(f"▶ {experiment.name} [{profile}] scale {args.time_scale:g} seed {seed}", file=sys.stderr)
    outcome = judge(run_experiment(experiment, path, options))
    print(outcome.line(), file=sys.stderr)
    return outcome


def _run_many(files: list[Path], args: argparse.Namespace) -> tuple[list[SuiteEntry], bool]:
    entries: list[SuiteEntry] = []
    infra_failed = False
    for path, experiment, profile in _plan(files, args):
        outcome: RunOutcome | None
        try:
            outcome = _run_one(path, experiment, profile, args)
        except Interrupted:
            raise KeyboardInterrupt from None
        except HarnessError as exc:
            if exc.exit_code == EXIT_INPUT:
                raise
            print(f"✖ {path.stem} [{profile}]: {exc}", file=sys.stderr)
            infra_failed, outcome = True, None
        entries.append(SuiteEntry.of(path, profile, outcome))
    return entries, infra_failed


def _exit_for(entries: list[SuiteEntry], infra_failed: bool) -> int:
    """1 when a verdict contradicts its expectation; else 3 when a run said nothing about the
    bank (infrastructure error, interruption, inconclusive); else 0."""
    if any(e.outcome == "mismatch" for e in entries):
        return EXIT_EXPECTATION
    if infra_failed or any(e.outcome != "as expected" for e in entries):
        return EXIT_INFRA
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    entries, infra_failed = _run_many(experiment_files([args.file]), args)
    return _exit_for(entries, infra_failed)


def cmd_suite(args: argparse.Namespace) -> int:
    started = time.time()
    entries, infra_failed = _run_many(experiment_files(args.files), args)
    write_suite(args.out, entries, started, args)
    index, summary = write_suite_reports(args.out)
    print_table(entries)
    print(f"summary: {summary}\nreport:  {index}", file=sys.stderr)
    return _exit_for(entries, infra_failed)


def cmd_list(args: argparse.Namespace) -> int:
    for path in experiment_files(args.files):
        experiment = load_experiment(path)
        expects = ", ".join(f"{p}={e.verdict}" for p, e in experiment.profiles.items())
        print(f"{path}\t{experiment.name}\t{experiment.title}\t{expects}")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    problems = validate_files(args.files)
    for problem in problems:
        print(problem)
    if problems:
        return EXIT_INPUT
    print(f"{len(args.files)} experiment file(s) valid")
    return EXIT_OK


def cmd_up(args: argparse.Namespace) -> int:
    _ensure_out_dir(args.out)
    run_id = "up-" + new_run_id("bank", args.profile)
    config = BankConfig(
        run_id,
        args.out / "runs" / run_id,
        args.profile,
        seed=args.seed,
        customers=args.customers,
        toxiproxy_url=args.toxiproxy_url,
    )
    runtime = make_runtime(args.runtime)
    state = upfile.UpState(this_harness(), run_id, str(config.run_dir), args.runtime)
    upfile.claim(args.out, state)
    code = EXIT_OK
    try:
        with interruptible():
            placement = runtime.start(config)
            upfile.update(
                args.out,
                state.evolve(edge_url=placement.edge_url, fault_proxy_api=placement.proxy_api.url),
            )
            where = {
                "edge_url": placement.edge_url,
                "fault_proxy_api": placement.proxy_api.url,
                "services": {k: v.url for k, v in placement.services.items()},
                "admin": {k: v.url for k, v in placement.admin.items()},
                "proxies": {k: v.address for k, v in placement.proxies.items()},
                "credentials": str(write_credentials(config)),
                "customers": f"CUST-0001..CUST-{args.customers:04d}, password <id lower-cased>"
                "-correct-horse",
                "logs": str(config.run_dir / "logs"),
            }
            print(json.dumps(where, indent=2), flush=True)
            stop_hint = f"Ctrl-C here (or `harness down --out {args.out}` elsewhere) stops it"
            print(f"bank is up; {stop_hint}", file=sys.stderr)
            while all(runtime.running(name) for name in SERVICE_NAMES):
                time.sleep(1.0)
            stopped = [name for name in SERVICE_NAMES if not runtime.running(name)]
            print(f"harness up: {', '.join(stopped)} stopped; stopping the bank", file=sys.stderr)
            code = EXIT_INFRA
    except Interrupted as exc:
        print(f"harness up: {exc}; stopping the bank", file=sys.stderr)
    finally:
        with shielded(then_raise=False):  # a second signal must not leave the bank half-stopped
            problems = runtime.stop()
            upfile.release(args.out, state.owner)
        for problem in problems:
            print(f"harness up: {problem}", file=sys.stderr)
    return code


def cmd_down(args: argparse.Namespace) -> int:
    for line in upfile.stop_up(args.out):
        print(line)
    return EXIT_OK


def cmd_doctor(args: argparse.Namespace) -> int:
    return _clean(args.out, everything=args.all)


def _clean(out: Path, *, everything: bool) -> int:
    lines = clean(out, everything=everything)
    for line in lines:
        print(line)
    if not [line for line in lines if not line.startswith("warning:")]:
        print("nothing left behind")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    if not (args.run_dir / "run.json").is_file():
        raise ConfigError(f"{args.run_dir}: not a run folder (no run.json)")
    outcome = judge(args.run_dir)
    print(outcome.line())
    return EXIT_OK


def cmd_images(args: argparse.Namespace) -> int:
    from harness.runtime.images import build_images

    for line in build_images(base_image=args.base_image):
        print(line)
    return EXIT_OK
