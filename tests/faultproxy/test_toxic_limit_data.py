"""The limit_data toxic over real TCP (differential): truncation, close, zero limit, state
kept on update."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_truncates_then_closes(api, echo_upstream, dial, drain):
    """150 bytes under a 100-byte limit: the first 100 arrive, then EOF."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    api.add_toxic("p", {"type": "limit_data", "attributes": {"bytes": 100}})
    sock = dial(listen)
    payload = bytes(range(150))
    sock.sendall(payload)
    assert drain(sock) == payload[:100]


def test_zero_limit_closes_on_first_data(api, echo_upstream, dial, drain, recv):
    """With bytes 0 upstream, nothing passes and the first data closes the connection."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    api.add_toxic("p", {"type": "limit_data", "stream": "upstream"})
    sock = dial(listen)
    sock.settimeout(0.2)
    with pytest.raises(TimeoutError):
        sock.recv(1)
    sock.settimeout(5)
    sock.sendall(b"x")
    assert drain(sock) == b""


def test_count_survives_update(api, echo_upstream, dial, drain, recv):
    """60 bytes forwarded, limit raised from 80 to 100: 40 more pass, then EOF."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    api.add_toxic("p", {"type": "limit_data", "attributes": {"bytes": 80}})
    sock = dial(listen)
    sock.sendall(b"a" * 60)
    assert recv(sock, 60) == b"a" * 60
    api.call("PATCH", "/proxies/p/toxics/limit_data_downstream", {"attributes": {"bytes": 100}})
    sock.sendall(b"b" * 60)
    assert drain(sock) == b"b" * 40
