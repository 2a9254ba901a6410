"""The `harness` command: run, suite, list, validate, up, down, report, doctor.

Only this module exits the process. Exit codes: 0 every verdict as expected, 1 an expectation
failed, 2 bad input, 3 infrastructure error (or an interrupted run).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from harness import __version__
from harness.cli import commands
from harness.errors import EXIT_INFRA, HarnessError
from harness.flags import LOG_LEVELS, seed_value
from harness.logs import configure_logging
from harness.runtime import RUNTIMES
from harness.seeds import DEFAULT_SEED
from targets.profiles import PROFILES

RUNTIME_NAMES = tuple(RUNTIMES)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile", action="append", help="profile(s) to run (default: all in the file)"
    )
    parser.add_argument(
        "--time-scale", type=float, default=1.0, help="multiply every duration (0.1 = 10x faster)"
    )
    parser.add_argument(
        "--seed",
        type=seed_value,
        default=None,
        help=f"seed for every random choice (default: the file's, else {DEFAULT_SEED})",
    )
    parser.add_argument(
        "--runtime", default="local", choices=RUNTIME_NAMES, help="where the bank runs"
    )
    parser.add_argument(
        "--toxiproxy-url",
        default=None,
        help="use a Toxiproxy server that already runs (default: start the built-in one)",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("reports"), help="where reports go (default: reports)"
    )


def _log_level(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument(
        "--log-level",
        default=default,
        type=str.lower,
        choices=LOG_LEVELS,
        help="how much the harness logs (default: warning)",
    )


class _Subcommand(argparse.ArgumentParser):
    """A subcommand's parser: it also takes `--log-level`, so it works after the command too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _log_level(self, default=argparse.SUPPRESS)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="harness", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"harness {__version__}")
    _log_level(parser, default="warning")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Subcommand)
    run = sub.add_parser("run", help="run one experiment file")
    run.add_argument("file", type=Path, help="the experiment file (YAML)")
    _common(run)
    suite = sub.add_parser("suite", help="run experiments (default: experiments/*.yaml) x profiles")
    suite.add_argument("files", type=Path, nargs="*", help="experiment files (default: all)")
    _common(suite)
    sub.add_parser("list", help="list the experiments").add_argument("files", type=Path, nargs="*")
    sub.add_parser("validate", help="check experiment files").add_argument(
        "files", type=Path, nargs="+"
    )
    up = sub.add_parser("up", help="start the bank for manual poking (Ctrl-C stops it)")
    up.add_argument(
        "--profile", default="hardened", choices=tuple(PROFILES), help="resilience profile"
    )
    up.add_argument("--customers", type=_positive_int, default=20, help="funded customers to seed")
    up.add_argument(
        "--seed", type=seed_value, default=DEFAULT_SEED, help="seed of the bank's random draws"
    )
    up.add_argument("--runtime", default="local", choices=RUNTIME_NAMES, help="where the bank runs")
    up.add_argument("--out", type=Path, default=Path("reports"), help="where its logs and state go")
    up.add_argument(
        "--toxiproxy-url",
        default=None,
        help="use a Toxiproxy server that already runs (default: start the built-in one)",
    )
    down = sub.add_parser("down", help="stop the bank `harness up --out OUT` started elsewhere")
    down.add_argument("--out", type=Path, default=Path("reports"), help="the `up`'s --out")
    report = sub.add_parser("report", help="re-analyse a stored run and rewrite its reports")
    report.add_argument("run_dir", type=Path, help="a run folder under reports/runs/")
    doctor = sub.add_parser("doctor", help="remove what runs whose harness is gone left behind")
    doctor.add_argument("--out", type=Path, default=Path("reports"), help="where runs are stored")
    doctor.add_argument(
        "--all", action="store_true", help="remove every run's leftovers, live runs included"
    )
    images = sub.add_parser("images", help="build the Docker images (offline when no registry)")
    images.add_argument(
        "--base-image", default=None, help="base image (default: python:3.11-slim, or offline)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    configure_logging(args.log_level)
    try:
        code = dispatch(args)
    except HarnessError as exc:
        print(f"harness: {exc}", file=sys.stderr)
        code = exc.exit_code
    except KeyboardInterrupt:
        print("harness: interrupted; everything the run started was stopped", file=sys.stderr)
        code = EXIT_INFRA
    sys.exit(code)


def dispatch(args: argparse.Namespace) -> int:
    handler = getattr(commands, f"cmd_{args.command}")
    code: int = handler(args)
    return code
