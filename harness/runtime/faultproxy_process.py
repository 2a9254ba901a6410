"""Start and stop a fault-proxy server process, or attach to one that already runs.

Two kinds of server speak the same Toxiproxy HTTP API:

- ``builtin``: this project's server, ``python -m harness.faultproxy``, which reports the
  port it bound on its first stdout line (``listening HOST:PORT``), so port 0 works;
- ``toxiproxy-server``: Shopify's Go binary found on PATH; it cannot report an ephemeral
  port, so a free port is chosen first and readiness is ``GET /version`` answering.

This module only manages the process (start, readiness, stop by PID). It never creates
proxies or toxics: that is `harness.control.toxiproxy.ProxyControl`'s job.
"""

from __future__ import annotations

import os
import re
import selectors
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Literal
from urllib.parse import urlsplit

import httpx

from harness.errors import ConfigError, InfraError
from harness.runtime.launcher import launch, terminate
from harness.runtime.ports import free_ports
from harness.topology import Endpoint

ServerKind = Literal["builtin", "toxiproxy-server"]
SERVER_KINDS: tuple[ServerKind, ...] = ("builtin", "toxiproxy-server")
TOXIPROXY_BINARY = "toxiproxy-server"
TOXIPROXY_DEFAULT_PORT = 8474
READY_TIMEOUT_S = 15.0
_LISTENING = re.compile(r"^listening (?P<host>\S+):(?P<port>\d+)\s*$")


@dataclass(frozen=True)
class FaultProxyProcess:
    """A running fault-proxy server this process started; `stop()` ends it by PID."""

    kind: ServerKind
    api: Endpoint
    pid: int
    _process: subprocess.Popen[bytes] = field(repr=False, compare=False)

    def alive(self) -> bool:
        """True while the server process has not exited."""
        return self._process.poll() is None

    def stop(self, timeout_s: float = 5.0) -> int | None:
        """SIGTERM the server, SIGKILL it if it outlives `timeout_s`, reap it; the exit code."""
        return terminate(self._process, timeout_s)

    def __enter__(self) -> FaultProxyProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def start_fault_proxy(
    kind: ServerKind = "builtin",
    host: str = "127.0.0.1",
    port: int = 0,
    seed: int | None = None,
    log_path: Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
) -> FaultProxyProcess:
    """Start a fault-proxy server on `host:port` and return once its API answers.

    `env` is added to the server's environment (the runtimes mark their processes with it,
    so `harness doctor` can find a server a killed run left).
    """
    full_env = {**os.environ, **(env or {})}
    if kind == "builtin":
        return _start_builtin(host, port, seed, log_path, full_env)
    if kind == "toxiproxy-server":
        return _start_toxiproxy(host, port, log_path, full_env)
    raise ConfigError(f"fault proxy kind {kind!r} is unknown; valid: {', '.join(SERVER_KINDS)}")


def attach(url: str) -> Endpoint:
    """The API endpoint of a fault proxy given as ``--toxiproxy-url http://HOST[:PORT]``."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"--toxiproxy-url {url!r}: {exc}") from exc
    if parts.scheme != "http":
        raise ConfigError(
            f"--toxiproxy-url {url!r}: scheme must be http, e.g. http://127.0.0.1:8474"
        )
    if not parts.hostname:
        raise ConfigError(f"--toxiproxy-url {url!r}: no host, e.g. http://127.0.0.1:8474")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ConfigError(f"--toxiproxy-url {url!r}: must be the server root, without a path")
    return Endpoint(parts.hostname, port if port is not None else TOXIPROXY_DEFAULT_PORT)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on `host` that nothing listens on right now (the kernel's pick)."""
    return free_ports(1, host)[0]


def _start_builtin(
    host: str, port: int, seed: int | None, log_path: Path | None, env: Mapping[str, str]
) -> FaultProxyProcess:
    argv = [sys.executable, "-m", "harness.faultproxy", "--host", host, "--port", str(port)]
    if seed is not None:
        argv += ["--seed", str(seed)]
    log = _open_log(log_path)
    try:
        process = launch(argv, env=env, stdout=subprocess.PIPE, stderr=log)
    finally:
        if log is not subprocess.DEVNULL:
            log.close()  # type: ignore[union-attr]
    try:
        api = _await_listening_line(process, time.monotonic() + READY_TIMEOUT_S)
    except InfraError:
        terminate(process, timeout_s=0)
        raise
    _drain_stdout(process, log_path)
    return FaultProxyProcess("builtin", api, process.pid, process)


def _start_toxiproxy(
    host: str, port: int, log_path: Path | None, env: Mapping[str, str]
) -> FaultProxyProcess:
    binary = shutil.which(TOXIPROXY_BINARY)
    if binary is None:
        raise InfraError(
            f"{TOXIPROXY_BINARY} not found on PATH; install it or use the builtin fault proxy"
        )
    api = Endpoint(host, port or free_port(host))
    log = _open_log(log_path)
    try:
        process = launch([binary, "-host", api.host, "-port", str(api.port)], env=env, stdout=log)
    finally:
        if log is not subprocess.DEVNULL:
            log.close()  # type: ignore[union-attr]
    try:
        _await_version(process, api, time.monotonic() + READY_TIMEOUT_S)
    except InfraError:
        terminate(process, timeout_s=0)
        raise
    return FaultProxyProcess("toxiproxy-server", api, process.pid, process)


def _await_listening_line(process: subprocess.Popen[bytes], deadline: float) -> Endpoint:
    """Read the server's first stdout line (with a deadline) and parse `listening HOST:PORT`."""
    assert process.stdout is not None
    line = _read_line(process.stdout, deadline)
    match = _LISTENING.match(line.decode(errors="replace"))
    if match is None:
        code = process.poll()
        state = f"exited with code {code}" if code is not None else "still running"
        raise InfraError(
            f"fault proxy (pid {process.pid}) did not report 'listening HOST:PORT' "
            f"({state}); first line: {line[:200]!r}"
        )
    return Endpoint(match["host"], int(match["port"]))


def _read_line(stream: IO[bytes], deadline: float) -> bytes:
    """The first line from a pipe (without its newline), or what arrived by EOF or deadline.

    Reads one byte at a time so that nothing after the newline is consumed: the rest of the
    stream is left for the drain thread.
    """
    fd = stream.fileno()
    line = bytearray()
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while (remaining := deadline - time.monotonic()) > 0 and len(line) < 4096:
            if not selector.select(remaining):
                continue
            byte = os.read(fd, 1)
            if not byte or byte == b"\n":
                break
            line += byte
    return bytes(line)


def _drain_stdout(process: subprocess.Popen[bytes], log_path: Path | None) -> None:
    """Keep reading the server's stdout so a chatty server never blocks on a full pipe."""
    stdout = process.stdout
    assert stdout is not None

    def pump() -> None:
        sink = log_path.open("ab") if log_path is not None else None
        try:
            for line in stdout:
                if sink is not None:
                    sink.write(line)
                    sink.flush()
        finally:
            if sink is not None:
                sink.close()
            stdout.close()

    threading.Thread(target=pump, name=f"faultproxy-stdout-{process.pid}", daemon=True).start()


def _await_version(process: subprocess.Popen[bytes], api: Endpoint, deadline: float) -> None:
    """Poll `GET /version` until it answers 200, the process dies, or the deadline passes."""
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        code = process.poll()
        if code is not None:
            raise InfraError(
                f"{TOXIPROXY_BINARY} (pid {process.pid}) exited with code {code} before "
                f"its API answered on {api.address}"
            )
        try:
            response = httpx.get(f"{api.url}/version", timeout=0.5)
            if response.status_code == 200:
                return
            last_error = f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            last_error = type(exc).__name__
        time.sleep(0.05)  # polling a process we cannot subscribe to; bounded by the deadline
    raise InfraError(
        f"{TOXIPROXY_BINARY} (pid {process.pid}) API on {api.address} not ready after "
        f"{READY_TIMEOUT_S:.0f}s ({last_error})"
    )


def _open_log(log_path: Path | None) -> IO[bytes] | int:
    if log_path is None:
        return subprocess.DEVNULL
    log_path.parent.mkdir(parents=True, exist_ok=True)
    return log_path.open("ab")
