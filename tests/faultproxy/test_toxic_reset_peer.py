"""The reset_peer toxic over real TCP (differential): the first data triggers an RST, after
the timeout; with toxicity 0 it never fires."""

from __future__ import annotations

import socket
import time

import pytest

pytestmark = pytest.mark.integration


def _read_until_reset(sock) -> float:
    started = time.perf_counter()
    with pytest.raises(ConnectionResetError):
        while sock.recv(16):
            pass
    return time.perf_counter() - started


def test_reset_on_first_data(api, echo_upstream, dial, recv):
    """Upstream reset_peer 0: the connection stays usable until data is sent, then RST."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    api.add_toxic("p", {"type": "reset_peer", "stream": "upstream"})
    sock = dial(listen)
    sock.settimeout(0.2)
    with pytest.raises(TimeoutError):
        sock.recv(16)
    sock.settimeout(5)
    sock.sendall(b"trigger")
    assert _read_until_reset(sock) < 0.5


def test_reset_after_timeout(api, echo_upstream, dial):
    """reset_peer 100 ms resets about 100 ms after the first data."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    api.add_toxic("p", {"type": "reset_peer", "stream": "upstream", "attributes": {"timeout": 100}})
    sock = dial(listen)
    sock.sendall(b"trigger")
    assert 0.09 <= _read_until_reset(sock) <= 0.3


def test_server_reply_triggers_downstream_reset(api, dial):
    """Downstream reset_peer 100: the upstream's first bytes are dropped and the client is
    reset about 100 ms later."""
    with socket.socket() as upstream:
        upstream.bind(("127.0.0.1", 0))
        upstream.listen(1)
        upstream.settimeout(5)
        listen = api.create_proxy("p", f"127.0.0.1:{upstream.getsockname()[1]}")["listen"]
        api.add_toxic("p", {"type": "reset_peer", "attributes": {"timeout": 100}})
        sock = dial(listen)
        server_side, _ = upstream.accept()
        with server_side:
            server_side.sendall(b"hello")
            assert 0.09 <= _read_until_reset(sock) <= 0.3


def test_toxicity_zero_lets_data_flow(api, echo_upstream, dial, recv):
    """With toxicity 0 reset_peer never fires: data flows both ways."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    api.add_toxic("p", {"type": "reset_peer", "toxicity": 0})
    sock = dial(listen)
    for payload in (b"fine", b"still fine"):
        sock.sendall(payload)
        assert recv(sock, len(payload)) == payload


@pytest.mark.differs("reset_peer_linger")
def test_toxicity_zero_closes_with_fin(api, echo_upstream, dial, recv):
    """With toxicity 0 the proxy's close is a clean FIN, not an RST."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    api.add_toxic("p", {"type": "reset_peer", "toxicity": 0})
    sock = dial(listen)
    sock.sendall(b"fine")
    assert recv(sock, 4) == b"fine"
    api.call("DELETE", "/proxies/p")
    assert sock.recv(16) == b""
