"""Core-banking as a real process: the process handle other core tests use, and restarts."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.credentials import ADMIN, SERVICE, TOKEN_ENV

START_TIMEOUT_S = 20.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class CoreProcess:
    """One `python -m targets.core_banking` process on loopback."""

    dc: str
    db: Path
    role: str = "primary"
    replica_url: str | None = None
    settings: tuple[str, ...] = ()
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> CoreProcess:
        """Start the process and wait (bounded) until /health/ready answers 200."""
        command = [
            sys.executable,
            "-m",
            "targets.core_banking",
            "--port",
            str(self.port),
            "--dc",
            self.dc,
            "--role",
            self.role,
            "--db",
            str(self.db),
            "--seed",
            "7",
        ]
        if self.replica_url:
            command += ["--replica-url", self.replica_url]
        for knob in self.settings:
            command += ["--set", knob]
        env = {**os.environ, **TOKEN_ENV, "BANK_SET": "", "BANK_PROFILE": "hardened"}
        log = (self.db.parent / f"{self.dc}.log").open("ab")
        self.proc = subprocess.Popen(command, stdout=log, stderr=log, env=env)
        log.close()
        self.wait_ready()
        return self

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self.proc is not None and self.proc.poll() is None, f"{self.dc} exited"
            try:
                if httpx.get(f"{self.url}/health/ready", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise TimeoutError(f"{self.dc} not ready within {START_TIMEOUT_S}s")

    def kill9(self) -> None:
        """SIGKILL: no shutdown handler runs."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 5 s; safe to call twice."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill9()

    def admin(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        return httpx.request(method, f"{self.url}{path}", headers=ADMIN, timeout=10.0, **kwargs)  # type: ignore[arg-type]


@contextmanager
def running(*cores: CoreProcess) -> Iterator[tuple[CoreProcess, ...]]:
    """Start the cores in order; stop every one of them however the block ends."""
    try:
        for core in cores:
            core.start()
        yield cores
    finally:
        for core in cores:
            core.stop()


def transfer_body(debtor: str, creditor: str, amount: str) -> dict[str, object]:
    return {
        "transfer_id": f"t-{debtor}-{creditor}",
        "postings": [
            {"account_id": debtor, "amount": f"-{amount}", "currency": "PEN"},
            {"account_id": creditor, "amount": amount, "currency": "PEN"},
        ],
    }


@pytest.mark.integration
def test_ready_reports_dc_role_and_epoch(tmp_path: Path) -> None:
    """/health/ready answers 200 with the DC's name, role and epoch."""
    with running(CoreProcess("dc-b", tmp_path / "b.db", role="standby")) as (core,):
        body = httpx.get(f"{core.url}/health/ready").json()
    assert body == {"status": "ready", "dc": "dc-b", "role": "standby", "epoch": 1}


@pytest.mark.integration
def test_state_and_role_survive_kill9(tmp_path: Path) -> None:
    """After kill -9 the ledger and the persisted role come back from the file, not the flags."""
    core = CoreProcess("dc-a", tmp_path / "a.db")
    with running(core):
        core.admin("POST", "/admin/seed", json={"customers": 2, "balance": "50.00"})
        posted = httpx.post(
            f"{core.url}/v1/journals",
            headers={**SERVICE, "Idempotency-Key": "k1"},
            json=transfer_body("ACC-0001", "ACC-0002", "20.00"),
        )
        assert posted.status_code == 201
        assert core.admin("POST", "/admin/fence").json()["role"] == "standby"
        core.kill9()
        core.start()
        ready = httpx.get(f"{core.url}/health/ready").json()
        balances = httpx.get(f"{core.url}/v1/accounts/ACC-0002/balances", headers=SERVICE).json()
        refused = httpx.post(
            f"{core.url}/v1/journals",
            headers={**SERVICE, "Idempotency-Key": "k1"},
            json=transfer_body("ACC-0001", "ACC-0002", "20.00"),
        )
        promoted = core.admin("POST", "/admin/promote").json()
        replay = httpx.post(
            f"{core.url}/v1/journals",
            headers={**SERVICE, "Idempotency-Key": "k1"},
            json=transfer_body("ACC-0001", "ACC-0002", "20.00"),
        )
    assert ready["role"] == "standby" and promoted["epoch"] == 2
    assert balances["balances"][0] == {"type": "interimBooked", "amount": "70.00"}
    assert refused.status_code == 503 and refused.json()["error"] == "not_primary"
    assert replay.status_code == 201 and replay.json() == posted.json()
