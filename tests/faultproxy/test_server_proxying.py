"""Plain TCP proxying, differentially (ours and Toxiproxy 2.8.0): data integrity,
enable/disable, delete, listen/upstream changes, populate, dead and slow upstreams, and
hundreds of concurrent connections."""

from __future__ import annotations

import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.integration


def _port(listen: str) -> int:
    return int(listen.rsplit(":", 1)[1])


def _refused(listen: str) -> bool:
    try:
        socket.create_connection(("127.0.0.1", _port(listen)), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


def _closed_by_proxy(sock: socket.socket) -> bool:
    """True when the proxy closed the socket (EOF or reset) within the socket timeout."""
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def test_bytes_round_trip_unchanged(api, echo_upstream, dial, recv):
    """Small and 1 MiB messages come back byte for byte."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    sock = dial(listen)
    for payload in (b"x", b"hello world\n", os.urandom(1 << 20)):
        sock.sendall(payload)
        assert recv(sock, len(payload)) == payload


def test_disable_closes_connections_and_enable_keeps_port(api, echo_upstream, dial, recv):
    """Disable refuses new connections and closes open ones; enable re-binds the same port."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    sock = dial(listen)
    sock.sendall(b"a")
    assert recv(sock, 1) == b"a"
    assert api.call("POST", "/proxies/p", {"enabled": False}).status == 200
    assert _closed_by_proxy(sock)
    assert _refused(listen)
    assert api.call("POST", "/proxies/p", {"enabled": True}).json()["listen"] == listen
    again = dial(listen)
    again.sendall(b"b")
    assert recv(again, 1) == b"b"


def test_enable_when_enabled_is_noop(api, echo_upstream, dial, recv):
    """`enabled:true` on an enabled proxy keeps its connections open."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    sock = dial(listen)
    assert api.call("PATCH", "/proxies/p", {"enabled": True}).status == 200
    sock.sendall(b"still")
    assert recv(sock, 5) == b"still"


def test_delete_closes_connections(api, echo_upstream, dial):
    """Deleting a proxy closes its listener and every connection."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    sock = dial(listen)
    api.call("DELETE", "/proxies/p")
    assert _closed_by_proxy(sock)
    assert _refused(listen)


@pytest.mark.differs("resolved_listen")
def test_same_resolved_listen_keeps_connections(api, echo_upstream, dial, recv):
    """`localhost:PORT` for a proxy on 127.0.0.1:PORT is not a change: connections stay."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    sock = dial(listen)
    reply = api.call("PATCH", "/proxies/p", {"listen": f"localhost:{_port(listen)}"})
    assert reply.json()["listen"] == listen
    sock.sendall(b"kept")
    assert recv(sock, 4) == b"kept"


def test_listen_and_upstream_changes_restart(api, echo_upstream, dial, recv):
    """A new listen or upstream closes connections; `localhost:0` picks a new port."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    sock = dial(listen)
    moved = api.call("PATCH", "/proxies/p", {"listen": "localhost:0"}).json()["listen"]
    assert moved != listen and _closed_by_proxy(sock)
    sock = dial(moved)
    api.call("PATCH", "/proxies/p", {"upstream": f"localhost:{_port(echo_upstream)}"})
    assert _closed_by_proxy(sock)
    sock = dial(moved)
    sock.sendall(b"via localhost")
    assert recv(sock, 13) == b"via localhost"


@pytest.mark.differs("resolved_listen")
def test_populate_keeps_unchanged_and_replaces_changed(api, echo_upstream, dial, recv):
    """Populate keeps a proxy whose resolved listen and upstream match (with its toxics and
    connections) and replaces one whose listen changed."""
    kept = api.create_proxy("kept", echo_upstream)["listen"]
    api.create_proxy("moved", echo_upstream)
    api.add_toxic("kept", {"type": "noop"})
    sock = dial(kept)
    body = [
        {
            "name": "kept",
            "listen": f"localhost:{_port(kept)}",
            "upstream": echo_upstream,
            "enabled": False,
        },
        {"name": "moved", "listen": "127.0.0.1:0", "upstream": echo_upstream},
        {"name": "new", "listen": "127.0.0.1:0", "upstream": echo_upstream},
    ]
    reply = api.call("POST", "/populate", body)
    assert reply.status == 201 and reply.headers["content-type"] == "application/json"
    proxies = reply.json()["proxies"]
    assert [p["name"] for p in proxies] == ["kept", "moved", "new"]
    assert proxies[0]["enabled"] is True and len(proxies[0]["toxics"]) == 1
    sock.sendall(b"alive")
    assert recv(sock, 5) == b"alive"


def test_populate_validates_first_and_does_not_roll_back(api, echo_upstream):
    """A missing field fails before anything is created; a bind failure keeps earlier ones."""
    reply = api.call(
        "POST", "/populate", [{"name": "a", "upstream": "x:1", "listen": ":0"}, {"upstream": "x:1"}]
    )
    assert reply.status == 400
    assert reply.json() == {
        "error": "missing required field: name at proxy 2",
        "status": 400,
        "proxies": None,
    }
    assert api.call("GET", "/proxies").body == b"{}"
    reply = api.call(
        "POST",
        "/populate",
        [
            {"name": "one", "listen": "127.0.0.1:0", "upstream": echo_upstream},
            {"name": "two", "listen": "local373", "upstream": echo_upstream},
            {"name": "three", "listen": "127.0.0.1:0", "upstream": echo_upstream},
        ],
    )
    assert reply.status == 500
    body = reply.json()
    assert body["error"] == "listen tcp: address local373: missing port in address"
    assert [p["name"] for p in body["proxies"]] == ["one"]
    assert sorted(api.call("GET", "/proxies").json()) == ["one"]


def test_populate_bad_body_and_empty(api):
    """A non-array body is 400 with `proxies:null`; an empty array is 201 `{"proxies":null}`."""
    reply = api.call("POST", "/populate", {"name": "x"})
    assert reply.status == 400 and reply.json()["proxies"] is None
    assert reply.json()["error"].startswith("bad request body: ")
    reply = api.call("POST", "/populate", [])
    assert (reply.status, reply.body) == (201, b'{"proxies":null}')


def test_dead_upstream_closes_client_at_once(api, dial):
    """When the upstream refuses, the client's connection is closed right away."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"127.0.0.1:{probe.getsockname()[1]}"
    listen = api.create_proxy("p", dead)["listen"]
    sock = dial(listen)
    sock.settimeout(0.5)
    assert _closed_by_proxy(sock)


@pytest.mark.differs("slow_upstream_dial")
def test_slow_upstream_does_not_block_accept(api, echo_upstream, dial, recv):
    """A client whose upstream never answers the handshake does not hold up other proxies'
    or the same proxy's accepts (each dial is its own task)."""
    with socket.socket() as backlog_full:
        backlog_full.bind(("127.0.0.1", 0))
        backlog_full.listen(0)
        silent = f"127.0.0.1:{backlog_full.getsockname()[1]}"
        stuck = api.create_proxy("stuck", silent)["listen"]
        for _ in range(4):
            dial(stuck)
        listen = api.create_proxy("p", echo_upstream)["listen"]
        started = time.monotonic()
        sock = dial(listen)
        sock.sendall(b"quick")
        assert recv(sock, 5) == b"quick"
        assert time.monotonic() - started < 2.0
        assert api.call("DELETE", "/proxies/stuck").status == 204


def test_client_close_closes_upstream(api, dial):
    """When the client closes, the proxy closes the upstream socket too."""
    upstream = socket.socket()
    upstream.bind(("127.0.0.1", 0))
    upstream.listen(1)
    upstream.settimeout(5)
    try:
        listen = api.create_proxy("p", f"127.0.0.1:{upstream.getsockname()[1]}")["listen"]
        client = dial(listen)
        server_side, _ = upstream.accept()
        with server_side:
            server_side.settimeout(5)
            client.sendall(b"bye")
            client.shutdown(socket.SHUT_WR)
            assert server_side.recv(3) == b"bye"
            assert server_side.recv(1) == b""
    finally:
        upstream.close()


def test_three_hundred_concurrent_connections(api, echo_upstream):
    """300 connections open at once all carry their own data intact."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    barrier = threading.Barrier(300, timeout=20)

    def session(index: int) -> bool:
        payload = f"{index:05d}".encode() * 2000
        with socket.create_connection(("127.0.0.1", _port(listen)), timeout=20) as sock:
            barrier.wait()
            sock.sendall(payload)
            received = b""
            while len(received) < len(payload):
                data = sock.recv(65536)
                if not data:
                    break
                received += data
            return received == payload

    with ThreadPoolExecutor(max_workers=300) as pool:
        results = list(pool.map(session, range(300)))
    assert all(results)
