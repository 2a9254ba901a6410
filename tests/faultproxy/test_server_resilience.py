"""Bad input of every kind gets an answer (or a closed connection) and the server keeps
serving: random bytes, broken HTTP, huge bodies and headers, wrong JSON types. Run against
both servers, except the body-size limit, which only ours has."""

from __future__ import annotations

import random
import socket

import pytest

pytestmark = pytest.mark.integration

GARBAGE_REQUESTS = [
    b"\x00\xff\xfe garbage\r\n\r\n",
    b"GET\r\n\r\n",
    b"GET /proxies HTTP/9.9\r\n\r\n",
    b"GET /proxies HTTP/1.1\r\nno-colon-header\r\n\r\n",
    b"POST /proxies HTTP/1.1\r\nContent-Length: banana\r\n\r\n",
    b"POST /proxies HTTP/1.1\r\nContent-Length: 999999999999\r\n\r\n",
    b"POST /proxies HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
    b"POST /proxies HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"GET /proxies HTTP/1.1\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n",
    b"GET " + b"/a" * 100_000 + b" HTTP/1.1\r\n\r\n",
    b"POST /proxies HTTP/1.1\r\nContent-Length: 10\r\n\r\nshort",
]


def _send_raw(api, payload: bytes) -> bytes:
    """Send `payload`, then read whatever the server answers before it closes.

    The server may answer and close before it has read the whole payload (a huge header),
    so a failed send or half-close is expected; the answer is still read."""
    with socket.create_connection((api.host, api.port), timeout=5) as sock:
        try:
            sock.sendall(payload)
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        chunks = []
        try:
            while data := sock.recv(65536):
                chunks.append(data)
        except ConnectionResetError:
            pass
        return b"".join(chunks)


def test_broken_http_gets_an_error_and_server_survives(api, echo_upstream):
    """Each malformed request gets a 4xx/5xx status line or a closed connection."""
    for payload in GARBAGE_REQUESTS:
        answer = _send_raw(api, payload)
        if answer:
            status = int(answer.split(b" ", 2)[1])
            assert 400 <= status < 600, (payload[:60], answer[:80])
    assert api.call("GET", "/version").status == 200
    api.create_proxy("after", echo_upstream)


def test_random_bytes_never_break_the_server(api):
    """Random byte strings (seeded) sent as requests leave the API working."""
    rng = random.Random(1234)
    for _ in range(40):
        _send_raw(api, rng.randbytes(rng.randrange(1, 3000)))
    assert api.call("GET", "/proxies").status == 200


def test_random_json_bodies_are_answered(api, echo_upstream):
    """Random JSON shapes on every write endpoint answer with a status, never a crash."""
    api.create_proxy("p", echo_upstream)
    api.add_toxic("p", {"name": "t", "type": "latency"})
    rng = random.Random(99)
    values = [
        None,
        True,
        0,
        -1,
        1.5,
        2**70,
        "",
        "x" * 10_000,
        [],
        {},
        [1, "a"],
        {"latency": "1"},
        {"rate": -5},
        float("1e308"),
    ]
    keys = [
        "name",
        "listen",
        "upstream",
        "enabled",
        "type",
        "stream",
        "toxicity",
        "attributes",
        "NAME",
        "Attributes",
    ]
    paths = [
        ("POST", "/proxies"),
        ("PATCH", "/proxies/p"),
        ("POST", "/proxies/p/toxics"),
        ("PATCH", "/proxies/p/toxics/t"),
        ("POST", "/populate"),
    ]
    for _ in range(150):
        body = {rng.choice(keys): rng.choice(values) for _ in range(rng.randrange(4))}
        if rng.random() < 0.2:
            body = rng.choice(values)
        method, path = rng.choice(paths)
        reply = api.call(method, path, body if isinstance(body, dict | list) else repr(body))
        assert reply.status in (200, 201, 400, 404, 409, 500), (method, path, body, reply)
        if reply.status == 500:
            assert reply.json()["error"].startswith(("listen tcp", "address", "lookup")), reply
    assert api.call("GET", "/proxies").status == 200


def test_huge_body_is_refused(our_api):
    """A 20 MB body is refused with 413 and the server keeps answering (ours only: Toxiproxy
    sets no body limit and waits 15 s for the body)."""
    answer = _send_raw(
        our_api, b"POST /proxies HTTP/1.1\r\nHost: x\r\nContent-Length: 20000000\r\n\r\n"
    )
    assert answer.startswith(b"HTTP/1.1 413")
    assert our_api.call("GET", "/version").status == 200


def test_keep_alive_serves_several_requests(api):
    """One connection carries several requests in a row."""
    with socket.create_connection((api.host, api.port), timeout=5) as sock:
        sock.sendall(b"GET /version HTTP/1.1\r\nHost: x\r\n\r\n" * 3)
        data = b""
        while data.count(api.version.encode()) < 3:
            chunk = sock.recv(65536)
            assert chunk
            data += chunk
    assert data.count(b"HTTP/1.1 200 OK") == 3
