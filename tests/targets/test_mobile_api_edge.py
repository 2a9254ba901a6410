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


def propagated_deadline(mobile: Service, trap: HeaderTrap, customer_deadline: str) -> str:
    """The X-Deadline the edge sends core for a customer request carrying `customer_deadline`."""
    auth = {**bearer(mobile, "CUST-0001"), "X-Request-Id": "req-deadline-1"}
    headers = {**auth, "X-Deadline": customer_deadline}
    answer = httpx.get(mobile.url + "/v1/me/accounts", headers=headers, timeout=5)
    assert answer.status_code == 503
    assert trap.seen.wait(5)
    sent = [outbound_headers(head) for head in trap.heads]
    ours = [h for h in sent if h.get("x-request-id") == "req-deadline-1"]
    assert ours, sent
    return ours[0]["x-deadline"]


def test_a_customer_deadline_shortens_the_budget_no_further_than_the_floor(
    trap: HeaderTrap, tmp_path: Path
) -> None:
    """Hardened: a customer's X-Deadline 3 ms ahead goes on as at least now + 0.5 s (the floor);
    one an hour ahead goes on as at most now + 3 s (the bank's own budget)."""
    mobile = start_edge(tmp_path, "hardened", trap.url)
    try:
        sent_at = time.time()
        floored = float(propagated_deadline(mobile, trap, f"{sent_at + 0.003:.3f}"))
        assert sent_at + 0.5 <= floored <= time.time() + 0.5
        trap.heads.clear()
        sent_at = time.time()
        capped = float(propagated_deadline(mobile, trap, f"{sent_at + 3600:.3f}"))
        assert sent_at + 3.0 - 0.001 <= capped <= time.time() + 3.0
    finally:
        stop(mobile)


def test_with_the_floor_unset_a_customer_deadline_goes_on_as_sent(
    trap: HeaderTrap, tmp_path: Path
) -> None:
    """client_deadline_floor_s=None (the fragile setting): 0.3 s ahead, less than the floor,
    goes on as sent (3 ms would not go on at all: spent before the call is made)."""
    mobile = start_edge(tmp_path, "hardened", trap.url, "client_deadline_floor_s=None")
    try:
        customer_deadline = f"{time.time() + 0.3:.3f}"
        assert propagated_deadline(mobile, trap, customer_deadline) == customer_deadline
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
    finally:
        stop(mobile)
