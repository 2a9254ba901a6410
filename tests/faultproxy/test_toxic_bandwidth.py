"""The bandwidth toxic over real TCP (differential): rate in KB/s (1 KB = 1000 B) in either
direction, and rate 0 stalling until the toxic changes."""

from __future__ import annotations

import os
import time

import pytest

pytestmark = pytest.mark.integration


def test_downstream_rate_100_kbps(api, echo_upstream, dial, recv):
    """50 kB at 100 KB/s takes 0.5 s ± 10 %."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    api.add_toxic("p", {"type": "bandwidth", "attributes": {"rate": 100}})
    sock = dial(listen)
    payload = os.urandom(50_000)
    started = time.perf_counter()
    sock.sendall(payload)
    assert recv(sock, len(payload)) == payload
    assert 0.45 <= time.perf_counter() - started <= 0.55


def test_upstream_rate_1000_kbps(api, echo_upstream, dial, recv):
    """480 kB upstream at 1000 KB/s takes 0.48 s ± 10 %."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    api.add_toxic("p", {"type": "bandwidth", "stream": "upstream", "attributes": {"rate": 1000}})
    sock = dial(listen)
    payload = os.urandom(480_000)
    started = time.perf_counter()
    sock.sendall(payload)
    assert recv(sock, len(payload)) == payload
    assert 0.432 <= time.perf_counter() - started <= 0.528


def test_rate_zero_stalls_until_updated(api, echo_upstream, dial, recv):
    """Rate 0 holds every byte; raising the rate releases them intact."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    api.add_toxic("p", {"type": "bandwidth", "attributes": {"rate": 0}})
    sock = dial(listen)
    sock.sendall(b"held back")
    sock.settimeout(0.3)
    with pytest.raises(TimeoutError):
        sock.recv(16)
    sock.settimeout(5)
    reply = api.call(
        "PATCH", "/proxies/p/toxics/bandwidth_downstream", {"attributes": {"rate": 10_000}}
    )
    assert reply.status == 200
    assert recv(sock, 9) == b"held back"
