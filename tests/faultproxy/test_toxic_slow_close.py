"""The slow_close toxic over real TCP (differential): the close reaches the other side
`delay` ms late, in either direction."""

from __future__ import annotations

import socket
import time

import pytest

from tests.faultproxy.conftest import read_until_closed as drain

pytestmark = pytest.mark.integration


def test_server_close_reaches_client_late(api, dial):
    """Downstream slow_close 300: the server's close reaches the client after ~300 ms,
    with the data first."""
    with socket.socket() as upstream:
        upstream.bind(("127.0.0.1", 0))
        upstream.listen(1)
        upstream.settimeout(5)
        listen = api.create_proxy("p", f"127.0.0.1:{upstream.getsockname()[1]}")["listen"]
        api.add_toxic("p", {"type": "slow_close", "attributes": {"delay": 300}})
        client = dial(listen)
        server_side, _ = upstream.accept()
        started = time.perf_counter()
        server_side.sendall(b"last words")
        server_side.close()
        assert drain(client) == b"last words"
        assert 0.28 <= time.perf_counter() - started <= 0.6


def test_client_close_reaches_upstream_late(api, dial):
    """Upstream slow_close 300: the client's FIN closes the upstream socket after ~300 ms,
    with the data first."""
    with socket.socket() as upstream:
        upstream.bind(("127.0.0.1", 0))
        upstream.listen(1)
        upstream.settimeout(5)
        listen = api.create_proxy("p", f"127.0.0.1:{upstream.getsockname()[1]}")["listen"]
        api.add_toxic(
            "p", {"type": "slow_close", "stream": "upstream", "attributes": {"delay": 300}}
        )
        client = dial(listen)
        server_side, _ = upstream.accept()
        with server_side:
            server_side.settimeout(5)
            started = time.perf_counter()
            client.sendall(b"goodbye")
            client.shutdown(socket.SHUT_WR)
            assert drain(server_side) == b"goodbye"
            assert 0.28 <= time.perf_counter() - started <= 0.6
