"""Fixtures for the load tests: the mobile-api stub as a real uvicorn process on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_live(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"stub exited early with {proc.returncode}")
        try:
            if httpx.get(f"{url}/health/live", timeout=0.5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"stub at {url} not live after {timeout_s} s")


@pytest.fixture
def mobile_stub() -> Iterator[str]:
    """URL of a fresh mobile-api stub process; the process is stopped by PID afterwards."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.load.mobile_stub", "--port", str(port)], cwd=REPO_ROOT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_live(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
