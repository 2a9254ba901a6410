"""Benchmark: requests/s of the harness's load process vs plain Locust, same users, same server.

    python bench/load.py [--duration-s 15] [--users 50] [--rounds 3]

A raw asyncio HTTP responder (uvloop when available) on 127.0.0.1, started as a subprocess,
answers every request at once with one JSON body that satisfies every customer journey, so
the server is not the bottleneck. Each round runs, one process each, interleaved:
  plain-fast   `locust --headless` with FastHttpUser, no wait, GET balance in a loop
  plain-http   the same with HttpUser (why the harness uses FastHttpUser)
  harness      `LoadProcess` (python -m harness.load.runner), mix balance=100, rate far above
               capacity and a start lag long enough that nothing expires: as fast as it can go
Prints requests/s per run, the medians and harness / plain-fast (goal >= 90 %).
This is a benchmark: it prints figures and never asserts on time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.history.samples import read_samples  # noqa: E402
from harness.load.config import LoadConfig  # noqa: E402
from harness.load.process import LoadProcess  # noqa: E402

BODY = json.dumps(
    {
        "access_token": "t",
        "refresh_token": "r",
        "expires_in": 300,
        "password_change_required": False,
        "account_id": "ACC-0001",
        "available": "1000.00",
        "booked": "1000.00",
        "currency": "PEN",
        "stale": False,
        "mode": "live",
    }
).encode()
RESPONSE = (
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
    + str(len(BODY)).encode()
    + b"\r\n\r\n"
    + BODY
)
PLAIN_LOCUSTFILE = """
from locust import {base}, task

class Plain({base}):
    @task
    def balance(self):
        self.client.get("/v1/accounts/ACC-0001/balance", headers={{"Authorization": "Bearer t"}})
"""


@dataclass(frozen=True)
class Figure:
    """One run: requests per second and generator CPU (user + system) per request."""

    rate_per_s: float
    cpu_us_per_request: float


class Responder(asyncio.Protocol):
    """Answers each HTTP/1.1 request on a keep-alive connection with the fixed response."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: asyncio.Transport = transport  # type: ignore[assignment]
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head = self.buffer[:end].lower()
            length = 0
            if (at := head.find(b"content-length:")) >= 0:
                length = int(head[at + 15 :].split(b"\r\n", 1)[0])
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length :]
            self.transport.write(RESPONSE)


async def serve(port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Responder, "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


def run_responder(port: int) -> None:
    """The --serve mode: the responder on 127.0.0.1:port until killed (uvloop if present)."""
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(serve(port))


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, __file__, "--serve", str(port)])
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/ready", timeout=0.5)
            return proc, url
        except httpx.HTTPError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"bench: responder on {url} did not come up")


def children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_plain(url: str, base: str, users: int, duration_s: float, workdir: Path) -> Figure:
    """Requests/s and CPU per request of plain headless Locust with `base`."""
    locustfile = workdir / f"plain_{base}.py"
    locustfile.write_text(PLAIN_LOCUSTFILE.format(base=base))
    argv = [
        str(Path(sys.executable).with_name("locust")), "-f", str(locustfile), "--headless",
        "--host", url, "-u", str(users), "-r", str(users * 10), "-t", f"{duration_s:g}s",
        "--only-summary", "--json", "--loglevel", "ERROR",
    ]  # fmt: skip
    cpu_before_s = children_cpu_s()
    done = subprocess.run(argv, check=True, capture_output=True, text=True, timeout=duration_s + 60)
    requests = sum(int(entry["num_requests"]) for entry in json.loads(done.stdout))
    return Figure(requests / duration_s, (children_cpu_s() - cpu_before_s) / requests * 1e6)


def run_harness(url: str, users: int, duration_s: float, workdir: Path, round_no: int) -> Figure:
    """Requests/s and CPU per request of the harness's load process, demand above capacity."""
    config = LoadConfig(
        edge_url=url,
        rate_per_s=1_000_000.0,
        users=users,
        duration_s=duration_s,
        mix=(("balance", 100.0),),
        customers=max(users, 2),
        client_timeout_s=5.0,
        seed=round_no,
        max_start_lag_s=1e9,
    )
    out = workdir / f"harness_{round_no}.jsonl"
    cpu_before_s = children_cpu_s()
    proc = LoadProcess.start(config, out)
    try:
        code = proc.wait(timeout_s=duration_s + 30)
    finally:
        proc.stop(timeout_s=5)
    if code != 0:
        raise SystemExit(f"bench: {proc.failure()}")
    requests = sum(1 for s in read_samples(out) if s.served)
    return Figure(requests / duration_s, (children_cpu_s() - cpu_before_s) / requests * 1e6)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration-s", type=float, default=15.0)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        run_responder(args.serve)
        return
    server, url = start_server()
    runs: dict[str, list[Figure]] = {"plain-fast": [], "harness": [], "plain-http": []}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            for round_no in range(1, args.rounds + 1):
                users, duration_s = args.users, args.duration_s
                figures = {
                    "plain-fast": run_plain(url, "FastHttpUser", users, duration_s, workdir),
                    "harness": run_harness(url, users, duration_s, workdir, round_no),
                    "plain-http": run_plain(url, "HttpUser", users, duration_s, workdir),
                }
                for name, figure in figures.items():
                    runs[name].append(figure)
                ratio = figures["harness"].rate_per_s / figures["plain-fast"].rate_per_s
                print(f"round {round_no}: {describe(figures)}  harness/plain-fast {ratio:.0%}")
    finally:
        server.terminate()
        server.wait(timeout=5)
    report(runs, args.users, args.duration_s)


def describe(figures: dict[str, Figure]) -> str:
    return "  ".join(
        f"{name} {f.rate_per_s:6.0f} req/s {f.cpu_us_per_request:4.0f} us/req"
        for name, f in figures.items()
    )


def report(runs: dict[str, list[Figure]], users: int, duration_s: float) -> None:
    """Medians over the rounds; the ratio of rates and, steadier on a busy machine, of CPU."""
    medians = {
        name: Figure(
            statistics.median(f.rate_per_s for f in figures),
            statistics.median(f.cpu_us_per_request for f in figures),
        )
        for name, figures in runs.items()
    }
    fast, harness = medians["plain-fast"], medians["harness"]
    print(f"median ({users} users, {duration_s:g} s, 1 process each): {describe(medians)}")
    rate_ratio = harness.rate_per_s / fast.rate_per_s
    cpu_ratio = fast.cpu_us_per_request / harness.cpu_us_per_request
    http_gain = fast.rate_per_s / medians["plain-http"].rate_per_s
    print(f"harness / plain-fast requests/s = {rate_ratio:.1%} (goal >= 90 %)")
    print(
        f"plain-fast / harness CPU per request = {cpu_ratio:.1%} (the same ratio, load-independent)"
    )
    print(f"plain-fast / plain-http requests/s = {http_gain:.2f}x")


if __name__ == "__main__":
    main()
