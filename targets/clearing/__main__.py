"""`python -m targets.clearing`: serve the interbank scheme mock."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from fastapi import FastAPI

from targets.clearing.app import build_app
from targets.clearing.scheme import SchemeConfig
from targets.profiles import Profile
from targets.service import base_parser, run_main


def clearing_parser() -> argparse.ArgumentParser:
    """Common service flags plus the scheme's processing time, reject rate and seed."""
    parser = base_parser("clearing", "Interbank clearing-house (payment scheme) mock.")
    parser.add_argument("--processing-ms", type=int, default=SchemeConfig.processing_ms)
    parser.add_argument("--reject-rate", type=float, default=SchemeConfig.reject_rate)
    return parser


def build(args: argparse.Namespace, profile: Profile) -> FastAPI:
    """The clearing app as the command line asks for it."""
    config = SchemeConfig(processing_ms=args.processing_ms, reject_rate=args.reject_rate)
    return build_app(config, seed=args.seed, credentials=args.credentials, profile=profile)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point."""
    run_main(build, clearing_parser(), argv)


if __name__ == "__main__":
    main()
