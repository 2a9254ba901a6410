"""The harness works unchanged against a real Toxiproxy: a whole experiment, both profiles,
through Shopify's Toxiproxy 2.8.0 instead of the built-in fault proxy, with the same verdicts,
and nothing left on that server afterwards."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.tiny import unless_the_machine_was_busy
from tests.faultproxy.servers import REFERENCE, ServerProcess, reference_missing_reason

REPO = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        reference_missing_reason() is not None, reason=str(reference_missing_reason())
    ),
]


def test_interbank_crash_gives_the_same_verdicts_through_a_real_toxiproxy(tmp_path: Path) -> None:
    server = ServerProcess(REFERENCE, (), tmp_path / "toxiproxy.log")
    server.start()
    try:
        done = subprocess.run(
            [
                sys.executable, "-m", "harness", "run",
                str(REPO / "experiments" / "interbank-core-crash.yaml"),
                "--time-scale", "0.1",
                "--toxiproxy-url", f"http://127.0.0.1:{server.port}",
                "--out", str(tmp_path / "reports"),
            ],
            capture_output=True, text=True, timeout=600, check=False, cwd=REPO,
        )  # fmt: skip
        unless_the_machine_was_busy(done.stderr)
        assert done.returncode == 0, done.stderr[-3000:]
        assert done.stderr.count("✔ interbank-core-crash") == 2, done.stderr[-3000:]
        status, body = server.get("/proxies")
        assert (status, json.loads(body)) == (200, {}), "the run left proxies on the server"
    finally:
        server.stop()
