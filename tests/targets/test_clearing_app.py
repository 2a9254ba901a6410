"""The clearing mock as a real process on loopback: pacs.008/028, dedupe, admin, flags.

Also home of `running_service`, the process launcher the payments tests reuse.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.credentials import ADMIN, SERVICE, TOKEN_ENV


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServiceProcess:
    """One `python -m targets.<service>` child process on 127.0.0.1."""

    def __init__(
        self, module: str, args: list[str], log_path: Path, bank_flags: bool = True
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        flags = ["--host", "127.0.0.1", "--port", str(self.port)]
        command = [sys.executable, "-m", module, *(flags if bank_flags else []), *args]
        self._log = log_path.open("wb")
        self.proc = subprocess.Popen(
            command, stdout=self._log, stderr=subprocess.STDOUT, env={**os.environ, **TOKEN_ENV}
        )

    def wait_live(self, timeout_s: float = 15.0) -> None:
        """Poll /health/live until it answers; fail with the log if the process died."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.log_path.name} exited: {self.log_path.read_text()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/health/live", timeout=0.5).status_code == 200:
                    return
            time.sleep(0.05)
        raise RuntimeError(f"{self.log_path.name} not live after {timeout_s}s")

    def freeze(self) -> None:
        """SIGSTOP: the process keeps its socket but answers nothing (a hung core)."""
        os.kill(self.proc.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        """SIGCONT after `freeze`."""
        os.kill(self.proc.pid, signal.SIGCONT)

    def stop(self) -> None:
        """Terminate (then kill) this process by its PID."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.proc.pid, signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._log.close()


@contextlib.contextmanager
def running_service(module: str, args: list[str], log_path: Path) -> Iterator[ServiceProcess]:
    """Start a service, wait until it is live, and always stop it."""
    service = ServiceProcess(module, args, log_path)
    try:
        service.wait_live()
        yield service
    finally:
        service.stop()


@pytest.fixture
def clearing(tmp_path: Path) -> Iterator[ServiceProcess]:
    with running_service(
        "targets.clearing", ["--processing-ms", "50", "--seed", "3"], tmp_path / "clearing.log"
    ) as service:
        yield service


def pacs008(msg_id: str, e2e: str) -> dict[str, str]:
    return {
        "msg_id": msg_id,
        "end_to_end_id": e2e,
        "debtor_account": "ACC-0001",
        "creditor": "ACC-0002",
        "amount": "5.00",
        "currency": "PEN",
    }


@pytest.mark.integration
def test_pacs008_settles_after_processing_time(clearing: ServiceProcess) -> None:
    """A pacs.008 is answered ACSC after the configured processing time, not before."""
    started = time.monotonic()
    answer = httpx.post(
        f"{clearing.url}/v1/pacs008", headers=SERVICE, json=pacs008("M1", "E1"), timeout=5
    )
    assert time.monotonic() - started >= 0.045
    assert answer.status_code == 200
    assert answer.json() == {
        "msg_id": "M1",
        "end_to_end_id": "E1",
        "status": "ACSC",
        "reason_code": None,
    }


@pytest.mark.integration
def test_duplicates_are_visible_in_export(clearing: ServiceProcess) -> None:
    """A retry with the same msg_id is one entry; a new msg_id for the e2e is a duplicate."""
    with httpx.Client(base_url=clearing.url, timeout=5, headers=SERVICE) as client:
        client.post("/v1/pacs008", json=pacs008("M1", "E1"))
        client.post("/v1/pacs008", json=pacs008("M1", "E1"))
        client.post("/v1/pacs008", json=pacs008("M2", "E1"))
        messages = client.get("/admin/export", headers=ADMIN).json()["messages"]
    assert [(m["msg_id"], m["status"], m["duplicate"], m["receipts"]) for m in messages] == [
        ("M1", "ACSC", False, 2),
        ("M2", "ACSC", True, 1),
    ]


@pytest.mark.integration
def test_admin_config_rejects_and_inquiry_reports_it(clearing: ServiceProcess) -> None:
    """reject_rate=1 makes the scheme reject AM04; pacs.028 reports it; unknown is AG09."""
    with httpx.Client(base_url=clearing.url, timeout=5, headers=SERVICE) as client:
        assert client.post("/admin/config", json={"reject_rate": 1.0}).status_code == 401
        config = client.post(
            "/admin/config", json={"reject_rate": 1.0, "processing_ms": 0}, headers=ADMIN
        )
        assert config.json() == {"processing_ms": 0, "reject_rate": 1.0}
        answer = client.post("/v1/pacs008", json=pacs008("M9", "E9")).json()
        assert (answer["status"], answer["reason_code"]) == ("RJCT", "AM04")
        inquiry = client.post("/v1/pacs028", json={"end_to_end_id": "E9"}).json()
        assert (inquiry["status"], inquiry["reason_code"]) == ("RJCT", "AM04")
        unknown = client.post("/v1/pacs028", json={"end_to_end_id": "nope"}).json()
        assert (unknown["status"], unknown["reason_code"]) == ("RJCT", "AG09")


@pytest.mark.integration
def test_flags_and_bad_input(clearing: ServiceProcess) -> None:
    """error_rate=1 answers 500 injected_fault; a malformed body is 422 in the contract shape."""
    with httpx.Client(base_url=clearing.url, timeout=5, headers=SERVICE) as client:
        bad = client.post("/v1/pacs008", json={"msg_id": "M1"})
        assert bad.status_code == 422 and bad.json()["error"] == "invalid_request"
        assert "end_to_end_id" in bad.json()["detail"]
        client.post("/admin/flags", json={"error_rate": 1.0}, headers=ADMIN)
        faulted = client.post("/v1/pacs008", json=pacs008("M1", "E1"))
        assert faulted.status_code == 500 and faulted.json()["error"] == "injected_fault"
        assert client.get("/health/ready").status_code == 200
        client.post("/admin/flags", json={"error_rate": 0.0}, headers=ADMIN)
        assert client.get("/admin/export", headers=ADMIN).json()["messages"] == []
