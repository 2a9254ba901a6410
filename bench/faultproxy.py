"""Benchmark: what a fault proxy costs, next to a direct connection and a real Toxiproxy.

    python bench/faultproxy.py [--toxiproxy-url URL] [--rounds 3] [--quick]

Competitors `direct`, `builtin` (our server, started here) and `toxiproxy` (--toxiproxy-url
or `toxiproxy-server` on PATH) reach the same upstreams (echo + bulk, in a child process);
rounds interleave them and the table shows medians. All on 127.0.0.1, every loop bounded;
the client uses raw sockets with big buffers, threads and uvloop so the proxy is what is
measured. It prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import multiprocessing
import os
import shutil
import socket
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from multiprocessing.connection import Connection

import uvloop

from harness.control.toxiproxy import ProxyControl, ToxicSpec
from harness.errors import HarnessError
from harness.logs import configure_logging
from harness.runtime.faultproxy_process import attach, start_fault_proxy
from harness.topology import Endpoint

PAYLOAD = b"x" * 100
BUFFER_BYTES = 1 << 20
IO_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Sizes:
    """How much work one round does."""

    round_trips: int
    churn_connections: int
    bulk_bytes: int
    crowd_connections: int
    crowd_round_trips: int
    toxic_round_trips: int
    bandwidth_bytes: int


FULL = Sizes(20_000, 3_000, 512 << 20, 500, 50, 20, 5_000_000)
QUICK = Sizes(5_000, 1_000, 64 << 20, 500, 50, 10, 1_000_000)
LATENCY_TOXIC_MS = 50
BANDWIDTH_TOXIC_KBPS = 1024
CHURN_THREADS = 16


@dataclass(frozen=True)
class Competitor:
    """One way to reach the upstreams: directly, or through a proxy with an API."""

    name: str
    echo: Endpoint
    bulk: Endpoint
    control: ProxyControl | None = None
    pid: int | None = None


# -- upstreams (child process) ----------------------------------------------------------------


class _EchoProtocol(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: asyncio.Transport = transport  # type: ignore[assignment]
        sock = transport.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        self.transport.write(data)


def _serve_upstreams(ready: Connection) -> None:
    """Child process: asyncio echo server plus a thread-per-connection bulk server."""
    bulk = socket.create_server(("127.0.0.1", 0), backlog=128)
    threading.Thread(target=_bulk_accept, args=(bulk,), daemon=True).start()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(_EchoProtocol, "127.0.0.1", 0, backlog=1024)
        ready.send((server.sockets[0].getsockname()[1], bulk.getsockname()[1]))
        await asyncio.Event().wait()  # until the parent SIGTERMs this process

    uvloop.run(main())


def _bulk_accept(listener: socket.socket) -> None:
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=_bulk_session, args=(conn,), daemon=True).start()


def _bulk_session(conn: socket.socket) -> None:
    """b"U"+size: sink size bytes then ack b"K"; b"D"+size: source size bytes."""
    with conn:
        header = _recv_exactly(conn, 9)
        if len(header) < 9:
            return
        size = int.from_bytes(header[1:], "big")
        view = memoryview(bytearray(BUFFER_BYTES))
        if header[:1] == b"U":
            if _drain(conn, view, size) == size:
                conn.sendall(b"K")
            return
        _send_bytes(conn, view, size)
        conn.recv(1)  # wait for the client to close


@contextmanager
def upstreams() -> Iterator[tuple[Endpoint, Endpoint]]:
    """Run the upstream servers in a child process; stop it by PID on exit."""
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.Process(target=_serve_upstreams, args=(child,), daemon=True)
    process.start()
    try:
        if not parent.poll(10):
            raise RuntimeError("bench upstreams did not start within 10 s")
        echo_port, bulk_port = parent.recv()
        yield Endpoint("127.0.0.1", echo_port), Endpoint("127.0.0.1", bulk_port)
    finally:
        process.terminate()
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join(5)


# -- workloads (bench process) ----------------------------------------------------------------


def _recv_exactly(conn: socket.socket, size: int) -> bytes:
    data = bytearray()
    while len(data) < size and (chunk := conn.recv(size - len(data))):
        data += chunk
    return bytes(data)


def _drain(conn: socket.socket, view: memoryview, size: int) -> int:
    got = 0
    while got < size and (n := conn.recv_into(view[: min(size - got, len(view))])):
        got += n
    return got


def _send_bytes(conn: socket.socket, view: memoryview, size: int) -> None:
    for offset in range(0, size, len(view)):
        conn.sendall(view[: min(size - offset, len(view))])


def _connect(where: Endpoint) -> socket.socket:
    conn = socket.create_connection((where.host, where.port), timeout=IO_TIMEOUT_S)
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return conn


def ping_pong_us(where: Endpoint, count: int, budget_s: float = 60.0) -> list[float]:
    """Round-trip times (µs) of 100-byte ping-pongs on one persistent connection."""
    samples: list[float] = []
    deadline = time.monotonic() + budget_s
    with _connect(where) as conn:
        for _ in range(count):
            started = time.perf_counter_ns()
            conn.sendall(PAYLOAD)
            if len(_recv_exactly(conn, len(PAYLOAD))) != len(PAYLOAD):
                raise ConnectionError(f"{where.address} closed mid ping-pong")
            samples.append((time.perf_counter_ns() - started) / 1000)
            if time.monotonic() > deadline:
                break  # bounded in time as well as count
    return samples


def churn(where: Endpoint, total: int, budget_s: float = 60.0) -> tuple[list[float], float, int]:
    """connect + 100-byte round trip + close from 16 threads: (latencies ms, conns/s, errors)."""
    ticket = itertools.count()
    latencies: list[float] = []
    errors = [0]
    deadline = time.monotonic() + budget_s

    def worker() -> None:
        while next(ticket) < total and time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                with _connect(where) as conn:
                    conn.sendall(PAYLOAD)
                    ok = len(_recv_exactly(conn, len(PAYLOAD))) == len(PAYLOAD)
            except OSError:
                ok = False
            if ok:
                latencies.append((time.perf_counter() - started) * 1000)
            else:
                errors[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(CHURN_THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, len(latencies) / (time.perf_counter() - started), errors[0]


def bulk_mb_s(where: Endpoint, size: int, direction: str) -> float:
    """Throughput (MB/s, 10^6 bytes) of `size` bytes up ("U") or down ("D") one connection."""
    view = memoryview(bytearray(BUFFER_BYTES))
    with _connect(where) as conn:
        started = time.perf_counter()
        conn.sendall(direction.encode() + size.to_bytes(8, "big"))
        if direction == "U":
            _send_bytes(conn, view, size)
            if conn.recv(1) != b"K":
                raise ConnectionError(f"{where.address}: upload not acknowledged")
        elif _drain(conn, view, size) != size:
            raise ConnectionError(f"{where.address}: download cut short")
        return size / (time.perf_counter() - started) / 1e6


async def _crowd(where: Endpoint, conns: int, round_trips: int) -> tuple[float, int]:
    """`conns` connections open at once, each doing `round_trips` ping-pongs: (s, errors)."""
    loop = asyncio.get_running_loop()
    connect_gate = asyncio.Semaphore(64)
    arrivals = itertools.count(1)
    all_open = asyncio.Event()

    async def customer() -> bool:
        sock = socket.socket()
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            try:
                async with connect_gate:
                    await asyncio.wait_for(loop.sock_connect(sock, (where.host, where.port)), 10)
            finally:
                if next(arrivals) == conns:
                    all_open.set()
            await all_open.wait()
            for _ in range(round_trips):
                await loop.sock_sendall(sock, PAYLOAD)
                got = 0
                while got < len(PAYLOAD):
                    chunk = await loop.sock_recv(sock, 4096)
                    if not chunk:
                        return False
                    got += len(chunk)
            return True
        except (OSError, TimeoutError):
            return False
        finally:
            sock.close()

    started = time.perf_counter()
    results = await asyncio.wait_for(asyncio.gather(*(customer() for _ in range(conns))), 120)
    return time.perf_counter() - started, results.count(False)


def crowd(where: Endpoint, conns: int, round_trips: int) -> tuple[float, int]:
    """Run `_crowd` on a fresh uvloop event loop."""
    result: tuple[float, int] = uvloop.run(_crowd(where, conns, round_trips))
    return result


# -- one round for one competitor -------------------------------------------------------------


def pct(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (q in [0, 1]); NaN for no samples."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_round(comp: Competitor, sizes: Sizes) -> dict[str, float]:
    """Every metric once for `comp`."""
    figures: dict[str, float] = {}
    rtt = ping_pong_us(comp.echo, sizes.round_trips)
    figures |= {"rtt_p50_us": pct(rtt, 0.5), "rtt_p99_us": pct(rtt, 0.99)}
    lat_ms, rate, errors = churn(comp.echo, sizes.churn_connections)
    figures |= {"churn_p50_ms": pct(lat_ms, 0.5), "churn_p99_ms": pct(lat_ms, 0.99)}
    figures |= {"churn_per_s": rate, "churn_errors": errors}
    figures["up_mb_s"] = bulk_mb_s(comp.bulk, sizes.bulk_bytes, "U")
    figures["down_mb_s"] = bulk_mb_s(comp.bulk, sizes.bulk_bytes, "D")
    total_s, crowd_errors = crowd(comp.echo, sizes.crowd_connections, sizes.crowd_round_trips)
    figures |= {"crowd_s": total_s, "crowd_errors": crowd_errors}
    if comp.control is not None:
        figures |= toxic_accuracy(comp, sizes)
    return figures


def toxic_accuracy(comp: Competitor, sizes: Sizes) -> dict[str, float]:
    """p50 error of a 50 ms latency toxic; % error of a 1024 KB/s bandwidth toxic."""
    assert comp.control is not None
    latency = ToxicSpec("latency", name="bench-latency", attributes={"latency": LATENCY_TOXIC_MS})
    comp.control.add_toxic("bench-echo", latency)
    try:
        rtt_ms = [us / 1000 for us in ping_pong_us(comp.echo, sizes.toxic_round_trips)]
    finally:
        comp.control.remove_toxic("bench-echo", "bench-latency")
    rate = ToxicSpec("bandwidth", name="bench-rate", attributes={"rate": BANDWIDTH_TOXIC_KBPS})
    comp.control.add_toxic("bench-bulk", rate)
    try:
        measured = bulk_mb_s(comp.bulk, sizes.bandwidth_bytes, "D") * 1e6
    finally:
        comp.control.remove_toxic("bench-bulk", "bench-rate")
    expected = BANDWIDTH_TOXIC_KBPS * 1000
    return {
        "latency_err_ms": pct(rtt_ms, 0.5) - LATENCY_TOXIC_MS,
        "bandwidth_err_pct": (expected / measured - 1) * 100,  # + means slower than the rate
    }


def usage(pid: int) -> tuple[float, float]:
    """(user + system CPU seconds so far, peak RSS MiB from VmHWM) of process `pid`."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    with open(f"/proc/{pid}/status") as status:
        hwm = [line.split()[1] for line in status if line.startswith("VmHWM:")]
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return cpu, int(hwm[0]) / 1024 if hwm else float("nan")


# -- competitors, rounds and the table --------------------------------------------------------


def proxied(
    stack: ExitStack, name: str, api: Endpoint, direct: Competitor, pid: int | None
) -> Competitor:
    """Create the two bench proxies on the server at `api`; they are deleted on exit."""
    control = ProxyControl(api)
    _remove_bench_proxies(control)
    stack.callback(_remove_bench_proxies, control)
    via_echo = control.create("bench-echo", "127.0.0.1:0", direct.echo).listen_endpoint
    via_bulk = control.create("bench-bulk", "127.0.0.1:0", direct.bulk).listen_endpoint
    return Competitor(name, via_echo, via_bulk, control, pid)


def competitors(
    stack: ExitStack, direct: Competitor, url: str | None
) -> tuple[list[Competitor], str]:
    """Direct, builtin, and a real Toxiproxy when one is available; plus a note on the latter."""
    builtin = stack.enter_context(start_fault_proxy("builtin", seed=1))
    found = [direct, proxied(stack, "builtin", builtin.api, direct, builtin.pid)]
    if url:
        api, pid = attach(url), None
    elif shutil.which("toxiproxy-server"):
        real = stack.enter_context(start_fault_proxy("toxiproxy-server"))
        api, pid = real.api, real.pid
    else:
        return found, "toxiproxy: not compared (no --toxiproxy-url, no toxiproxy-server on PATH)"
    found.append(proxied(stack, "toxiproxy", api, direct, pid))
    return found, f"toxiproxy: version {ProxyControl(api).version()} at {api.url}"


def _remove_bench_proxies(control: ProxyControl) -> None:
    for name in ("bench-echo", "bench-bulk"):
        with suppress(HarnessError):
            control.delete(name)


ROWS: tuple[tuple[str, str, str], ...] = (
    ("ping-pong RTT p50 (µs)", "rtt_p50_us", "{:.1f}"),
    ("ping-pong RTT p99 (µs)", "rtt_p99_us", "{:.1f}"),
    ("  added vs direct p50 (µs)", "added_p50_us", "{:+.1f}"),
    ("  added vs direct p99 (µs)", "added_p99_us", "{:+.1f}"),
    ("connect+RT+close p50 (ms)", "churn_p50_ms", "{:.3f}"),
    ("connect+RT+close p99 (ms)", "churn_p99_ms", "{:.3f}"),
    ("connections/s (16 threads)", "churn_per_s", "{:.0f}"),
    ("  churn errors", "churn_errors", "{:.0f}"),
    ("bulk upstream (MB/s)", "up_mb_s", "{:.0f}"),
    ("bulk downstream (MB/s)", "down_mb_s", "{:.0f}"),
    ("500 conns x 50 RT total (s)", "crowd_s", "{:.2f}"),
    ("  500 conns errors", "crowd_errors", "{:.0f}"),
    ("latency 50ms: p50 error (ms)", "latency_err_ms", "{:+.2f}"),
    ("bandwidth 1024KB/s: error (%)", "bandwidth_err_pct", "{:+.2f}"),
    ("proxy CPU per round (s)", "cpu_s", "{:.2f}"),
    ("proxy peak RSS (MiB)", "rss_mb", "{:.1f}"),
)


def bench(comps: list[Competitor], sizes: Sizes, rounds: int) -> dict[str, dict[str, float]]:
    """Interleave competitors over `rounds` (rotating the order); per-metric medians."""
    history: dict[str, list[dict[str, float]]] = {c.name: [] for c in comps}
    for number in range(rounds):
        order = comps[number % len(comps) :] + comps[: number % len(comps)]
        for comp in order:
            print(f"round {number + 1}/{rounds}: {comp.name}", file=sys.stderr, flush=True)
            before_s = usage(comp.pid)[0] if comp.pid else 0.0
            figures = run_round(comp, sizes)
            if comp.pid:
                cpu, rss_mb = usage(comp.pid)
                figures |= {"cpu_s": cpu - before_s, "rss_mb": rss_mb}
            history[comp.name].append(figures)
    medians = {
        name: {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        for name, runs in history.items()
    }
    for figures, q in itertools.product(medians.values(), ("p50", "p99")):
        figures[f"added_{q}_us"] = figures[f"rtt_{q}_us"] - medians["direct"][f"rtt_{q}_us"]
    return medians


def table(medians: dict[str, dict[str, float]]) -> str:
    """The figures as one text table: a row per metric, a column per competitor."""
    names = list(medians)
    lines = [f"{'metric':<32}" + "".join(f"{n:>14}" for n in names)]
    lines.append("-" * len(lines[0]))
    for label, key, fmt in ROWS:
        cells = [fmt.format(medians[n][key]) if key in medians[n] else "-" for n in names]
        lines.append(f"{label:<32}" + "".join(f"{c:>14}" for c in cells))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table; 3 on an infrastructure error."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--toxiproxy-url", help="a running Toxiproxy to compare against")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="smaller sizes (64 MB bulk)")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    configure_logging("warning", json=False, stream=sys.stderr)
    try:
        with ExitStack() as stack:
            echo, bulk = stack.enter_context(upstreams())
            comps, note = competitors(stack, Competitor("direct", echo, bulk), args.toxiproxy_url)
            medians = bench(comps, sizes, max(1, args.rounds))
    except HarnessError as exc:
        print(f"bench/faultproxy: {exc}", file=sys.stderr)
        return exc.exit_code
    print(f"medians of {args.rounds} rounds; {sizes.round_trips} RTs, {sizes.bulk_bytes >> 20} MiB")
    print(table(medians))
    print(note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
