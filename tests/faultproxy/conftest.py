"""Fixtures for the fault proxy's tests: `api`, parametrised over our server and the reference
Toxiproxy 2.8.0 (both as processes, shared per session and emptied after each test);
`our_api`, our server in-process on a background event loop; echo and HTTP upstreams, a raw
HTTP client for the API and small socket helpers.

Everything listens on 127.0.0.1 only; every fixture stops what it started, even on failure.
"""

from __future__ import annotations

import asyncio
import http.client
import http.server
import json
import socket
import socketserver
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from harness.faultproxy.server import FaultProxyServer, ServerOptions
from tests.faultproxy.differences import DELIBERATE_DIFFERENCES
from tests.faultproxy.servers import KINDS, OURS, REFERENCE, ServerPool, reference_missing_reason

IO_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class Reply:
    """One API response as bytes on the wire."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


class ApiClient:
    """A plain HTTP client for a Toxiproxy API (one connection per call); `kind` says which
    server it talks to (`ours` or `toxiproxy`)."""

    def __init__(self, host: str, port: int, kind: str = OURS) -> None:
        self.host = host
        self.port = port
        self.kind = kind

    @property
    def version(self) -> str:
        """The version this server reports on /version."""
        return "2.12.0" if self.kind == OURS else "2.8.0"

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """Send one request; dict/list bodies are JSON-encoded, str/bytes are sent raw."""
        if isinstance(body, dict | list):
            payload: bytes | None = json.dumps(body).encode()
        elif isinstance(body, str):
            payload = body.encode()
        else:
            payload = body
        conn = http.client.HTTPConnection(self.host, self.port, timeout=IO_TIMEOUT_S)
        try:
            conn.request(method, path, body=payload, headers=headers or {})
            response = conn.getresponse()
            data = response.read()
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        finally:
            conn.close()

    def create_proxy(self, name: str, upstream: str, listen: str = "127.0.0.1:0") -> dict[str, Any]:
        """POST /proxies and return the proxy JSON (asserting 201)."""
        body = {"name": name, "listen": listen, "upstream": upstream}
        reply = self.call("POST", "/proxies", body)
        assert reply.status == 201, reply.body
        proxy: dict[str, Any] = reply.json()
        return proxy

    def add_toxic(self, proxy: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST a toxic and return its JSON (asserting 200)."""
        reply = self.call("POST", f"/proxies/{proxy}/toxics", body)
        assert reply.status == 200, reply.body
        toxic: dict[str, Any] = reply.json()
        return toxic


class ServerThread:
    """A FaultProxyServer on its own event loop in a daemon thread."""

    def __init__(self, options: ServerOptions) -> None:
        self.options = options
        self.loop = asyncio.new_event_loop()
        self.server = FaultProxyServer(options)
        self.address: tuple[str, int] = ("", 0)
        self._thread = threading.Thread(target=self._run, name="faultproxy", daemon=True)
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.address = self.loop.run_until_complete(self.server.start())
        except BaseException as exc:  # reported to the starting thread
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self.server.close())
        self.loop.close()

    def start(self) -> ApiClient:
        """Start and wait until the API is bound."""
        self._thread.start()
        if not self._ready.wait(IO_TIMEOUT_S):
            raise RuntimeError("fault proxy did not start within 5 s")
        if self._error is not None:
            raise self._error
        return ApiClient(*self.address)

    def stop(self) -> None:
        """Stop the loop (closing every proxy) and join the thread."""
        if self._thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(IO_TIMEOUT_S)


def _uvloop_policy_loop() -> asyncio.AbstractEventLoop | None:
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop()


@pytest.fixture
def start_faultproxy() -> Iterator[Callable[..., ApiClient]]:
    """A factory: start a server with ServerOptions keywords; all are stopped afterwards."""
    started: list[ServerThread] = []

    def start(**options: Any) -> ApiClient:
        server = ServerThread(ServerOptions(host="127.0.0.1", port=0, **options))
        loop = _uvloop_policy_loop()
        if loop is not None:
            server.loop.close()
            server.loop = loop
        started.append(server)
        return server.start()

    try:
        yield start
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def our_api(start_faultproxy: Callable[..., ApiClient]) -> ApiClient:
    """Our server only, in-process (seed 7): for behaviour the reference does not share."""
    return start_faultproxy(seed=7)


def pytest_configure(config: pytest.Config) -> None:
    """Register the `differs` marker (the suite runs with --strict-markers)."""
    config.addinivalue_line(
        "markers",
        "differs(key): a deliberate difference from Toxiproxy 2.8.0 (tests/faultproxy/"
        "differences.py); skipped or strictly xfailed on the reference server",
    )


@pytest.fixture(scope="session")
def server_pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerPool]:
    """The session's server processes (started on first use, stopped by PID at the end)."""
    pool = ServerPool(tmp_path_factory.mktemp("toxiproxy-servers"))
    try:
        yield pool
    finally:
        pool.stop_all()


def _expect_difference(request: pytest.FixtureRequest) -> None:
    """On the reference server, skip or strictly xfail the test's deliberate differences."""
    for marker in request.node.iter_markers("differs"):
        key = marker.args[0]
        difference = DELIBERATE_DIFFERENCES[key]
        reason = f"deliberate difference {key}: {difference.reason}"
        if difference.harms_reference:
            pytest.skip(reason)
        request.applymarker(pytest.mark.xfail(reason=reason, strict=True))


def server_api(
    request: pytest.FixtureRequest, pool: ServerPool, *flags: str
) -> Iterator[ApiClient]:
    """A client for the pool's server of `request.param`'s kind with these flags; the server
    is emptied of proxies afterwards."""
    kind: str = request.param
    if kind == REFERENCE:
        missing = reference_missing_reason()
        if missing is not None:
            pytest.skip(missing)
        _expect_difference(request)
    server = pool.get(kind, flags)
    yield ApiClient("127.0.0.1", server.port, kind)
    if server.alive():
        server.delete_all_proxies()


@pytest.fixture(params=KINDS)
def api(request: pytest.FixtureRequest, server_pool: ServerPool) -> Iterator[ApiClient]:
    """The same test against our server and the reference Toxiproxy 2.8.0 (differential)."""
    yield from server_api(request, server_pool)


@pytest.fixture(params=KINDS)
def proxy_metrics_api(
    request: pytest.FixtureRequest, server_pool: ServerPool
) -> Iterator[ApiClient]:
    """`api` on servers started with `-proxy-metrics`."""
    yield from server_api(request, server_pool, "-proxy-metrics")


@pytest.fixture(params=KINDS)
def runtime_metrics_api(
    request: pytest.FixtureRequest, server_pool: ServerPool
) -> Iterator[ApiClient]:
    """`api` on servers started with `-runtime-metrics`."""
    yield from server_api(request, server_pool, "-runtime-metrics")


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        sock: socket.socket = self.request
        try:
            while data := sock.recv(65536):
                sock.sendall(data)
        except OSError:
            return


class _EchoServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024


@pytest.fixture
def echo_upstream() -> Iterator[str]:
    """A threaded echo server on loopback; yields its "127.0.0.1:PORT"."""
    server = _EchoServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(IO_TIMEOUT_S)


class _Hello(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = b"hello"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


class _HttpServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024


@pytest.fixture
def http_upstream() -> Iterator[str]:
    """A small threaded HTTP server on loopback answering every GET with `hello`."""
    server = _HttpServer(("127.0.0.1", 0), _Hello)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(IO_TIMEOUT_S)


def address(listen: str) -> tuple[str, int]:
    """("host", port) from "host:port"."""
    host, _, port = listen.rpartition(":")
    return host, int(port)


@pytest.fixture
def dial() -> Iterator[Callable[[str], socket.socket]]:
    """Connect to a "host:port" with a 5 s timeout; every socket is closed afterwards."""
    opened: list[socket.socket] = []

    def connect(listen: str) -> socket.socket:
        sock = socket.create_connection(address(listen), timeout=IO_TIMEOUT_S)
        opened.append(sock)
        return sock

    try:
        yield connect
    finally:
        for sock in opened:
            sock.close()


def recv_exactly(sock: socket.socket, size: int) -> bytes:
    """Read exactly `size` bytes or fail on EOF."""
    parts: list[bytes] = []
    remaining = size
    while remaining:
        data = sock.recv(min(remaining, 1 << 20))
        if not data:
            raise EOFError(f"EOF after {size - remaining} of {size} bytes")
        parts.append(data)
        remaining -= len(data)
    return b"".join(parts)


def read_until_closed(sock: socket.socket) -> bytes:
    """Read until EOF (raises on reset)."""
    parts: list[bytes] = []
    while data := sock.recv(65536):
        parts.append(data)
    return b"".join(parts)


@pytest.fixture
def recv() -> Callable[[socket.socket, int], bytes]:
    """`recv_exactly` as a fixture, for test modules."""
    return recv_exactly


@pytest.fixture
def drain() -> Callable[[socket.socket], bytes]:
    """`read_until_closed` as a fixture, for test modules."""
    return read_until_closed
