"""The two Toxiproxy servers that the differential tests run against, as processes.

`ours` is `python -m harness.faultproxy`; `toxiproxy` is the reference Shopify Toxiproxy 2.8.0
binary at `<repo>/../shared/tools/toxiproxy/toxiproxy-server` (CI clones the repository with
`../shared` beside it). Each server listens on a free 127.0.0.1 port, logs to a file and is
stopped by its PID. This module must not decide what a test expects (see `differences`).
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
REFERENCE_BINARY = REPO.parent / "shared" / "tools" / "toxiproxy" / "toxiproxy-server"
OURS = "ours"
REFERENCE = "toxiproxy"
KINDS = (OURS, REFERENCE)
START_TIMEOUT_S = 15.0
STOP_TIMEOUT_S = 10.0
START_ATTEMPTS = 3


class ServerStartError(RuntimeError):
    """A server process exited or did not answer /version in time."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def reference_missing_reason() -> str | None:
    """Why the reference server cannot run here, or None when it can."""
    if not os.access(REFERENCE_BINARY, os.X_OK):
        return (
            f"reference Toxiproxy 2.8.0 not found at {REFERENCE_BINARY} "
            "(the differential half needs ../shared/tools/toxiproxy beside the repository)"
        )
    return None


def command(kind: str, port: int, flags: tuple[str, ...]) -> list[str]:
    """The command line that starts a server of `kind` on 127.0.0.1:`port`."""
    common = ["-host", "127.0.0.1", "-port", str(port), *flags]
    if kind == OURS:
        return [sys.executable, "-m", "harness.faultproxy", *common]
    return [str(REFERENCE_BINARY), *common]


@dataclass
class ServerProcess:
    """One running server: its kind, flags, PID, API port and log file."""

    kind: str
    flags: tuple[str, ...]
    log_path: Path
    environment: dict[str, str] = field(default_factory=lambda: {"LOG_LEVEL": "info"})
    port: int = 0
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def pid(self) -> int:
        """The server's process id."""
        assert self.process is not None
        return self.process.pid

    def alive(self) -> bool:
        """True while the process runs."""
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        """Start on a free port and wait until /version answers (a few attempts)."""
        error = ""
        for _ in range(START_ATTEMPTS):
            self.port = free_port()
            with self.log_path.open("ab") as log:
                self.process = subprocess.Popen(
                    command(self.kind, self.port, self.flags),
                    cwd=REPO,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env={**os.environ, **self.environment},
                )
            error = self._wait_ready()
            if not error:
                return
            self.stop()
        raise ServerStartError(f"{self.kind} did not start: {error} (log: {self.log_path})")

    def _wait_ready(self) -> str:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if not self.alive():
                return "the process exited"
            try:
                if self.get("/version")[0] == 200:
                    return ""
            except OSError:
                pass
            time.sleep(0.02)
        return f"no answer on /version within {START_TIMEOUT_S:.0f} s"

    def get(self, path: str) -> tuple[int, bytes]:
        """One GET on the API."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def delete_all_proxies(self) -> None:
        """Delete every proxy (between tests); the server keeps running."""
        status, body = self.get("/proxies")
        assert status == 200, body
        for name in json.loads(body):
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                conn.request("DELETE", f"/proxies/{name}")
                conn.getresponse().read()
            finally:
                conn.close()

    def stop(self) -> None:
        """SIGTERM by PID, then SIGKILL by PID if it has not exited; always reaped."""
        process = self.process
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(STOP_TIMEOUT_S)
        self.process = None


class ServerPool:
    """Servers shared by a test session, one per (kind, flags), restarted if one died."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.servers: dict[tuple[str, tuple[str, ...]], ServerProcess] = {}

    def get(self, kind: str, flags: tuple[str, ...] = ()) -> ServerProcess:
        """The running server of this kind and flags (started on first use)."""
        key = (kind, flags)
        server = self.servers.get(key)
        if server is None or not server.alive():
            name = "-".join([kind, *(flag.strip("-") for flag in flags)])
            server = ServerProcess(kind, flags, self.log_dir / f"{name}.log")
            server.start()
            self.servers[key] = server
        return server

    def stop_all(self) -> None:
        """Stop every server of the session by PID."""
        for server in self.servers.values():
            server.stop()
        self.servers.clear()
