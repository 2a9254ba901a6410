"""`python -m targets.contact_centre`: serve the contact centre (agents etc. are profile knobs)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from fastapi import FastAPI

from targets.contact_centre.app import build_app
from targets.profiles import Profile
from targets.service import base_parser, run_main


def contact_parser() -> argparse.ArgumentParser:
    """The common service flags: agents, queue and callbacks come from the profile."""
    return base_parser("contact_centre", "The bank's contact centre (agents, queue, callbacks).")


def build(args: argparse.Namespace, profile: Profile) -> FastAPI:
    """The contact-centre app for the parsed flags; knobs out of range are a usage error."""
    try:
        return build_app(profile, seed=args.seed, credentials=args.credentials)
    except ValueError as exc:
        contact_parser().error(str(exc))
        raise  # unreachable: error exits


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point."""
    run_main(build, contact_parser(), argv)


if __name__ == "__main__":
    main()
