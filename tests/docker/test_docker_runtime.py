"""The Docker runtime end to end: container faults, same verdicts as local, doctor after SIGKILL.

These need a Docker engine and the images (`make images`); without them they are skipped, or
fail under `--require-docker` (as CI runs them).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.analysis.assessment import analyse_run
from harness.analysis.result import read_result
from harness.engine.run import RunOptions, run_experiment
from harness.runtime.docker_cleanup import LABEL, docker_client
from harness.runtime.images import IMAGES
from harness.runtime.ownership import OWNER_LABEL, Owner
from harness.spec.loader import load_experiment
from harness.topology import SERVICE_NAMES
from tests.e2e.tiny import (
    bank_location,
    log_in,
    run_started,
    start_bank,
    unless_the_machine_was_busy,
    wait_for,
    write_experiment,
)

pytestmark = [pytest.mark.docker, pytest.mark.e2e]

CONTAINERS = len(SERVICE_NAMES) + 1
"""A bank's containers: one per service, and the fault proxy."""
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def engine() -> Any:
    client = docker_client()
    if client is None:
        pytest.fail("no Docker engine answers (start dockerd)")
    missing = [tag for tag in IMAGES.values() if not client.images.list(name=tag)]
    if missing:
        pytest.fail(f"images missing: {', '.join(missing)} (run `make images`)")
    return client


def _labelled(client: Any, run_part: str) -> tuple[list[str], list[str]]:
    containers = [
        c.name
        for c in client.containers.list(all=True, filters={"label": LABEL})
        if run_part in c.labels.get(LABEL, "")
    ]
    networks = [
        n.name
        for n in client.networks.list(filters={"label": LABEL})
        if run_part in n.attrs.get("Labels", {}).get(LABEL, "")
    ]
    return containers, networks


def _owner_pids(client: Any, run_part: str) -> set[int | None]:
    """The harness PIDs that the labels of `run_part`'s containers and networks name."""
    labels = [c.labels for c in client.containers.list(all=True, filters={"label": LABEL})]
    labels += [n.attrs.get("Labels", {}) for n in client.networks.list(filters={"label": LABEL})]
    owners = [Owner.parse(x.get(OWNER_LABEL)) for x in labels if run_part in x.get(LABEL, "")]
    return {o.pid if o else None for o in owners}


def test_container_faults_and_verdict(tmp_path: Path, engine: Any) -> None:
    """Kill, pause, slow-start and disconnect containers under load: hardened passes, clean."""
    path = write_experiment(
        tmp_path,
        "docker-faults",
        timeline=[
            {"at": "fault", "action": "freeze", "service": "payments", "duration": "1s"},
            {"at": "fault", "action": "isolate", "service": "clearing", "duration": "1s"},
            {"at": "fault+1s", "action": "crash", "service": "core-dc-a", "duration": "1s"},
            {"at": "fault+1s", "action": "slow_start", "service": "payments", "duration": "1s"},
        ],
        recovery={"journeys": ["balance"], "max_time_to_recover_s": 6, "window_s": 2},
    )
    options = RunOptions("hardened", runtime="docker", out_dir=tmp_path)
    run_dir = run_experiment(load_experiment(path), path, options)
    outcome = analyse_run(run_dir)
    result = read_result(run_dir)
    steps = sorted((e.kind, e.step, e.outcome) for e in result.record.timeline)
    kinds = ("crash", "freeze", "isolate", "slow_start")
    assert steps == sorted((k, s, "ok") for k in kinds for s in ("inject", "heal")), steps
    unless_the_machine_was_busy(outcome.reason)
    assert outcome.matched, outcome.reason
    assert result.record.runtime == "docker"
    assert _labelled(engine, "docker-faults") == ([], [])


def test_real_experiment_gives_the_same_verdicts_as_local(tmp_path: Path, engine: Any) -> None:
    """The Bancolombia migration, unchanged, run in containers: hardened passes, fragile fails."""
    cmd = [
        sys.executable,
        "-m",
        "harness",
        "run",
        str(REPO / "experiments/bancolombia-migration.yaml"),
        "--runtime",
        "docker",
        "--time-scale",
        "0.1",
        "--out",
        str(tmp_path),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    unless_the_machine_was_busy(done.stderr)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stderr.count("✔") == 2, done.stderr[-3000:]


def test_doctor_removes_containers_and_network_after_sigkill(tmp_path: Path, engine: Any) -> None:
    """SIGKILL the harness mid-run: containers and network stay; `harness doctor` removes them."""
    name = "docker-sigkill"
    path = write_experiment(
        tmp_path, name, phases={"baseline": "60s", "fault": "2s", "recovery": "2s"}
    )
    run = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "harness",
            "run",
            str(path),
            "--runtime",
            "docker",
            "--out",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for("the run to start", run_started(tmp_path, name), timeout_s=120)
        os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=10)
        containers, networks = _labelled(engine, name)
        assert len(containers) == CONTAINERS and len(networks) == 1, (containers, networks)
        assert _owner_pids(engine, name) == {run.pid}, "every label names the harness"
        doctor = subprocess.run(
            [sys.executable, "-m", "harness", "doctor", "--out", str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert doctor.returncode == 0, doctor.stdout + doctor.stderr
        assert _labelled(engine, name) == ([], [])
        removed = f"removed {CONTAINERS} containers and 1 network of run"
        assert removed in doctor.stdout, doctor.stdout
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()


def test_up_in_containers_and_down_stops_it(tmp_path: Path, engine: Any) -> None:
    """`harness up --runtime docker` serves customers; doctor leaves its live containers alone;
    `harness down` has `up` remove its containers and network, and `up` ends with exit 0."""
    up = start_bank(tmp_path, "--runtime", "docker")
    try:
        where = bank_location(up)
        login = log_in(where["edge_url"], 2)
        assert login.status_code == 200, login.text
        for edge in ("edge-status", "edge-contact"):  # the customers' other doors, published too
            assert where["proxies"][edge].startswith("127.0.0.1:"), where["proxies"]
        page = httpx.get(f"http://{where['proxies']['edge-status']}/v1/status", timeout=10)
        assert page.status_code == 200 and page.json()["page"] == "operational", page.text
        assert _owner_pids(engine, "up-") >= {up.pid}
        doctor = subprocess.run(
            [sys.executable, "-m", "harness", "doctor", "--out", str(tmp_path)],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        alone = f"left {CONTAINERS} containers and 1 network of run up-"
        assert alone in doctor.stdout and f"(pid {up.pid}) is alive" in doctor.stdout, doctor.stdout
        assert log_in(where["edge_url"], 2).status_code == 200
        down = subprocess.run(
            [sys.executable, "-m", "harness", "down", "--out", str(tmp_path)],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert down.returncode == 0 and "stopped `harness up`" in down.stdout, down.stdout
        _, errors = up.communicate(timeout=60)
        assert up.returncode == 0 and "Traceback" not in errors, errors
        assert _labelled(engine, "up-") == ([], [])
    finally:
        if up.poll() is None:
            up.kill()
            up.wait()
