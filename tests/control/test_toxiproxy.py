"""ProxyControl against the real builtin server on loopback (its process is tested in
tests/runtime/test_faultproxy_process.py).

Covers harness/control/toxiproxy.py: every API call, every error
translation (404/409/400/500/503, timeout, refused, non-JSON, malformed), heal after partial
failure, and set_upstream moving traffic between two echo servers.
"""

from __future__ import annotations

import http.server
import socket
import socketserver
import threading
from collections.abc import Iterator

import pytest

from harness.control.toxiproxy import ProxyControl, ProxyInfo, ProxySpec, ToxicSpec
from harness.errors import ProxyError
from harness.runtime.faultproxy_process import FaultProxyProcess, free_port, start_fault_proxy
from harness.topology import Endpoint

IO_TIMEOUT_S = 5.0


class _TaggedEcho(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        tag: bytes = self.server.tag  # type: ignore[attr-defined]
        while data := self.request.recv(65536):
            self.request.sendall(tag + data)


@pytest.fixture
def echo_pair() -> Iterator[tuple[Endpoint, Endpoint]]:
    """Two echo servers on loopback that prefix replies with b"A:" and b"B:"."""
    servers = []
    for tag in (b"A:", b"B:"):
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _TaggedEcho)
        server.daemon_threads = True
        server.tag = tag  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
    try:
        yield tuple(Endpoint(*s.server_address[:2]) for s in servers)  # type: ignore[misc]
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


@pytest.fixture(scope="module")
def fault_proxy() -> Iterator[FaultProxyProcess]:
    """The builtin fault proxy as a real subprocess, stopped by PID at the end."""
    process = start_fault_proxy("builtin", seed=7)
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture
def control(fault_proxy: FaultProxyProcess) -> Iterator[ProxyControl]:
    """A ProxyControl on the shared server; every proxy is deleted after the test."""
    ctl = ProxyControl(fault_proxy.api, timeout_s=5.0)
    try:
        yield ctl
    finally:
        for proxy in ctl.list():
            ctl.delete(proxy.name)


def exchange(where: Endpoint, payload: bytes = b"ping") -> bytes:
    """Send `payload` on a fresh connection and read until the tagged echo is complete."""
    with socket.create_connection((where.host, where.port), timeout=IO_TIMEOUT_S) as conn:
        conn.sendall(payload)
        return read_exactly(conn, len(payload) + 2)


def read_exactly(conn: socket.socket, size: int) -> bytes:
    """Read `size` bytes (or fewer if the peer closes)."""
    data = b""
    while len(data) < size and (chunk := conn.recv(size - len(data))):
        data += chunk
    return data


def refuses(where: Endpoint) -> bool:
    """True when a TCP connect to `where` is refused."""
    with socket.socket() as probe:
        probe.settimeout(IO_TIMEOUT_S)
        return probe.connect_ex((where.host, where.port)) != 0


# -- ProxyControl against the real server -------------------------------------------------


@pytest.mark.integration
def test_create_get_list_round_trip(
    control: ProxyControl, echo_pair: tuple[Endpoint, Endpoint]
) -> None:
    """create binds port 0 to a real port; get and list report the same proxy."""
    created = control.create("payments-core", "127.0.0.1:0", echo_pair[0])
    assert created.enabled and created.upstream == echo_pair[0].address
    assert created.listen_endpoint.port != 0
    assert control.get("payments-core") == created
    assert [p.name for p in control.list()] == ["payments-core"]
    assert exchange(created.listen_endpoint) == b"A:ping"


@pytest.mark.integration
def test_create_disabled_keeps_port_closed(
    control: ProxyControl, echo_pair: tuple[Endpoint, Endpoint]
) -> None:
    """A proxy created disabled does not listen until it is enabled."""
    port = free_port()
    info = control.create("mobile-core", f"127.0.0.1:{port}", echo_pair[0], enabled=False)
    assert not info.enabled and refuses(Endpoint("127.0.0.1", port))
    enabled = control.set_enabled("mobile-core", True)
    assert enabled.enabled and exchange(enabled.listen_endpoint) == b"A:ping"


@pytest.mark.integration
def test_disable_refuses_and_enable_reuses_port(
    control: ProxyControl, echo_pair: tuple[Endpoint, Endpoint]
) -> None:
    """Disabling refuses connections; re-enabling listens on the same ephemeral port."""
    info = control.create("edge-mobile", "127.0.0.1:0", echo_pair[0])
    assert not control.set_enabled("edge-mobile", False).enabled
    assert refuses(info.listen_endpoint)
    again = control.set_enabled("edge-mobile", True)
    assert again.listen == info.listen
    assert exchange(again.listen_endpoint) == b"A:ping"


@pytest.mark.integration
def test_set_upstream_moves_traffic(
    control: ProxyControl, echo_pair: tuple[Endpoint, Endpoint]
) -> None:
    """Re-pointing the proxy sends new connections to the other DC; old ones are dropped."""
    dc_a, dc_b = echo_pair
    info = control.create("payments-core", "127.0.0.1:0", dc_a)
    listen = info.listen_endpoint
    with socket.create_connection((listen.host, listen.port), IO_TIMEOUT_S) as old:
        old.sendall(b"ping")
        assert read_exactly(old, 6) == b"A:ping"
        moved = control.set_upstream("payments-core", dc_b)
        assert moved.upstream == dc_b.address and moved.listen == info.listen
        try:
            old.sendall(b"ping")
            assert read_exactly(old, 6) == b""
        except ConnectionError:
            pass  # a reset is as good as a FIN: the old connection is gone
    assert exchange(info.listen_endpoint) == b"B:ping"
    control.set_upstream("payments-core", dc_a.address)
    assert exchange(info.listen_endpoint) == b"A:ping"


@pytest.mark.integration
def test_toxic_add_update_list_remove(
    control: ProxyControl, echo_pair: tuple[Endpoint, Endpoint]
) -> None:
    """Toxics read back with defaults; update merges attributes; remove empties the list."""
    control.create("payments-clearing", "127.0.0.1:0", echo_pair[0])
    spec = ToxicSpec("latency", stream="upstream", attributes={"latency": 100, "jitter": 10})
    added = control.add_toxic("payments-clearing", spec)
    assert (added.name, added.stream, added.toxicity) == ("latency_upstream", "upstream", 1.0)
    assert added.attributes == {"latency": 100, "jitter": 10}
    control.add_toxic("payments-clearing", ToxicSpec("bandwidth", name="slow", toxicity=0.5))
    updated = control.update_toxic("payments-clearing", "latency_upstream", {"latency": 250})
    assert updated.attributes == {"latency": 250, "jitter": 10} and updated.toxicity == 1.0
    updated = control.update_toxic("payments-clearing", "slow", toxicity=0.25)
    assert updated.toxicity == 0.25 and updated.attributes == {"rate": 0}
    names = [t.name for t in control.toxics("payments-clearing")]
    assert names == ["latency_upstream", "slow"]
    control.remove_toxic("payments-clearing", "latency_upstream")
    assert [t.name for t in control.get("payments-clearing").toxics] == ["slow"]


@pytest.mark.integration
def test_populate_creates_and_keeps_unchanged(
    control: ProxyControl, echo_pair: tuple[Endpoint, Endpoint]
) -> None:
    """Server-side populate creates proxies and keeps an unchanged one with its toxics."""
    ports = [free_port(), free_port()]
    specs = [
        ProxySpec("mobile-payments", f"127.0.0.1:{ports[0]}", echo_pair[0].address),
        ProxySpec("core-replication", f"127.0.0.1:{ports[1]}", echo_pair[1].address, False),
    ]
    first = control.populate(specs)
    assert [(p.name, p.enabled) for p in first] == [
        ("mobile-payments", True),
        ("core-replication", False),
    ]
    control.add_toxic("mobile-payments", ToxicSpec("latency", attributes={"latency": 5}))
    again = control.populate(specs[:1])
    assert [t.name for t in again[0].toxics] == ["latency_downstream"]
    assert control.populate([]) == ()


@pytest.mark.integration
def test_reset_and_version(control: ProxyControl, echo_pair: tuple[Endpoint, Endpoint]) -> None:
    """reset re-enables and clears toxics; version is a non-empty string."""
    control.create("mobile-core", "127.0.0.1:0", echo_pair[0])
    control.add_toxic("mobile-core", ToxicSpec("timeout", attributes={"timeout": 0}))
    control.set_enabled("mobile-core", False)
    control.reset()
    after = control.get("mobile-core")
    assert after.enabled and after.toxics == ()
    assert control.version().strip() != ""


@pytest.mark.integration
def test_heal_and_remove_all_toxics(
    control: ProxyControl, echo_pair: tuple[Endpoint, Endpoint]
) -> None:
    """remove_all_toxics leaves proxies disabled; heal re-enables everything and reports ()."""
    for name in ("mobile-core", "payments-core"):
        control.create(name, "127.0.0.1:0", echo_pair[0])
        control.add_toxic(name, ToxicSpec("latency", attributes={"latency": 1}))
        control.add_toxic(
            name, ToxicSpec("slicer", stream="upstream", attributes={"average_size": 64})
        )
    control.set_enabled("payments-core", False)
    assert control.remove_all_toxics() == ()
    assert [(p.enabled, p.toxics) for p in control.list()] == [(True, ()), (False, ())]
    control.add_toxic("mobile-core", ToxicSpec("noop"))
    assert control.heal() == ()
    assert all(p.enabled and not p.toxics for p in control.list())


@pytest.mark.integration
def test_heal_falls_back_when_reset_fails(
    control: ProxyControl, echo_pair: tuple[Endpoint, Endpoint]
) -> None:
    """When /reset fails (a port was taken), heal still strips toxics and names the proxy."""
    info = control.create("core-replication", "127.0.0.1:0", echo_pair[0])
    control.add_toxic("core-replication", ToxicSpec("latency", attributes={"latency": 1}))
    control.set_enabled("core-replication", False)
    with socket.socket() as squatter:
        squatter.bind((info.listen_endpoint.host, info.listen_endpoint.port))
        squatter.listen()
        problems = control.heal()
    assert problems == ("proxy 'core-replication': still disabled",)
    assert control.get("core-replication").toxics == ()
    assert control.heal() == ()


def test_heal_never_raises_when_server_is_gone() -> None:
    """heal on an API nobody listens on returns the reason instead of raising."""
    problems = ProxyControl(Endpoint("127.0.0.1", free_port()), timeout_s=1).heal()
    assert len(problems) == 1 and "cannot connect" in problems[0]


# -- error translation ----------------------------------------------------------------------


@pytest.mark.integration
def test_server_errors_become_one_line_proxy_errors(
    control: ProxyControl, echo_pair: tuple[Endpoint, Endpoint]
) -> None:
    """404, 409 and 400 answers become ProxyError naming the subject and the server's text."""
    control.create("mobile-core", "127.0.0.1:0", echo_pair[0])
    control.add_toxic("mobile-core", ToxicSpec("latency"))
    cases = [
        (lambda: control.get("nope"), "get proxy 'nope'", "HTTP 404: proxy not found"),
        (
            lambda: control.remove_toxic("mobile-core", "nope"),
            "remove toxic 'nope' from proxy 'mobile-core'",
            "HTTP 404: toxic not found",
        ),
        (
            lambda: control.create("mobile-core", "127.0.0.1:0", echo_pair[0]),
            "create proxy 'mobile-core'",
            "HTTP 409: proxy already exists",
        ),
        (
            lambda: control.add_toxic("mobile-core", ToxicSpec("latency")),
            "add toxic 'latency_downstream' (latency) to proxy 'mobile-core'",
            "HTTP 409: toxic already exists",
        ),
        (
            lambda: control.add_toxic("mobile-core", ToxicSpec("latency", stream="sideways")),  # type: ignore[arg-type]
            "add toxic",
            "HTTP 400: stream was invalid",
        ),
        (
            lambda: control.add_toxic("mobile-core", ToxicSpec("earthquake")),
            "add toxic 'earthquake_downstream'",
            "HTTP 400: invalid toxic type",
        ),
        (
            lambda: control.update_toxic("ghost", "latency_downstream", toxicity=0.5),
            "update toxic 'latency_downstream' on proxy 'ghost'",
            "HTTP 404: proxy not found",
        ),
    ]
    for call, subject, reason in cases:
        with pytest.raises(ProxyError) as caught:
            call()
        message = str(caught.value)
        assert subject in message and reason in message and "\n" not in message, message


@pytest.mark.integration
def test_listen_conflict_500_is_a_proxy_error_not_keyerror(
    control: ProxyControl, echo_pair: tuple[Endpoint, Endpoint]
) -> None:
    """A 500 (port in use) is a ProxyError with the bind error, where the client KeyErrors."""
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        with pytest.raises(ProxyError, match=r"create proxy 'edge-mobile'.*HTTP 500: .*in use"):
            control.create("edge-mobile", f"127.0.0.1:{taken}", echo_pair[0])
    assert [p.name for p in control.list()] == []


def test_refused_connection_is_a_proxy_error() -> None:
    """A closed API port gives 'cannot connect', chained to the requests error."""
    ctl = ProxyControl(Endpoint("127.0.0.1", free_port()), timeout_s=1)
    with pytest.raises(ProxyError, match=r"list proxies on 127\.0\.0\.1:\d+: cannot connect") as e:
        ctl.list()
    assert e.value.__cause__ is not None


def test_silent_server_times_out() -> None:
    """A server that accepts but never answers gives a timeout ProxyError within bounds."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        ctl = ProxyControl(Endpoint("127.0.0.1", silent.getsockname()[1]), timeout_s=0.3)
        with pytest.raises(ProxyError, match=r"reset all proxies .*no answer within 0\.3s"):
            ctl.reset()


class _CannedApi(http.server.BaseHTTPRequestHandler):
    """Answers every request with the status and body the server was configured with."""

    def _answer(self) -> None:
        status, body = self.server.canned  # type: ignore[attr-defined]
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        """Canned answer."""
        self._answer()

    def do_POST(self) -> None:
        """Canned answer."""
        self._answer()

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def canned_api() -> Iterator[http.server.ThreadingHTTPServer]:
    """A real HTTP server on loopback whose answer each test sets."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CannedApi)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("status", "body", "pattern"),
    [
        (200, b"<html>ok</html>", r"get proxy 'x' .*answer is not JSON: '<html>ok</html>'"),
        (200, b'{"surprise": 1}', r"malformed proxy in server answer"),
        (201, b"[1, 2]", r"populate 0 proxies .*unexpected answer"),
        (503, b"<html><head><title>Timeout</title></head></html>", r"HTTP 503: <html>"),
        (500, b'{"error":"boom","status":500}\n', r"HTTP 500: boom$"),
        (403, b"User agent not allowed\n", r"HTTP 403: User agent not allowed$"),
        (200, b'{"version": 7}', r"get version .*unexpected answer"),
    ],
)
def test_broken_answers_become_proxy_errors(
    canned_api: http.server.ThreadingHTTPServer, status: int, body: bytes, pattern: str
) -> None:
    """Non-JSON, malformed JSON and non-API error bodies all become one-line ProxyErrors."""
    canned_api.canned = (status, body)  # type: ignore[attr-defined]
    ctl = ProxyControl(Endpoint("127.0.0.1", canned_api.server_address[1]), timeout_s=2)
    call = {"populate": lambda: ctl.populate([]), "version": ctl.version}
    name = "populate" if "populate" in pattern else "version" if "version" in pattern else ""
    with pytest.raises(ProxyError, match=pattern) as caught:
        call.get(name, lambda: ctl.get("x"))()
    assert "\n" not in str(caught.value)


def test_bare_version_text_is_accepted(canned_api: http.server.ThreadingHTTPServer) -> None:
    """Toxiproxy up to 2.5 answered /version with a bare string; that is not an error."""
    canned_api.canned = (200, b"2.1.2")  # type: ignore[attr-defined]
    ctl = ProxyControl(Endpoint("127.0.0.1", canned_api.server_address[1]), timeout_s=2)
    assert ctl.version() == "2.1.2"


# -- plain data -----------------------------------------------------------------------------


def test_toxic_spec_default_name_and_listen_endpoint() -> None:
    """A spec without a name gets <type>_<stream>; wildcard listens map to loopback."""
    assert ToxicSpec("latency").effective_name == "latency_downstream"
    assert ToxicSpec("timeout", name="blackhole").effective_name == "blackhole"
    info = ProxyInfo("x", "[::]:20000", "127.0.0.1:1", True)
    assert info.listen_endpoint == Endpoint("127.0.0.1", 20000)
