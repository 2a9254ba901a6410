"""`harness doctor`'s decisions on real processes, run folders and a real fault proxy: what a
gone harness left is removed, a live harness's run is left alone, `--all` removes both."""

from __future__ import annotations

import os
import signal
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.control.toxiproxy import ProxyControl, ToxicSpec
from harness.history.record import RunRecord, RunStatus, read_record, write_record
from harness.runtime.faultproxy_process import FaultProxyProcess, start_fault_proxy
from harness.runtime.launcher import RUN_MARKER
from harness.runtime.leftovers import ALL_WARNING, clean
from harness.runtime.ownership import (
    OWNER_MARKER,
    Owner,
    record_borrowed_proxy,
    this_harness,
    write_owner_file,
)
from tests.runtime.test_ownership import SLEEPER, dead_owner


@pytest.fixture
def run_ids() -> Iterator[tuple[str, str]]:
    tag = uuid.uuid4().hex[:8]
    yield f"run-live-{tag}", f"run-dead-{tag}"


def _marked(run_id: str, owner: Owner) -> subprocess.Popen[bytes]:
    env = {**os.environ, RUN_MARKER: run_id, OWNER_MARKER: owner.text}
    return subprocess.Popen(SLEEPER, env=env)


def _clean_both(out: Path, ids: tuple[str, str], everything: bool = False) -> list[str]:
    return [line for r in ids for line in clean(out, everything=everything, run_id=r)]


def test_only_a_gone_harness_s_processes_are_stopped(
    tmp_path: Path, run_ids: tuple[str, str]
) -> None:
    live_id, dead_id = run_ids
    gone = dead_owner()
    live, dead = _marked(live_id, this_harness()), _marked(dead_id, gone)
    try:
        lines = clean(tmp_path)
        assert dead.wait(timeout=10) == -signal.SIGKILL
        assert live.poll() is None, "a live harness's process was killed"
        assert (
            f"left 1 process of run {live_id} alone: its harness (pid {os.getpid()}) is alive"
            in lines
        )
        reason = f"its harness (pid {gone.pid}) is gone"
        assert f"stopped 1 process of run {dead_id} (pids {dead.pid}): {reason}" in lines
    finally:
        for child in (live, dead):
            child.kill()
            child.wait()


def test_all_stops_a_live_harness_s_processes_too(tmp_path: Path, run_ids: tuple[str, str]) -> None:
    live_id, dead_id = run_ids
    live, dead = _marked(live_id, this_harness()), _marked(dead_id, dead_owner())
    try:
        lines = _clean_both(tmp_path, run_ids, everything=True)
        assert live.wait(timeout=10) == -signal.SIGKILL
        assert dead.wait(timeout=10) == -signal.SIGKILL
        assert lines[0] == ALL_WARNING
    finally:
        for child in (live, dead):
            child.kill()
            child.wait()


def _run_folder(out: Path, run_id: str, owner: Owner, status: RunStatus) -> Path:
    folder = out / "runs" / run_id
    folder.mkdir(parents=True)
    record = RunRecord(run_id, "x", "x.yaml", "hardened", 1, 0.1, "local", "0", "2026", status)
    write_record(folder, record)
    write_owner_file(folder, owner)
    return folder


def test_a_gone_harness_s_running_record_is_marked_interrupted(
    tmp_path: Path, run_ids: tuple[str, str]
) -> None:
    live_id, dead_id = run_ids
    gone = dead_owner()
    live = _run_folder(tmp_path, live_id, this_harness(), "running")
    dead = _run_folder(tmp_path, dead_id, gone, "running")
    finished = _run_folder(tmp_path, dead_id + "-done", gone, "completed")
    lines = clean(tmp_path)
    assert read_record(live).status == "running"
    assert read_record(finished).status == "completed"
    record = read_record(dead)
    assert record.status == "interrupted"
    assert record.error == f"killed: its harness (pid {gone.pid}) died; cleaned by harness doctor"
    assert f"marked run {dead_id} interrupted: its harness (pid {gone.pid}) died" in lines


@pytest.fixture
def external(tmp_path: Path) -> Iterator[FaultProxyProcess]:
    with start_fault_proxy(log_path=tmp_path / "external.log") as proxy:
        yield proxy


def test_a_gone_harness_s_proxies_are_removed_from_a_borrowed_server(
    tmp_path: Path, external: FaultProxyProcess, run_ids: tuple[str, str]
) -> None:
    """Only the proxies the dead run made (same name and listen address) go, toxics with them;
    a proxy of the same name another run made since, and a live run's proxies, stay."""
    live_id, dead_id = run_ids
    control, url = ProxyControl(external.api), external.api.url
    mine = control.create("payments-core", "127.0.0.1:0", "127.0.0.1:9")
    control.add_toxic("payments-core", ToxicSpec("latency", attributes={"latency": 50}))
    remade = control.create("mobile-core", "127.0.0.1:0", "127.0.0.1:9")
    alive = control.create("edge-mobile", "127.0.0.1:0", "127.0.0.1:9")
    dead = _run_folder(tmp_path, dead_id, dead_owner(), "running")
    record_borrowed_proxy(dead, url, "payments-core", mine.listen)
    record_borrowed_proxy(dead, url, "mobile-core", "127.0.0.1:1")  # before it was re-made
    live = _run_folder(tmp_path, live_id, this_harness(), "running")
    record_borrowed_proxy(live, url, "edge-mobile", alive.listen)
    lines = clean(tmp_path)
    assert sorted(p.name for p in control.list()) == ["edge-mobile", "mobile-core"]
    assert control.get("mobile-core").listen == remade.listen
    assert any(
        f"removed 1 proxy (with their toxics) of run {dead_id} from {url}" in line for line in lines
    )
    assert f"left proxies mobile-core on {url} alone: another run re-made them" in lines
    assert not (dead / "toxiproxy.json").exists(), "a cleaned record is not cleaned twice"
