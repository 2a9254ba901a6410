"""End-to-end test helpers: a tiny experiment file (seconds long, one journey), and waits."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
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
        "client_timeout_s": 2,
        "customers": 10,
    },
    "phases": {"baseline": "3s", "fault": "2s", "recovery": "8s"},
    "slo": {"balance": {"baseline": {"availability_pct": 95}}},
    "invariants": ["money_conserved", "no_negative_balances"],
}


def unless_the_machine_was_busy(said: str) -> None:
    """Skip, saying why, when the run was inconclusive because other work took the machine's
    CPU (`machine:cpu`): a verdict test cannot pass or fail on such a run."""
    if "machine:cpu:" in said:
        line = next(ln for ln in said.splitlines() if "machine:cpu:" in ln)
        pytest.skip(f"the machine was busy with other work: {line.strip()[:300]}")


def write_experiment(folder: Path, name: str, **changes: Any) -> Path:
    """Write `<name>.yaml` in `folder` from BASE with top-level keys replaced."""
    document = {"name": name, **BASE, **changes}
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def wait_for(what: str, condition: Callable[[], bool], timeout_s: float = 60) -> None:
    """Poll `condition` every 50 ms; AssertionError naming `what` after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def run_started(out: Path, name: str) -> Callable[[], bool]:
    """A condition: the run of experiment `name` under `out` has its bank up and load going."""

    def started() -> bool:
        runs = list((out / "runs").glob(f"*-{name}-*/run.json"))
        return bool(runs) and json.loads(runs[0].read_text()).get("status") == "running"

    return started


def start_bank(out: Path, *flags: str) -> subprocess.Popen[str]:
    """`harness up --customers 3 --out OUT FLAGS...`, its output piped for `bank_location`."""
    return subprocess.Popen(
        [sys.executable, "-m", "harness", "up", "--customers", "3", "--out", str(out), *flags],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def bank_location(up: subprocess.Popen[str]) -> dict[str, Any]:
    """The JSON that `harness up` prints once the bank is up (read from its stdout)."""
    assert up.stdout is not None
    lines: list[str] = []
    while not lines or lines[-1] != "}\n":
        line = up.stdout.readline()
        assert line, up.stderr.read() if up.stderr else "harness up ended"
        lines.append(line)
    where: dict[str, Any] = json.loads("".join(lines))
    return where


def log_in(edge_url: str, customer: int) -> httpx.Response:
    """A seeded customer's login through the edge (passwords as `harness up` prints them)."""
    customer_id = f"CUST-{customer:04d}"
    return httpx.post(
        f"{edge_url}/v1/auth/login",
        json={"customer_id": customer_id, "password": f"{customer_id.lower()}-correct-horse"},
        timeout=10,
    )
