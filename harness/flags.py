"""Command-line flag types shared by the harness, the fault proxy and the bank's services.

One definition each, so `--port`, `--log-level` and `--seed` mean the same everywhere. This
module imports nothing but the standard library: the system under test (`targets/`) may use
it without depending on any part of the harness's machinery.
"""

from __future__ import annotations

import argparse

LOG_LEVELS = ("debug", "info", "warning", "error", "critical")


def tcp_port(text: str) -> int:
    """An argparse type for a port flag: 0-65535 (0 picks a free one), never wrapped."""
    port = int(text)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a TCP port (0-65535; 0 picks a free one)")
    return port


def seed_value(text: str) -> int:
    """An argparse type for a seed flag: a whole number >= 0 (0 is a seed like any other)."""
    seed = int(text)
    if seed < 0:
        raise argparse.ArgumentTypeError(f"{seed} is not a seed (a whole number >= 0)")
    return seed
