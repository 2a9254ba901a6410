"""Owners: the launcher records one next to the run marker; alive means same host, same PID
and same start time, so a dead harness or a recycled PID is told from a live one."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from harness.runtime.launcher import RUN_MARKER, launch, terminate
from harness.runtime.ownership import (
    OWNER_MARKER,
    Liveness,
    Owner,
    read_owner_file,
    start_ticks,
    this_harness,
    write_owner_file,
)
from harness.runtime.processes import find_leftovers

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def dead_owner() -> Owner:
    """The identity of a harness that has exited (a child started, then reaped)."""
    child = subprocess.Popen(SLEEPER)
    owner = Owner(socket.gethostname(), child.pid, start_ticks(child.pid) or 0)
    child.kill()
    child.wait()
    return owner


def test_this_harness_is_alive_and_a_reaped_one_is_gone() -> None:
    assert this_harness().liveness() is Liveness.ALIVE
    assert dead_owner().liveness() is Liveness.GONE


def test_a_recycled_pid_is_not_the_owner() -> None:
    """Same host and PID but another start time: the owner died and its PID was reused."""
    me = this_harness()
    assert Owner(me.host, me.pid, me.started + 1).liveness() is Liveness.GONE


def test_an_owner_on_another_host_is_neither_alive_nor_gone() -> None:
    me = this_harness()
    assert Owner(me.host + "-elsewhere", me.pid, me.started).liveness() is Liveness.ELSEWHERE


def test_owner_text_round_trips_and_junk_is_none() -> None:
    owner = Owner("host:with:colons", 42, 1234)
    assert Owner.parse(owner.text) == owner
    for junk in (None, "", "host", "host:1", "host:x:2", ":1:2"):
        assert Owner.parse(junk) is None


def test_the_launcher_records_the_owner_next_to_the_run_marker() -> None:
    child = launch(SLEEPER, env=dict(os.environ), run_id="run-owned")
    try:
        (found,) = [p for p in find_leftovers() if p.run_id == "run-owned"]
        assert found.pid == child.pid
        assert found.owner == this_harness()
    finally:
        terminate(child)


def test_a_run_child_passes_its_owner_on() -> None:
    """A process a run's child starts (say, a load worker) belongs to the same harness."""
    code = (
        "import os, sys; from harness.runtime.launcher import launch, terminate; "
        "c = launch([sys.executable, '-c', 'import time; time.sleep(60)'], "
        "env=dict(os.environ), run_id='run-nested'); print(c.pid, flush=True); "
        "sys.stdin.read(); terminate(c)"
    )
    env = {**os.environ, RUN_MARKER: "run-nested", OWNER_MARKER: "far:1:2"}
    middle = subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert middle.stdout is not None
        grandchild = int(middle.stdout.readline())
        (found,) = [p for p in find_leftovers() if p.pid == grandchild]
        assert found.owner == Owner("far", 1, 2)
    finally:
        middle.communicate(timeout=30)


def test_the_run_folder_records_its_owner(tmp_path: Path) -> None:
    assert read_owner_file(tmp_path) is None
    write_owner_file(tmp_path, this_harness())
    assert read_owner_file(tmp_path) == this_harness()
