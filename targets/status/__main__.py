"""`python -m targets.status`: serve the status service (see docs/bank-api.md)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from fastapi import FastAPI

from targets.profiles import Profile
from targets.service import base_parser, run_main
from targets.status.app import StatusConfig, build_app


def status_parser() -> argparse.ArgumentParser:
    """Every service's flags plus the status file, the probe's target and notifications."""
    parser = base_parser("status", "The bank's status page, fed by its own detection.")
    parser.add_argument(
        "--db",
        default=os.environ.get("BANK_DB", "status.db"),
        help="SQLite file: incidents and their updates persist across restarts",
    )
    parser.add_argument(
        "--probe-url", default=None, help="the edge (edge-mobile link) the outside-in probe reads"
    )
    parser.add_argument("--notifications-url", default=None, help="the status-notifications link")
    return parser


def build(args: argparse.Namespace, profile: Profile) -> FastAPI:
    """The status app for the parsed flags."""
    config = StatusConfig(
        db=args.db,
        probe_url=args.probe_url,
        notifications_url=args.notifications_url,
        seed=args.seed,
    )
    return build_app(config, profile, args.credentials)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point."""
    run_main(build, status_parser(), argv)


if __name__ == "__main__":
    main()
