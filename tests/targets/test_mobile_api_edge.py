"""Integration tests of the edge mechanisms: load shedding and deadline propagation."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.targets.test_mobile_api_live import (
    ADMIN,
    Service,
    bearer,
    start,
    stop,
    unused_url,
)

pytestmark = pytest.mark.integration


class HeaderTrap:
    """A loopback socket standing in for core: records each request's head (not probes), 503s."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.closing = threading.Event()
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.heads: list[str] = []
        self.seen = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self.closing.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    head += chunk
                text = head.decode(errors="replace")
                if not text.startswith("GET /health/"):
                    self.heads.append(text)
                    self.seen.set()
                conn.sendall(
                    b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 2\r\n"
                    b"connection: close\r\n\r\n{}"
                )

    def close(self) -> None:
        self.closing.set()
        self._thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def trap() -> Iterator[HeaderTrap]:
    server = HeaderTrap()
    try:
        yield server
    finally:
        server.close()


def start_edge(tmp: Path, profile: str, core_url: str, *sets: str) -> Service:
    args = [
        "--profile",
        profile,
        "--customers",
        "2",
        "--core-url",
        core_url,
        "--payments-url",
        unused_url(),
    ]
    for knob in sets:
        args += ["--set", knob]
    return start("targets.mobile_api", args, tmp / f"edge-{profile}.log")


def outbound_headers(head: str) -> dict[str, str]:
    pairs = (line.partition(":") for line in head.split("\r\n")[1:] if line)
    return {name.strip().lower(): value.strip() for name, _, value in pairs}


@pytest.mark.parametrize("profile", ["hardened", "fragile"])
def test_deadline_and_request_id_go_out_per_profile(
    trap: HeaderTrap, tmp_path: Path, profile: str
) -> None:
    """Hardened sends X-Deadline = now + deadline_s; fragile none; both forward X-Request-Id."""
    mobile = start_edge(tmp_path, profile, trap.url)
    try:
        auth = {**bearer(mobile, "CUST-0001"), "X-Request-Id": "req-abc-123"}
        sent_at = time.time()
        answer = httpx.get(mobile.url + "/v1/me/accounts", headers=auth, timeout=5)
        assert answer.status_code == 503
        assert trap.seen.wait(5)
        # hardened also warms the balance cache at login: pick this request's call
        sent = [outbound_headers(head) for head in trap.heads]
        ours = [h for h in sent if h.get("x-request-id") == "req-abc-123"]
        assert ours, sent
        headers = ours[0]
        if profile == "hardened":
            assert sent_at + 2.0 < float(headers["x-deadline"]) < sent_at + 4.0
        else:
            assert "x-deadline" not in headers
    finally:
        stop(mobile)


async def concurrent_gets(url: str, headers: dict[str, str], count: int) -> list[httpx.Response]:
    async with httpx.AsyncClient(timeout=10) as client:
        return list(await asyncio.gather(*(client.get(url, headers=headers) for _ in range(count))))


@pytest.mark.parametrize("profile", ["hardened", "fragile"])
def test_shedding_above_max_inflight(tmp_path: Path, profile: str) -> None:
    """Hardened refuses requests beyond shed_max_inflight with 503 + Retry-After; fragile queues."""
    sets = ["shed_max_inflight=2"] if profile == "hardened" else []
    mobile = start_edge(tmp_path, profile, unused_url(), *sets)
    try:
        auth = bearer(mobile, "CUST-0001")
        flags = httpx.post(
            mobile.url + "/admin/flags", json={"extra_latency_ms": 600}, headers=ADMIN, timeout=5
        )
        assert flags.status_code == 200
        answers = asyncio.run(concurrent_gets(mobile.url + "/v1/me/accounts", auth, 6))
        shed = [a for a in answers if a.status_code == 503 and a.json()["error"] == "overloaded"]
        if profile == "hardened":
            assert len(shed) == 4
            assert all(a.headers["Retry-After"] == "2" for a in shed)
            exported = httpx.get(mobile.url + "/admin/export", headers=ADMIN, timeout=5).json()
            assert exported["logins"]["shed"] == 4
        else:
            assert shed == []
        assert httpx.get(mobile.url + "/v1/status", timeout=5).status_code == 200
    finally:
        stop(mobile)
