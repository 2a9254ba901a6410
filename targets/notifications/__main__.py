"""`python -m targets.notifications`: serve the notification channels and their delivery log."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI

from harness.limits import CUSTOMERS
from targets.notifications.app import build_app
from targets.profiles import Profile
from targets.service import base_parser, run_main


def customers_count(raw: str) -> int:
    """`--customers`: a whole number within `harness.limits.CUSTOMERS`."""
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a whole number") from None
    if value not in CUSTOMERS:
        raise argparse.ArgumentTypeError(f"{value} is outside {CUSTOMERS}")
    return value


def notifications_parser() -> argparse.ArgumentParser:
    """Common service flags plus the delivery log's file and the seeded customers."""
    parser = base_parser("notifications", "SMS / push / e-mail mock with a delivery log.")
    parser.add_argument(
        "--db",
        type=Path,
        default=os.environ.get("BANK_DB"),
        help="SQLite file of the delivery log (kept across restarts); none: in memory",
    )
    parser.add_argument(
        "--customers",
        type=customers_count,
        default=os.environ.get("BANK_CUSTOMERS", "50"),
        help="customers seeded (CUST-0001 ...): the audience of a notification to all",
    )
    return parser


def build(args: argparse.Namespace, profile: Profile) -> FastAPI:
    """The notifications app as the command line asks for it."""
    return build_app(
        profile,
        seed=args.seed,
        credentials=args.credentials,
        db_path=args.db,
        customers=args.customers,
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point."""
    run_main(build, notifications_parser(), argv)


if __name__ == "__main__":
    main()
