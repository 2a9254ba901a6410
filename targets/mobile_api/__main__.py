"""`python -m targets.mobile_api`: parse flags and serve the mobile API (see docs/bank-api.md)."""

from __future__ import annotations

import argparse
import os

from fastapi import FastAPI

from targets.mobile_api.app import EdgeConfig, build_app
from targets.profiles import Profile
from targets.service import base_parser, run_main


def parser() -> argparse.ArgumentParser:
    """Every service's flags plus the mobile API's own."""
    p = base_parser("mobile_api", "The mock mobile banking API (the bank's edge).")
    p.add_argument(
        "--core-url",
        default=os.environ.get("BANK_CORE_URL", "http://127.0.0.1:8001"),
        help="the mobile-core proxy",
    )
    p.add_argument(
        "--payments-url",
        default=os.environ.get("BANK_PAYMENTS_URL", "http://127.0.0.1:8002"),
        help="the mobile-payments proxy",
    )
    p.add_argument(
        "--customers",
        type=int,
        default=int(os.environ.get("BANK_CUSTOMERS", "100")),
        help="customers seeded at start (CUST-0001 ...)",
    )
    p.add_argument(
        "--status-url",
        default=os.environ.get("BANK_STATUS_URL") or None,
        help="the mobile-status link, where the detection feed goes (none: no feed)",
    )
    return p


def build(args: argparse.Namespace, profile: Profile) -> FastAPI:
    """The app for the parsed flags."""
    config = EdgeConfig(
        core_url=args.core_url,
        payments_url=args.payments_url,
        customers=args.customers,
        seed=args.seed,
        credentials=args.credentials,
        status_url=args.status_url,
    )
    return build_app(config, profile)


if __name__ == "__main__":
    run_main(build, parser())
