"""Free loopback ports and readiness polling for the runtimes."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

import httpx

from harness.errors import InfraError


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """`count` distinct ports the kernel had free a moment ago (all held open while choosing)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((host, 0))
            sockets.append(sock)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for sock in sockets:
            sock.close()


def wait_until(
    what: str, probe: Callable[[], bool], timeout_s: float, alive: Callable[[], bool]
) -> None:
    """Poll `probe` every 50 ms until it holds; InfraError on timeout or if `alive` turns false."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if probe():
            return
        if not alive():
            raise InfraError(f"{what}: the process exited before it became ready")
        time.sleep(0.05)
    raise InfraError(f"{what}: not ready after {timeout_s:.0f} s")


def http_ok(url: str) -> Callable[[], bool]:
    """A probe that holds when GET `url` answers 2xx."""

    def probe() -> bool:
        try:
            return httpx.get(url, timeout=1.0).is_success
        except httpx.HTTPError:
            return False

    return probe
