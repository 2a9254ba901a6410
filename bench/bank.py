"""Benchmark: the proxy tax on the bank's customer journeys (balance and transfer).

    python bench/bank.py [--seconds 8] [--concurrency 16] [--rounds 3]

Starts the whole bank with the local runtime (hardened profile) twice per round, interleaved:
`proxied` (every link through the fault proxy, as in experiments) and `direct` (services wired
to each other, no proxy), and drives each journey closed-loop from `--concurrency` async
clients for `--seconds`: GET balance, then POST transfer (1.00 each, a fresh Idempotency-Key).
Prints throughput and p50/p99 per journey and mode (medians over rounds) and the tax
(proxied - direct). Everything on 127.0.0.1; every loop is bounded in time. This is a
benchmark: it prints figures and never asserts on time.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness.logs import configure_logging
from harness.runtime.base import BankConfig
from harness.runtime.local import LocalRuntime

CUSTOMERS = 64


@dataclass(frozen=True)
class Figures:
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p99_ms: float


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


async def login(client: httpx.AsyncClient, n: int) -> dict[str, str]:
    customer = f"CUST-{n:04d}"
    answer = await client.post(
        "/v1/auth/login",
        json={"customer_id": customer, "password": f"{customer.lower()}-correct-horse"},
    )
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def drive(edge: str, journey: str, seconds: float, concurrency: int) -> Figures:
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=edge, timeout=10, limits=limits) as client:
        auths = [await login(client, n + 1) for n in range(concurrency)]
        latencies: list[float] = []
        errors = 0
        deadline = time.monotonic() + seconds

        async def worker(n: int) -> None:
            nonlocal errors
            account = f"ACC-{n + 1:04d}"
            while time.monotonic() < deadline:
                started = time.perf_counter()
                if journey == "balance":
                    answer = await client.get(f"/v1/accounts/{account}/balance", headers=auths[n])
                else:
                    answer = await client.post(
                        "/v1/transfers",
                        headers={**auths[n], "Idempotency-Key": uuid.uuid4().hex},
                        json={
                            "from_account": account,
                            "creditor_account": "EXT-BENCH",
                            "amount": "1.00",
                            "currency": "PEN",
                            "kind": "transfer",
                        },
                    )
                latencies.append((time.perf_counter() - started) * 1000)
                errors += not answer.is_success

        began = time.monotonic()
        await asyncio.gather(*(worker(n) for n in range(concurrency)))
        elapsed = time.monotonic() - began
    return Figures(
        len(latencies),
        errors,
        len(latencies) / elapsed,
        percentile(latencies, 50),
        percentile(latencies, 99),
    )


def measure(mode: str, seconds: float, concurrency: int) -> dict[str, Figures]:
    runtime = LocalRuntime()
    with tempfile.TemporaryDirectory(prefix="bench-bank-") as folder:
        config = BankConfig(
            run_id=f"bench-{mode}",
            run_dir=Path(folder),
            customers=CUSTOMERS,
            bypass_proxies=mode == "direct",
        )
        try:
            placement = runtime.start(config)
            edge = placement.edge_url if mode == "proxied" else placement.services["mobile-api"].url
            asyncio.run(drive(edge, "balance", 1.0, concurrency))  # warm-up
            return {
                journey: asyncio.run(drive(edge, journey, seconds, concurrency))
                for journey in ("balance", "transfer")
            }
        finally:
            runtime.stop()


def median(runs: list[Figures], field: str) -> float:
    return statistics.median(getattr(r, field) for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    configure_logging("warning")
    results: dict[tuple[str, str], list[Figures]] = {}
    for round_no in range(1, args.rounds + 1):
        for mode in ("proxied", "direct") if round_no % 2 else ("direct", "proxied"):
            for journey, figures in measure(mode, args.seconds, args.concurrency).items():
                results.setdefault((journey, mode), []).append(figures)
            print(f"round {round_no} {mode}: done", file=sys.stderr)
    print(f"\n{'journey':<9} {'mode':<8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for (journey, mode), runs in sorted(results.items()):
        print(
            f"{journey:<9} {mode:<8} {median(runs, 'rps'):8.1f} {median(runs, 'p50_ms'):8.2f} "
            f"{median(runs, 'p99_ms'):8.2f} {sum(r.errors for r in runs):7d}"
        )
    for journey in ("balance", "transfer"):
        proxied, direct = results[(journey, "proxied")], results[(journey, "direct")]
        tax_ms = median(proxied, "p50_ms") - median(direct, "p50_ms")
        share = median(proxied, "rps") / median(direct, "rps")
        print(f"proxy tax on {journey}: p50 {tax_ms:+.2f} ms, throughput {share:.0%} of direct")


if __name__ == "__main__":
    main()
