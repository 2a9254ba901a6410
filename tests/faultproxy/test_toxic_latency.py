"""The latency toxic over real TCP (differential): added delay per direction, stacking,
jitter bounds, no throttling of throughput; and (ours only) seeded jitter that repeats."""

from __future__ import annotations

import os
import socket
import time

import pytest

pytestmark = pytest.mark.integration


def _round_trip_ms(sock, recv, payload: bytes = b"ping") -> float:
    started = time.perf_counter()
    sock.sendall(payload)
    assert recv(sock, len(payload)) == payload
    return (time.perf_counter() - started) * 1000


@pytest.mark.parametrize("stream", ["upstream", "downstream"])
def test_latency_adds_delay_in_either_direction(api, echo_upstream, dial, recv, stream):
    """100 ms of latency in one direction makes an echo round trip take 95-160 ms."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    api.add_toxic("p", {"type": "latency", "stream": stream, "attributes": {"latency": 100}})
    sock = dial(listen)
    for _ in range(3):
        assert 95 <= _round_trip_ms(sock, recv) <= 160


def test_latency_toxics_stack(api, echo_upstream, dial, recv):
    """Two 40 ms toxics downstream plus 40 ms upstream add about 120 ms."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    for name, stream in (("a", "downstream"), ("b", "downstream"), ("c", "upstream")):
        api.add_toxic(
            "p", {"name": name, "type": "latency", "stream": stream, "attributes": {"latency": 40}}
        )
    sock = dial(listen)
    assert 115 <= _round_trip_ms(sock, recv) <= 180


def test_jitter_stays_within_bounds(api, echo_upstream, dial, recv):
    """latency 60 ± 30 ms keeps each round trip within [30, 90] ms plus slack."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    api.add_toxic("p", {"type": "latency", "attributes": {"latency": 60, "jitter": 30}})
    sock = dial(listen)
    samples = [_round_trip_ms(sock, recv) for _ in range(8)]
    assert all(28 <= sample <= 110 for sample in samples), samples
    assert max(samples) - min(samples) > 5, samples


def test_latency_does_not_throttle_throughput(api, echo_upstream, dial, recv):
    """8 MiB through a 100 ms latency toxic takes about 100 ms plus transfer, not 100 ms
    per chunk."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    api.add_toxic("p", {"type": "latency", "attributes": {"latency": 100}})
    sock = dial(listen)
    payload = os.urandom(8 << 20)
    started = time.perf_counter()
    sock.sendall(payload[: 1 << 20])
    received = recv(sock, 1 << 20)
    sock.sendall(payload[1 << 20 :])
    received += recv(sock, len(payload) - (1 << 20))
    elapsed_s = time.perf_counter() - started
    assert received == payload
    assert 0.19 <= elapsed_s <= 1.5


def _jitter_samples(start_faultproxy, echo_upstream, recv, seed: int) -> list[float]:
    api = start_faultproxy(seed=seed)
    listen = api.create_proxy("p", echo_upstream)["listen"]
    api.add_toxic("p", {"type": "latency", "attributes": {"latency": 60, "jitter": 50}})
    host, port = listen.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        return [_round_trip_ms(sock, recv) for _ in range(6)]


def test_seed_makes_jitter_repeatable(start_faultproxy, echo_upstream, recv):
    """The same seed gives the same jitter sequence; another seed gives another (ours only:
    Toxiproxy ignores its seed). Seeds 42 and 43 draw delays up to 65 ms apart, so the 20 ms
    allowed for scheduling noise on a busy machine cannot hide a difference."""
    first = _jitter_samples(start_faultproxy, echo_upstream, recv, seed=42)
    again = _jitter_samples(start_faultproxy, echo_upstream, recv, seed=42)
    other = _jitter_samples(start_faultproxy, echo_upstream, recv, seed=43)
    assert all(abs(a - b) <= 20 for a, b in zip(first, again, strict=True)), (first, again)
    assert any(abs(a - b) > 30 for a, b in zip(first, other, strict=True)), (first, other)
