"""`python -m targets.core_banking`: one core-banking data centre on --host/--port."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from fastapi import FastAPI

from targets.core_banking.app import CoreSettings, build_core_app
from targets.core_banking.node import NodeConfig
from targets.profiles import Profile
from targets.service import base_parser, run_main


def core_parser() -> argparse.ArgumentParser:
    """The common service flags plus --dc --role --epoch --db --replica-url --seed."""
    parser = base_parser("core_banking", "Mock core-banking ledger, one data centre per process.")
    parser.add_argument("--dc", choices=("dc-a", "dc-b"), default="dc-a")
    parser.add_argument(
        "--role",
        choices=("primary", "standby"),
        default="primary",
        help="role of a new ledger file; an existing file keeps its own",
    )
    parser.add_argument(
        "--epoch",
        type=int,
        default=1,
        help="epoch of a new ledger file; an existing file keeps its own",
    )
    parser.add_argument("--db", default=None, help="SQLite file (default core-<dc>.db)")
    parser.add_argument(
        "--replica-url",
        default=None,
        help="where this DC ships its journal while primary (core-replication)",
    )
    return parser


def build(args: argparse.Namespace, profile: Profile) -> FastAPI:
    db_path = args.db or os.path.abspath(f"core-{args.dc}.db")
    return build_core_app(
        CoreSettings(
            node=NodeConfig(dc=args.dc, role=args.role, epoch=args.epoch, db_path=db_path),
            profile=profile,
            replica_url=args.replica_url,
            credentials=args.credentials,
            seed=args.seed,
        )
    )


def main(argv: Sequence[str] | None = None) -> None:
    run_main(build, core_parser(), argv)


if __name__ == "__main__":
    main()
