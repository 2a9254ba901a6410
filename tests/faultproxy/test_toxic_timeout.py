"""The timeout toxic over real TCP (differential): data dropped, close after the timeout,
never with 0, and the connection closed when the toxic is removed."""

from __future__ import annotations

import socket
import time

import pytest

pytestmark = pytest.mark.integration


def _eof_or_reset(sock) -> bool:
    try:
        return sock.recv(16) == b""
    except ConnectionResetError:
        return True


def test_timeout_zero_drops_data_and_removal_closes(api, echo_upstream, dial):
    """timeout 0 blackholes the direction without closing; deleting it closes."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    api.add_toxic("p", {"type": "timeout", "stream": "upstream", "attributes": {"timeout": 0}})
    sock = dial(listen)
    sock.sendall(b"lost")
    sock.settimeout(0.3)
    with pytest.raises(TimeoutError):
        sock.recv(16)
    sock.settimeout(5)
    started = time.perf_counter()
    assert api.call("DELETE", "/proxies/p/toxics/timeout_upstream").status == 204
    assert _eof_or_reset(sock)
    assert time.perf_counter() - started < 1.0


def test_timeout_closes_after_its_time(api, echo_upstream, dial):
    """timeout 200 ms closes the connection about 200 ms after it began."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    api.add_toxic("p", {"type": "timeout", "attributes": {"timeout": 200}})
    started = time.perf_counter()
    sock = dial(listen)
    assert _eof_or_reset(sock)
    assert 0.18 <= time.perf_counter() - started <= 0.45


def test_toxicity_zero_then_one_applies_on_update(api, echo_upstream, dial, recv):
    """With toxicity 0 data flows; updating to 1 with timeout 100 closes within ~150 ms."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    api.add_toxic("p", {"type": "timeout", "toxicity": 0, "attributes": {"timeout": 100}})
    sock = dial(listen)
    sock.sendall(b"flows")
    assert recv(sock, 5) == b"flows"
    started = time.perf_counter()
    api.call("PATCH", "/proxies/p/toxics/timeout_downstream", {"toxicity": 1})
    assert _eof_or_reset(sock)
    assert time.perf_counter() - started <= 0.3


def test_reset_removes_timeout_and_closes(api, dial, recv):
    """/reset removes a timeout toxic, which closes the connections it held.

    The upstream greets each client, so the greeting's arrival proves both directions of
    the connection are running (Toxiproxy starts them only after its upstream dial)."""
    with socket.socket() as upstream:
        upstream.bind(("127.0.0.1", 0))
        upstream.listen(1)
        upstream.settimeout(5)
        listen = api.create_proxy("p", f"127.0.0.1:{upstream.getsockname()[1]}")["listen"]
        api.add_toxic("p", {"type": "timeout", "stream": "upstream"})
        sock = dial(listen)
        server_side, _ = upstream.accept()
        with server_side:
            server_side.sendall(b"hi")
            assert recv(sock, 2) == b"hi"
            assert api.call("POST", "/reset").status == 204
            assert _eof_or_reset(sock)
