"""Free loopback ports and readiness polling for the runtimes."""

from __future__ import annotations

import random
import socket
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from harness.errors import InfraError

EPHEMERAL_RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")
FIRST_PORT = 10_000


def _ephemeral_range() -> tuple[int, int]:
    """The ports the kernel hands out for `bind(0)` and outgoing connections."""
    try:
        low, high = (int(n) for n in EPHEMERAL_RANGE_FILE.read_text().split())
    except (OSError, ValueError):
        return 32_768, 60_999
    return low, high


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """`count` distinct ports that were free a moment ago, outside the kernel's ephemeral range.

    The ports are chosen now and bound later by other processes; a port from the ephemeral
    range could meanwhile be taken by any `bind(0)` (a proxy being created) or outgoing
    connection on the machine, so they are drawn from below (or above) it. Each is bound while
    choosing, so the `count` ports are distinct and were free."""
    low, high = _ephemeral_range()
    candidates = list(range(FIRST_PORT, low)) + list(range(high + 1, 65_536))
    draw = random.SystemRandom()  # where a bank listens is not part of a run's repeatability
    sockets: list[socket.socket] = []
    try:
        while len(sockets) < count and candidates:
            port = candidates.pop(draw.randrange(len(candidates)))
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                sock.bind((host, port))
            except OSError:
                sock.close()
                continue
            sockets.append(sock)
        if len(sockets) < count:
            raise InfraError(f"fewer than {count} free ports outside the ephemeral range")
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
