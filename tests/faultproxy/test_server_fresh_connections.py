"""Bytes a client sends right after connecting, before the proxy has reached the upstream,
must not be lost, whatever toxic sits on the upstream stream (issue 10, point 1).

Each case opens 40 fresh connections in turn, each sending an HTTP GET at once, and counts
the ones that got no answer. Before the fix our server (under uvloop) lost most of them on
every pass-through upstream toxic; Toxiproxy lost none.
"""

from __future__ import annotations

import socket

import pytest

from tests.faultproxy.conftest import address

pytestmark = pytest.mark.integration

CONNECTIONS = 40
ANSWER_TIMEOUT_S = 1.0
REQUEST = b"GET / HTTP/1.1\r\nHost: upstream\r\nConnection: close\r\n\r\n"

PASS_THROUGH_TOXICS = [
    pytest.param({}, id="no-toxic"),
    pytest.param({"type": "noop"}, id="noop"),
    pytest.param(
        {"type": "slicer", "attributes": {"average_size": 16, "size_variation": 8, "delay": 10}},
        id="slicer",
    ),
    pytest.param({"type": "limit_data", "attributes": {"bytes": 1_000_000}}, id="limit_data"),
    pytest.param({"type": "latency", "toxicity": 0.5}, id="latency-0-toxicity-0.5"),
    pytest.param({"type": "latency", "attributes": {"latency": 5}}, id="latency-5ms"),
    pytest.param({"type": "bandwidth", "attributes": {"rate": 100_000}}, id="bandwidth"),
    pytest.param({"type": "slow_close", "attributes": {"delay": 5}}, id="slow_close"),
    pytest.param(
        {"type": "slicer"},
        id="slicer-zero-size",
        marks=pytest.mark.differs("zero_size_slicer"),
    ),
]


def _answered(listen: str) -> bool:
    """Connect, send the GET at once, and report whether an HTTP answer came back."""
    with socket.create_connection(address(listen), timeout=ANSWER_TIMEOUT_S) as sock:
        sock.sendall(REQUEST)
        try:
            return sock.recv(64).startswith(b"HTTP/1.1 200")
        except OSError:
            return False


@pytest.mark.parametrize("toxic", PASS_THROUGH_TOXICS)
def test_every_fresh_connection_gets_an_answer(api, http_upstream, toxic):
    """40 of 40 fresh connections get the upstream's HTTP answer through an upstream toxic."""
    listen = api.create_proxy("web", http_upstream)["listen"]
    if toxic:
        api.add_toxic("web", {**toxic, "stream": "upstream"})
    lost = sum(not _answered(listen) for _ in range(CONNECTIONS))
    assert lost == 0, f"{lost} of {CONNECTIONS} fresh connections got no answer on {api.kind}"
