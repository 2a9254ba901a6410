"""A tiny experiment file for end-to-end tests: seconds long, one journey, one fault."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

BASE: dict[str, Any] = {
    "title": "A link goes down for a known time",
    "incident": {
        "org": "Test",
        "date": "2026-01-01",
        "summary": "A synthetic outage.",
        "sources": ["https://example.org/test"],
    },
    "profiles": {"hardened": {"verdict": "pass"}},
    "load": {
        "users": 8,
        "rate_per_s": 20,
        "mix": {"balance": 1},
        "think_time_s": [0, 0],
        "client_timeout_s": 2,
        "customers": 10,
    },
    "phases": {"baseline": "3s", "fault": "2s", "recovery": "8s"},
    "slo": {"balance": {"baseline": {"availability_pct": 95}}},
    "invariants": ["money_conserved", "no_negative_balances"],
}


def write_experiment(folder: Path, name: str, **changes: Any) -> Path:
    """Write `<name>.yaml` in `folder` from BASE with top-level keys replaced."""
    document = {"name": name, **BASE, **changes}
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path
