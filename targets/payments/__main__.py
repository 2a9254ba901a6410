"""`python -m targets.payments`: serve the payments service."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI

from targets.payments.app import PaymentsConfig, build_app
from targets.profiles import Profile
from targets.service import base_parser, run_main


def payments_parser() -> argparse.ArgumentParser:
    """Common service flags plus where the core, the scheme and the database are."""
    parser = base_parser("payments", "Instant interbank payments through the clearing scheme.")
    parser.add_argument(
        "--core-url",
        default=os.environ.get("BANK_CORE_URL", "http://127.0.0.1:8001"),
        help="the payments-core proxy (env BANK_CORE_URL)",
    )
    parser.add_argument(
        "--clearing-url",
        default=os.environ.get("BANK_CLEARING_URL", "http://127.0.0.1:8003"),
        help="the payments-clearing proxy (env BANK_CLEARING_URL)",
    )
    parser.add_argument(
        "--db",
        default=os.environ.get("BANK_DB", "payments.sqlite"),
        help="SQLite file (env BANK_DB)",
    )
    return parser


def build(args: argparse.Namespace, profile: Profile) -> FastAPI:
    """The payments app as the command line asks for it."""
    config = PaymentsConfig(
        core_url=args.core_url,
        clearing_url=args.clearing_url,
        db_path=Path(args.db),
        credentials=args.credentials,
        seed=args.seed,
    )
    return build_app(config, profile)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point."""
    run_main(build, payments_parser(), argv)


if __name__ == "__main__":
    main()
