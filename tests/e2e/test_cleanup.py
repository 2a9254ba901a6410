"""End to end: Ctrl-C / SIGTERM at any moment leaves nothing behind; doctor cleans after SIGKILL
and leaves a live bank alone; `harness up` stops its bank on SIGTERM and SIGHUP, and `down`."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.control.toxiproxy import ProxyControl
from harness.history.record import read_record
from harness.runtime.faultproxy_process import FaultProxyProcess, start_fault_proxy
from harness.runtime.processes import Leftover, find_leftovers
from harness.topology import LINK_NAMES
from tests.e2e.tiny import (
    bank_location,
    log_in,
    run_started,
    start_bank,
    wait_for,
    write_experiment,
)

pytestmark = pytest.mark.e2e

TOXIC = {
    "at": "fault",
    "action": "toxic",
    "link": "payments-core",
    "duration": "2s",
    "toxic": {"type": "latency", "attributes": {"latency": 50}},
}


def _stop(run: subprocess.Popen[bytes]) -> None:
    """End a harness a failed test left running the way a user would: SIGTERM, then wait."""
    if run.poll() is None:
        run.terminate()
        try:
            run.wait(timeout=60)
        except subprocess.TimeoutExpired:
            run.kill()
            run.wait()


def _harness(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "harness", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


def _ours(name: str) -> list[int]:
    return [p.pid for p in _leftovers(name)]


def _mentioning(folder: Path) -> list[int]:
    """PIDs of live processes whose command line names `folder` (marker or not)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if str(folder) in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def _leftovers(name: str) -> list[Leftover]:
    return [p for p in find_leftovers() if f"-{name}-" in p.run_id]


@pytest.fixture
def external_proxy(tmp_path: Path) -> Iterator[FaultProxyProcess]:
    """A fault proxy the harness attaches to, so the test can see the toxics it leaves."""
    with start_fault_proxy(log_path=tmp_path / "external-proxy.log") as proxy:
        yield proxy


def _toxics(control: ProxyControl) -> int:
    return sum(len(p.toxics) for p in control.list() if p.name in LINK_NAMES)


def _interrupt(
    run: subprocess.Popen[bytes], sig: signal.Signals, name: str, control: ProxyControl, when: str
) -> None:
    """Send `sig`; the run must exit 3, cleanly, leaving no process, proxy or toxic."""
    run.send_signal(sig)
    output, _ = run.communicate(timeout=60)
    assert run.returncode == 3, f"{sig.name} at {when}: {output.decode()}"
    assert b"Traceback" not in output, output.decode()
    assert _leftovers(name) == []
    assert [p.name for p in control.list() if p.name in LINK_NAMES] == []
    assert _toxics(control) == 0


@pytest.mark.parametrize("moment", ["startup", "fault", "recovery"])
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_at_any_moment_leaves_no_process_and_no_toxic(
    tmp_path: Path, external_proxy: FaultProxyProcess, moment: str, sig: signal.Signals
) -> None:
    """The run stops, exits 3, and leaves no bank process, no proxy and no toxic behind."""
    name = f"cleanup-{moment}-{sig.name.lower()}"
    path = write_experiment(tmp_path, name, timeline=[TOXIC])
    control = ProxyControl(external_proxy.api)
    run = _harness(
        "run", str(path), "--out", str(tmp_path), "--toxiproxy-url", external_proxy.api.url
    )
    try:
        if moment == "startup":  # proxies made, services starting
            wait_for("the proxies", lambda: len(control.list()) > 0)
            wait_for("a bank process", lambda: bool(_ours(name)))
        elif moment == "fault":
            wait_for("the toxic", lambda: _toxics(control) > 0)
        else:
            wait_for("the toxic", lambda: _toxics(control) > 0)
            wait_for("the heal", lambda: _toxics(control) == 0)  # the recovery phase began
        assert _ours(name), "the bank should be running at this moment"
        _interrupt(run, sig, name, control, moment)
    finally:
        _stop(run)


RESTART = {"at": "fault+1s", "action": "restart", "service": "payments"}
"""A step that takes a second or two (it waits for payments to be healthy): a signal can land
inside it."""


@pytest.mark.parametrize("draw", [0, 1])
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_at_a_seeded_random_moment_leaves_nothing(
    tmp_path: Path, external_proxy: FaultProxyProcess, sig: signal.Signals, draw: int
) -> None:
    """Property-style: at a moment drawn from a seeded generator (inside an inject or a heal,
    or between them), each signal ends the run with exit 3 and leaves no process, no proxy
    and no toxic."""
    moment_s = random.Random(f"{sig.name}:{draw}").uniform(0.0, 10.0)
    name = f"random-{sig.name.lower()}-{draw}"
    path = write_experiment(tmp_path, name, timeline=[TOXIC, RESTART])
    control = ProxyControl(external_proxy.api)
    run = _harness(
        "run", str(path), "--out", str(tmp_path), "--toxiproxy-url", external_proxy.api.url
    )
    try:
        wait_for("the run", run_started(tmp_path, name))
        time.sleep(moment_s)  # the drawn moment of the run: the point under test, not a wait
        _interrupt(run, sig, name, control, f"t+{moment_s:.2f} s")
    finally:
        _stop(run)


def test_doctor_removes_what_a_sigkilled_run_left(
    tmp_path: Path, external_proxy: FaultProxyProcess
) -> None:
    """SIGKILL the harness mid-run: its bank and its proxies on the borrowed server survive it;
    `harness doctor` removes all of it and marks the run interrupted."""
    name = "cleanup-sigkill"
    path = write_experiment(
        tmp_path, name, phases={"baseline": "30s", "fault": "2s", "recovery": "2s"}
    )
    control = ProxyControl(external_proxy.api)
    url = external_proxy.api.url
    run = _harness("run", str(path), "--out", str(tmp_path), "--toxiproxy-url", url)
    try:
        wait_for("the run to start", run_started(tmp_path, name), timeout_s=120)
        os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=10)
        left = _ours(name)
        assert len(left) >= 6, "two cores, payments, clearing, mobile-api, ..., load"
        assert set(_mentioning(tmp_path)) <= set(left), "every child carries the run marker"
        assert any("harness.load.runner" in p.cmdline for p in _leftovers(name))
        assert {p.name for p in control.list()} >= set(LINK_NAMES)
        doctor = _harness("doctor", "--out", str(tmp_path))
        output, _ = doctor.communicate(timeout=60)
        assert doctor.returncode == 0, output.decode()
        (run_dir,) = (tmp_path / "runs").glob(f"*-{name}-*")
        gone = f"its harness (pid {run.pid}) is gone"
        expected = f"stopped {len(left)} processes of run {run_dir.name} (pids "
        assert expected.encode() in output and gone.encode() in output, output.decode()
        gone_all = lambda: _ours(name) == [] and _mentioning(tmp_path) == []  # noqa: E731
        wait_for("the leftovers to go", gone_all, timeout_s=10)
        assert [p.name for p in control.list() if p.name in LINK_NAMES] == []
        record = read_record(run_dir)
        assert record.status == "interrupted"
        assert record.error == (
            f"killed: its harness (pid {run.pid}) died; cleaned by harness doctor"
        )
    finally:
        _stop(run)


def _up_run_id(out: Path) -> str:
    run_id: str = json.loads((out / "up.json").read_text())["run_id"]
    return run_id


def _bank(run_id: str) -> list[int]:
    return [p.pid for p in find_leftovers() if p.run_id == run_id]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_doctor_leaves_a_live_bank_alone_and_up_stops_it_on_a_signal(
    tmp_path: Path, sig: signal.Signals
) -> None:
    """With `harness up` alive, doctor touches none of its processes and customers still log
    in; SIGTERM or SIGHUP (a closed terminal) to `up` then stops its whole bank."""
    up = start_bank(tmp_path)
    try:
        where = bank_location(up)
        run_id = _up_run_id(tmp_path)
        bank = _bank(run_id)
        assert len(bank) >= 6, "fault proxy, two cores, payments, clearing, mobile-api"
        doctor = _harness("doctor", "--out", str(tmp_path))
        output, _ = doctor.communicate(timeout=60)
        assert doctor.returncode == 0, output.decode()
        alone = f"left {len(bank)} processes of run {run_id} alone: its harness (pid {up.pid})"
        assert alone.encode() in output, output.decode()
        assert _bank(run_id) == bank
        login = log_in(where["edge_url"], 2)
        assert login.status_code == 200, login.text
        up.send_signal(sig)
        assert up.wait(timeout=60) == 0
        assert _bank(run_id) == []
        assert not (tmp_path / "up.json").exists()
    finally:
        if up.poll() is None:
            up.kill()
            up.wait()


def test_up_serves_customers_and_down_stops_it(tmp_path: Path) -> None:
    """`harness up` prints where the bank is; customers can log in; `harness down --out` asks
    that `up` to stop, and its bank goes with it."""
    up = start_bank(tmp_path)
    try:
        where = bank_location(up)
        login = log_in(where["edge_url"], 3)
        assert login.status_code == 200, login.text
        run_id = _up_run_id(tmp_path)
        assert _bank(run_id)
        down = _harness("down", "--out", str(tmp_path))
        output, _ = down.communicate(timeout=90)
        assert down.returncode == 0, output.decode()
        assert f"stopped `harness up` (pid {up.pid})".encode() in output, output.decode()
        assert up.wait(timeout=30) == 0
        assert _bank(run_id) == []
        assert not (tmp_path / "up.json").exists()
    finally:
        if up.poll() is None:
            up.kill()
            up.wait()


def test_a_bank_process_that_dies_outside_the_plan_makes_the_run_inconclusive(
    tmp_path: Path,
) -> None:
    """Clearing killed from outside mid-run: no verdict on the bank, exit 3, the report names
    what stopped, and nothing is left behind."""
    name = "unplanned-exit"
    path = write_experiment(tmp_path, name, timeline=[TOXIC])
    run = _harness("run", str(path), "--out", str(tmp_path))
    try:
        wait_for("the run", run_started(tmp_path, name))
        (clearing,) = [p for p in _leftovers(name) if "targets.clearing" in p.cmdline]
        os.kill(clearing.pid, signal.SIGKILL)
        output, _ = run.communicate(timeout=90)
    finally:
        _stop(run)
    assert run.returncode == 3, output.decode()
    assert b"Traceback" not in output, output.decode()
    (folder,) = (tmp_path / "runs").glob(f"*-{name}-*")
    result = json.loads((folder / "result.json").read_text())
    assert result["actual"]["verdict"] == "inconclusive"
    assert "clearing exited with code -9 outside the plan" in result["actual"]["reason"]
    assert "outside the plan" in (folder / "report.html").read_text()
    assert _leftovers(name) == []
