"""Conformance: every call of the real toxiproxy-python 0.1.1 client against our fault proxy.

The server is `python -m harness.faultproxy` started as a subprocess (or, when the
environment sets TOXIPROXY_URL, a real Toxiproxy already running there, so the same suite
can be checked against the reference). The client's process-global APIConsumer is pointed at
it with `update_api_consumer`. Behaviour is checked over real TCP through an echo server:
closed ports, re-used listen ports, toxics that persist, latency that is really added.
"""

from __future__ import annotations

import os
import socket
import socketserver
import threading
import time
from collections.abc import Iterator

import pytest
from toxiproxy import Toxiproxy
from toxiproxy.api import APIConsumer
from toxiproxy.exceptions import InvalidToxic, NotFound, ProxyExists
from toxiproxy.proxy import Proxy
from toxiproxy.toxic import Toxic

from harness.runtime.faultproxy_process import attach, free_port, start_fault_proxy
from harness.topology import Endpoint

pytestmark = pytest.mark.integration
IO_TIMEOUT_S = 5.0


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        while data := self.request.recv(65536):
            self.request.sendall(data)


@pytest.fixture(scope="module")
def api() -> Iterator[Endpoint]:
    """The fault proxy's API: our server as a subprocess, or TOXIPROXY_URL if set."""
    url = os.environ.get("TOXIPROXY_URL")
    if url:
        yield attach(url)
        return
    process = start_fault_proxy("builtin", port=free_port(), seed=11)
    try:
        yield process.api
    finally:
        process.stop()


@pytest.fixture
def server(api: Endpoint) -> Iterator[Toxiproxy]:
    """The client pointed at the server; every proxy is destroyed after each test."""
    client = Toxiproxy()
    client.update_api_consumer(api.host, api.port)
    try:
        yield client
    finally:
        client.update_api_consumer(api.host, api.port)
        client.destroy_all()
        client.update_api_consumer("127.0.0.1", 8474)


@pytest.fixture(scope="module")
def echo() -> Iterator[str]:
    """An echo server on loopback; its "host:port" is the proxies' upstream."""
    tcp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Echo)
    tcp.daemon_threads = True
    threading.Thread(target=tcp.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield f"127.0.0.1:{tcp.server_address[1]}"
    finally:
        tcp.shutdown()
        tcp.server_close()


def endpoint(proxy: Proxy) -> tuple[str, int]:
    """The (host, port) a client dials to reach `proxy`."""
    host, _, port = proxy.listen.rpartition(":")
    return host, int(port)


def accepts(address: tuple[str, int]) -> bool:
    """True when a TCP connect to `address` succeeds."""
    with socket.socket() as probe:
        probe.settimeout(IO_TIMEOUT_S)
        return probe.connect_ex(address) == 0


def round_trip_ms(address: tuple[str, int], payload: bytes = b"omg\n") -> float:
    """Milliseconds from sending `payload` to reading all of its echo, on a new connection."""
    with socket.create_connection(address, timeout=IO_TIMEOUT_S) as conn:
        started = time.perf_counter()
        conn.sendall(payload)
        received = b""
        while len(received) < len(payload):
            chunk = conn.recv(len(payload))
            assert chunk, "connection closed before the echo arrived"
            received += chunk
        elapsed_ms = (time.perf_counter() - started) * 1000
    assert received == payload
    return elapsed_ms


# -- Toxiproxy (server object) ----------------------------------------------------------------


def test_running_version_and_update_api_consumer(server: Toxiproxy, api: Endpoint) -> None:
    """running/version answer for the server and report nothing for a closed port."""
    assert server.running() is True
    version = server.version()
    assert isinstance(version, bytes) and b'"version"' in version and version.endswith(b"\n")
    server.update_api_consumer("127.0.0.1", free_port())
    assert server.running() is False and server.version() is None
    server.update_api_consumer(api.host, api.port)
    assert (APIConsumer.host, APIConsumer.port) == (api.host, api.port)


def test_create_port_zero_binds_a_real_port(server: Toxiproxy, echo: str) -> None:
    """create without listen sends 127.0.0.1:0; the server answers with the bound port."""
    proxy = server.create(upstream=echo, name="payments-core")
    assert isinstance(proxy, Proxy) and proxy.enabled is True and proxy.upstream == echo
    host, port = endpoint(proxy)
    assert host == "127.0.0.1" and port != 0
    assert round_trip_ms((host, port)) < 1000


def test_create_disabled_echoes_listen_and_stays_closed(server: Toxiproxy, echo: str) -> None:
    """enabled=False stores the proxy without binding; listen is echoed as sent."""
    port = free_port()
    proxy = server.create(echo, "mobile-core", listen=f"127.0.0.1:{port}", enabled=False)
    assert proxy.enabled is False and proxy.listen == f"127.0.0.1:{port}"
    assert not accepts(("127.0.0.1", port))
    assert server.get_proxy("mobile-core").enabled is False


def test_proxies_get_proxy_and_name_conflicts(server: Toxiproxy, echo: str) -> None:
    """proxies() lists by name; get_proxy of an unknown name is None; duplicates raise."""
    assert server.proxies() == {} and server.get_proxy("nope") is None
    server.create(echo, "edge-mobile")
    server.create(echo, "mobile-payments")
    assert sorted(server.proxies()) == ["edge-mobile", "mobile-payments"]
    with pytest.raises(ProxyExists):
        server.create(echo, "edge-mobile")  # the client's own pre-check
    with pytest.raises(ProxyExists, match="proxy already exists"):
        APIConsumer.post("/proxies", json={"name": "edge-mobile", "upstream": echo})
    with pytest.raises(NotFound):
        APIConsumer.get("/not_found")


def test_destroy_and_destroy_all(server: Toxiproxy, echo: str) -> None:
    """destroy frees the port (reusable at once); destroy_all empties the server."""
    proxy = server.create(echo, "payments-clearing")
    address = endpoint(proxy)
    assert server.destroy("payments-clearing") is False  # only Proxy instances are destroyed
    assert server.destroy(proxy) is True
    assert not accepts(address) and server.get_proxy("payments-clearing") is None
    with pytest.raises(NotFound, match="proxy not found"):
        proxy.destroy()
    again = server.create(echo, "payments-clearing", listen=f"{address[0]}:{address[1]}")
    assert endpoint(again) == address and accepts(address)
    for name in ("a", "b", "c"):
        server.create(echo, name)
    server.destroy_all()
    assert server.proxies() == {}


def test_populate_client_emulation(server: Toxiproxy, echo: str) -> None:
    """populate creates listening proxies, skips unchanged ones, and re-creates on change."""
    ports = [free_port(), free_port()]
    wanted = [
        {"name": "core-replication", "upstream": echo, "listen": f"127.0.0.1:{ports[0]}"},
        {"name": "mobile-core", "upstream": echo, "listen": f"127.0.0.1:{ports[1]}"},
    ]
    created = server.populate(wanted)
    assert [p.name for p in created] == ["core-replication", "mobile-core"]
    assert all(accepts(("127.0.0.1", port)) for port in ports)
    server.get_proxy("core-replication").add_toxic(type="latency", attributes={"latency": 5})
    assert server.populate(wanted) == []  # same listen and upstream: left alone
    assert server.get_proxy("core-replication").get_toxic("latency_downstream") is not None
    # The server canonicalises "localhost" to 127.0.0.1, so the client sees a change.
    moved = [{**wanted[0], "listen": f"localhost:{ports[0]}"}]
    assert [p.listen for p in server.populate(moved)] == [f"127.0.0.1:{ports[0]}"]
    assert server.get_proxy("core-replication").toxics() == {}


def test_reset_clears_toxics_and_reenables(server: Toxiproxy, echo: str) -> None:
    """reset() is True, re-enables disabled proxies on their port and removes every toxic."""
    proxy = server.create(echo, "payments-core")
    proxy.add_toxic(type="timeout", attributes={"timeout": 0})
    proxy.add_toxic(type="latency", stream="upstream", attributes={"latency": 10})
    proxy.disable()
    assert not accepts(endpoint(proxy))
    assert server.reset() is True
    after = server.get_proxy("payments-core")
    assert after.enabled is True and after.listen == proxy.listen
    assert after.toxics() == {}
    assert round_trip_ms(endpoint(after)) < 1000


# -- Proxy --------------------------------------------------------------------------------------


def test_add_toxic_both_streams_and_read_back(server: Toxiproxy, echo: str) -> None:
    """add_toxic returns None; toxics/get_toxic read back names, streams, toxicity, attributes."""
    proxy = server.create(echo, "mobile-payments")
    assert proxy.add_toxic(type="latency", attributes={"latency": 100, "jitter": 10}) is None
    proxy.add_toxic(type="latency", stream="upstream", toxicity=0.2)
    proxy.add_toxic(type="bandwidth", name="narrow", attributes={"rate": 1000})
    toxics = proxy.toxics()
    assert sorted(toxics) == ["latency_downstream", "latency_upstream", "narrow"]
    down = proxy.get_toxic("latency_downstream")
    assert isinstance(down, Toxic) and down.stream == "downstream" and down.toxicity == 1
    assert down.attributes == {"latency": 100, "jitter": 10}
    up = toxics["latency_upstream"]
    assert up.stream == "upstream" and up.attributes == {"latency": 0, "jitter": 0}
    assert up.toxicity == pytest.approx(0.2, abs=1e-6)
    assert toxics["narrow"].type == "bandwidth" and toxics["narrow"].attributes == {"rate": 1000}
    assert proxy.get_toxic("nope") is None


def test_toxic_errors(server: Toxiproxy, echo: str) -> None:
    """Bad stream or type is InvalidToxic (400); a duplicate name in either stream conflicts."""
    proxy = server.create(echo, "payments-core")
    with pytest.raises(InvalidToxic, match="stream was invalid"):
        proxy.add_toxic(type="latency", stream="lolstream")
    with pytest.raises(InvalidToxic, match="invalid toxic type"):
        proxy.add_toxic(type="earthquake")
    proxy.add_toxic(type="latency", name="slow")
    with pytest.raises(ProxyExists, match="toxic already exists"):
        proxy.add_toxic(type="latency", name="slow", stream="upstream")
    with pytest.raises(NotFound, match="toxic not found"):
        proxy.destroy_toxic("nope")
    ghost = Proxy(name="ghost", upstream=echo, enabled=True, listen="127.0.0.1:1")
    with pytest.raises(NotFound, match="proxy not found"):
        ghost.toxics()


def test_destroy_toxic(server: Toxiproxy, echo: str) -> None:
    """destroy_toxic is True and the toxic is gone; the latency it added goes with it."""
    proxy = server.create(echo, "edge-mobile")
    proxy.add_toxic(type="latency", attributes={"latency": 300})
    assert round_trip_ms(endpoint(proxy)) >= 295
    assert proxy.destroy_toxic("latency_downstream") is True
    assert proxy.toxics() == {}
    assert round_trip_ms(endpoint(proxy)) < 250


def test_disable_enable_keeps_port_and_toxics(server: Toxiproxy, echo: str) -> None:
    """Disabled: refused and open connections dropped; enabled: same port, toxic kept."""
    proxy = server.create(echo, "core-replication")
    proxy.add_toxic(type="latency", attributes={"latency": 50})
    address = endpoint(proxy)
    with socket.create_connection(address, timeout=IO_TIMEOUT_S) as established:
        proxy.disable()
        assert proxy.enabled is False and not accepts(address)
        try:
            established.sendall(b"x")
            assert established.recv(1) == b""
        except ConnectionError:
            pass  # a reset also shows that the proxy dropped the connection
    assert server.get_proxy("core-replication").enabled is False
    proxy.enable()
    assert proxy.enabled is True
    assert server.get_proxy("core-replication").listen == proxy.listen
    assert proxy.get_toxic("latency_downstream").attributes["latency"] == 50
    assert round_trip_ms(address) >= 45


def test_down_context_manager(server: Toxiproxy, echo: str) -> None:
    """down() closes the port inside the block and re-enables it after, even on error."""
    proxy = server.create(echo, "mobile-core")
    address = endpoint(proxy)
    with proxy.down():
        assert not accepts(address)
    assert accepts(address) and server.get_proxy("mobile-core").listen == proxy.listen
    with pytest.raises(RuntimeError), proxy.down():
        raise RuntimeError("the experiment failed inside the outage")
    assert accepts(address) and server.get_proxy("mobile-core").enabled is True


# -- latency measured over real TCP ------------------------------------------------------------


def test_latency_is_added_per_direction(server: Toxiproxy, echo: str) -> None:
    """A 100 ms downstream plus 50 ms upstream latency adds about 150 ms to an echo."""
    proxy = server.create(echo, "payments-clearing")
    address = endpoint(proxy)
    baseline_ms = min(round_trip_ms(address) for _ in range(3))
    assert baseline_ms < 50
    proxy.add_toxic(type="latency", attributes={"latency": 100})
    down_ms = round_trip_ms(address)
    assert 100 - 5 <= down_ms <= 100 + 60, down_ms
    proxy.add_toxic(type="latency", stream="upstream", attributes={"latency": 50})
    both_ms = round_trip_ms(address)
    assert 150 - 5 <= both_ms <= 150 + 60, both_ms


def test_toxicity_zero_never_applies(server: Toxiproxy, echo: str) -> None:
    """A latency toxic with toxicity 0 is stored but adds no delay."""
    proxy = server.create(echo, "mobile-payments")
    proxy.add_toxic(type="latency", toxicity=0.0, attributes={"latency": 500})
    assert proxy.get_toxic("latency_downstream").toxicity == 0
    assert max(round_trip_ms(endpoint(proxy)) for _ in range(3)) < 250
