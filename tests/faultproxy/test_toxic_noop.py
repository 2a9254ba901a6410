"""The noop toxic over real TCP (differential): bytes pass unchanged in either direction."""

from __future__ import annotations

import os

import pytest

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("stream", ["upstream", "downstream"])
def test_bytes_pass_unchanged(api, echo_upstream, dial, recv, stream):
    """One byte, a line and 1 MiB come back byte for byte through a noop toxic."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    api.add_toxic("p", {"type": "noop", "stream": stream})
    sock = dial(listen)
    for payload in (b"x", b"hello world\n", os.urandom(1 << 20)):
        sock.sendall(payload)
        assert recv(sock, len(payload)) == payload
