"""The one launcher: run marker in the child's environment; SIGTERM, wait, SIGKILL; frozen
children are thawed so they can stop gracefully."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from harness.runtime.launcher import RUN_MARKER, launch, terminate, terminate_all

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]
STUBBORN = [
    sys.executable,
    "-c",
    "import signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    "print('ready', flush=True); time.sleep(60)",
]


def test_child_carries_the_run_marker() -> None:
    child = launch(SLEEPER, env=dict(os.environ), run_id="run-42")
    try:
        environ = Path(f"/proc/{child.pid}/environ").read_bytes().split(b"\0")
        assert f"{RUN_MARKER}=run-42".encode() in environ
    finally:
        terminate(child)


def test_sigterm_first_sigkill_when_ignored() -> None:
    polite = launch(SLEEPER, env=dict(os.environ))
    assert terminate(polite, timeout_s=5) == -signal.SIGTERM
    stubborn = launch(STUBBORN, env=dict(os.environ), stdout=-1)
    assert stubborn.stdout is not None and stubborn.stdout.readline() == b"ready\n"
    started = time.monotonic()
    assert terminate(stubborn, timeout_s=0.5) == -signal.SIGKILL
    assert time.monotonic() - started < 5


def test_a_frozen_child_is_thawed_and_stops_on_sigterm() -> None:
    frozen = launch(SLEEPER, env=dict(os.environ))
    os.kill(frozen.pid, signal.SIGSTOP)
    assert terminate_all({"frozen": frozen}, timeout_s=5) == []
    assert frozen.returncode == -signal.SIGTERM
