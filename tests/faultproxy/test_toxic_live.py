"""Toxics changed live on open connections (differential): nothing lost or reordered while
toxics come and go; and (ours only) toxicity drawn per connection reproducibly from the seed."""

from __future__ import annotations

import socket
import struct
import threading

import pytest

pytestmark = pytest.mark.integration


def test_no_data_lost_while_toxics_come_and_go(api, echo_upstream, dial, recv):
    """A stream of sequence numbers stays intact while latency, slicer and noop toxics are
    added, updated and removed in both directions in a tight loop."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    sock = dial(listen)
    count = 30_000
    payload = b"".join(struct.pack(">I", i) for i in range(count))
    received: list[bytes] = []

    def reader() -> None:
        received.append(recv(sock, len(payload)))

    bodies = [
        {"name": "lat", "type": "latency", "attributes": {"latency": 1}},
        {
            "name": "cut",
            "type": "slicer",
            "stream": "upstream",
            "attributes": {"average_size": 64, "size_variation": 32},
        },
        {"name": "nop", "type": "noop", "stream": "upstream"},
    ]
    steps = [("POST", "/proxies/p/toxics", body) for body in bodies]
    steps.append(("PATCH", "/proxies/p/toxics/lat", {"attributes": {"latency": 2}}))
    steps += [("DELETE", f"/proxies/p/toxics/{body['name']}", None) for body in bodies]
    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for index, start in enumerate(range(0, len(payload), 2000)):
            sock.sendall(payload[start : start + 2000])
            method, path, body = steps[index % len(steps)]
            assert api.call(method, path, body).status in (200, 204)
    finally:
        thread.join(20)
    assert received and received[0] == payload


def test_toxic_added_to_open_connection_applies(api, echo_upstream, dial, recv):
    """A limit_data toxic added after the connection opened governs that connection."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    sock = dial(listen)
    sock.sendall(b"before")
    assert recv(sock, 6) == b"before"
    api.add_toxic("p", {"type": "limit_data", "attributes": {"bytes": 3}})
    sock.sendall(b"after")
    assert recv(sock, 3) == b"aft"
    assert sock.recv(16) == b""


def _toxicity_pattern(start_faultproxy, echo_upstream, seed: int) -> str:
    api = start_faultproxy(seed=seed)
    listen = api.create_proxy("p", echo_upstream)["listen"]
    api.add_toxic("p", {"type": "limit_data", "toxicity": 0.5, "attributes": {"bytes": 0}})
    host, port = listen.rsplit(":", 1)
    bits = []
    for _ in range(24):
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall(b"x")
            bits.append("1" if sock.recv(1) == b"x" else "0")
    return "".join(bits)


def test_seed_makes_toxicity_draws_repeatable(start_faultproxy, echo_upstream):
    """Same seed, same per-connection toxicity outcomes; another seed, another pattern."""
    first = _toxicity_pattern(start_faultproxy, echo_upstream, seed=5)
    again = _toxicity_pattern(start_faultproxy, echo_upstream, seed=5)
    other = _toxicity_pattern(start_faultproxy, echo_upstream, seed=6)
    assert first == again
    assert first != other
    assert 0 < first.count("1") < len(first)
