"""The one process launcher: start a child with the run marker, stop it with SIGTERM, wait,
then SIGKILL.

Every process a run starts (bank services, the fault proxy, the load) goes through here, so
each carries `BANK_CHAOS_RUN=<run id>` (how `harness doctor` finds what a killed harness left)
and, next to it, `BANK_CHAOS_OWNER=<host>:<pid>:<start>` (the harness that owns it, so doctor
leaves a live run alone); each stops the same way: SIGCONT in case it was frozen, SIGTERM, a
bounded wait, SIGKILL, and a reap. Knows nothing of what the processes are.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from typing import IO

from harness.interrupts import shielded
from harness.runtime.ownership import OWNER_MARKER, this_harness

RUN_MARKER = "BANK_CHAOS_RUN"
KILL_WAIT_S = 5.0

Output = IO[bytes] | int | None


def launch(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    run_id: str | None = None,
    stdout: Output = subprocess.DEVNULL,
    stderr: Output = subprocess.STDOUT,
    new_session: bool = True,
) -> subprocess.Popen[bytes]:
    """Start `argv` (stdin closed) with the run marker when `run_id` is given (or `env` has it),
    and then with its owner: this harness, or the owner this process inherited as a run's child.

    A new session keeps the terminal's Ctrl-C away from the child: the harness stops it.
    Shielded, so an interruption cannot land between the fork and the caller holding the PID.
    """
    marked = {**env, RUN_MARKER: run_id} if run_id is not None else dict(env)
    if RUN_MARKER in marked:
        marked[OWNER_MARKER] = _owner_for(marked[RUN_MARKER])
    with shielded():
        return subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            env=marked,
            start_new_session=new_session,
        )


def _owner_for(run_id: str) -> str:
    """The owner to record: inherited when this process is itself a child of run `run_id`."""
    inherited = os.environ.get(OWNER_MARKER)
    if inherited and os.environ.get(RUN_MARKER) == run_id:
        return inherited
    return this_harness().text


def _ask_to_stop(popen: subprocess.Popen[bytes]) -> None:
    if popen.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(popen.pid, signal.SIGCONT)  # a frozen process cannot act on SIGTERM
            popen.send_signal(signal.SIGTERM)


def _reap(popen: subprocess.Popen[bytes], deadline: float) -> bool:
    """Wait until `deadline`, then SIGKILL; whether the process is gone."""
    try:
        popen.wait(timeout=max(0.0, deadline - time.monotonic()))
        return True
    except subprocess.TimeoutExpired:
        popen.kill()
    try:
        popen.wait(timeout=KILL_WAIT_S)
        return True
    except subprocess.TimeoutExpired:
        return False


def terminate(popen: subprocess.Popen[bytes], timeout_s: float = 5.0) -> int | None:
    """SIGTERM, wait up to `timeout_s`, then SIGKILL; the exit code (None if it would not die)."""
    _ask_to_stop(popen)
    return popen.returncode if _reap(popen, time.monotonic() + timeout_s) else None


def terminate_all(
    popens: Mapping[str, subprocess.Popen[bytes]], timeout_s: float = 5.0
) -> list[str]:
    """Stop all at once (SIGTERM to each, one shared wait, then SIGKILL); the names left alive."""
    for popen in popens.values():
        _ask_to_stop(popen)
    deadline = time.monotonic() + timeout_s
    return [name for name, popen in popens.items() if not _reap(popen, deadline)]
