"""Integration tests: the real runner child process against the mobile-api stub on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from harness.history.samples import LOAD_STOPPED, Sample, read_samples
from harness.load.config import LoadConfig
from harness.load.files import read_summary
from harness.load.process import LoadProcess, tail_samples

from .conftest import REPO_ROOT, free_port

pytestmark = pytest.mark.integration

INTENT_JOURNEYS = {"balance", "movements", "transfer"}


@contextmanager
def running(config: LoadConfig, out: Path) -> Iterator[LoadProcess]:
    """A started load process that is always stopped by PID, even when the test fails."""
    proc = LoadProcess.start(config, out)
    try:
        yield proc
    finally:
        proc.stop(timeout_s=5.0)


def wait_for_samples(path: Path, count: int, timeout_s: float = 15.0) -> list[Sample]:
    deadline = time.monotonic() + timeout_s
    samples: list[Sample] = []
    offset = 0
    while time.monotonic() < deadline:
        more, offset = tail_samples(path, offset)
        samples += more
        if len(samples) >= count:
            return samples
        time.sleep(0.05)
    raise AssertionError(f"only {len(samples)} samples after {timeout_s} s")


def wait_for_stalled_requests(url: str, count: int, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if httpx.get(f"{url}/stub/in-flight").json()["in_flight"] >= count:
            return
        time.sleep(0.02)
    raise AssertionError(f"fewer than {count} requests reached the stalled stub")


def stub_config(url: str, **changes: object) -> LoadConfig:
    base = LoadConfig(
        edge_url=url,
        rate_per_s=40,
        users=20,
        duration_s=3.0,
        mix=(("balance", 50.0), ("movements", 20.0), ("transfer", 30.0)),
        customers=50,
        client_timeout_s=0.5,
        seed=3,
        arrivals="fixed",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_a_run_records_every_intent_with_its_outcome(mobile_stub: str, tmp_path: Path) -> None:
    """3 s at 40/s: 120 intents on record, mix kept, outcomes and retries classified."""
    out = tmp_path / "load.jsonl"
    with running(stub_config(mobile_stub), out) as proc:
        assert proc.wait(timeout_s=20) == 0, proc.failure()
    samples = list(read_samples(out))
    intents = [s for s in samples if s.journey in INTENT_JOURNEYS]
    assert len(intents) == 120 and all(s.served for s in intents)
    span_s = max(s.t_s for s in intents) - min(s.t_s for s in intents)
    assert 2.9 < span_s < 3.0
    shares = Counter(s.journey for s in intents)
    assert 0.35 < shares["balance"] / 120 < 0.65 and 0.15 < shares["transfer"] / 120 < 0.45
    details = Counter((s.journey, s.outcome, s.detail) for s in samples)
    assert details["balance", "failed", "http_503 shedding retry_after=1"] > 0
    assert details["balance", "ok", "stale"] > 0
    assert details["transfer", "failed", "rejected AM04"] > 0
    assert details["transfer", "ok", "retried_after_timeout"] > 0
    assert details["transfer", "unknown", "timeout retried_after_timeout"] > 0
    check_transfers(samples, httpx.get(f"{mobile_stub}/stub/keys").json())
    check_relogin_after_401(samples)
    check_forced_password_change(samples)


def check_transfers(samples: list[Sample], attempts: dict[str, int]) -> None:
    transfers = [s for s in samples if s.journey == "transfer"]
    assert len({s.idempotency_key for s in transfers}) == len(transfers)
    for sample in transfers:
        retried = "retried" in sample.detail
        assert attempts[str(sample.idempotency_key)] == (2 if retried else 1)
        assert sample.amount is not None and 1.0 <= float(sample.amount) <= 20.0
        if sample.outcome == "unknown":
            assert 900 < sample.latency_ms < 3000  # two client timeouts of 0.5 s, from due time
    pending = {s.transfer_id for s in transfers if s.payment_status == "ACSP"}
    looks = [s for s in samples if s.journey == "transfer_status"]
    assert pending and {s.transfer_id for s in looks} <= pending
    flipped = {s.transfer_id for s in looks if s.payment_status == "ACSC"}
    assert flipped and all(
        [s.payment_status for s in looks if s.transfer_id == t] == ["ACSP", "ACSC"] for t in flipped
    )


def check_relogin_after_401(samples: list[Sample]) -> None:
    expired = [s for s in samples if s.status == 401]
    assert expired
    logins = [s for s in samples if s.journey == "login"]
    assert len(logins) > len({s.customer for s in samples if s.customer})
    assert any(any(x.customer == s.customer and x.t_s > s.t_s for x in logins) for s in expired)


def check_forced_password_change(samples: list[Sample]) -> None:
    changes = Counter(s.customer for s in samples if s.journey == "password_change")
    even = {s.customer for s in samples if s.customer and int(s.customer[-4:]) % 2 == 0}
    assert even and changes == dict.fromkeys(even, 1)
    assert all(s.outcome == "ok" for s in samples if s.journey in ("login", "password_change"))


def test_a_refused_connection_fails_reads_and_sends_no_write(tmp_path: Path) -> None:
    """Nothing listens: logins fail with connection_refused, intents fail without a session."""
    out = tmp_path / "load.jsonl"
    port = free_port()
    config = stub_config(f"http://127.0.0.1:{port}", duration_s=1.0, users=2, rate_per_s=10)
    with running(config, out) as proc:
        assert proc.wait(timeout_s=20) == 0, proc.failure()
    samples = list(read_samples(out))
    logins = [s for s in samples if s.journey == "login"]
    intents = [s for s in samples if s.journey in INTENT_JOURNEYS]
    assert logins and all(s.detail == "connection_refused" for s in logins)
    assert len(intents) == 10
    assert all(
        s.outcome == "failed" and s.detail == "no_session connection_refused" for s in intents
    )
    assert all(s.idempotency_key is None for s in intents)


def test_customers_wait_out_retry_after_on_login(mobile_stub: str, tmp_path: Path) -> None:
    """Logins shed with Retry-After: 1 for 1.5 s while the run goes on: each customer retries at
    most twice meanwhile, and its intents in between fail without a request."""
    out = tmp_path / "load.jsonl"
    config = stub_config(
        mobile_stub, users=4, rate_per_s=20, duration_s=2.5,
        mix=(("login", 1.0), ("balance", 1.0)),
    )  # fmt: skip
    with running(config, out) as proc:
        t0 = proc.await_ready()
        httpx.post(f"{mobile_stub}/stub/shed-logins", json={"seconds": 1.5})
        assert proc.wait(timeout_s=20) == 0, proc.failure()
    samples = [s for s in read_samples(out) if s.t_s >= t0]
    shed = Counter(s.customer for s in samples if s.journey == "login" and s.status == 503)
    waiting = [s for s in samples if s.detail.endswith("waiting_retry_after")]
    assert shed and max(shed.values()) <= 2
    assert len(waiting) >= 10 and all(s.outcome == "failed" for s in waiting)
    assert any(s.journey == "balance" and s.outcome == "ok" for s in samples)  # recovered


def test_the_warm_up_waits_out_a_shed_login_before_the_clock_starts(
    mobile_stub: str, tmp_path: Path
) -> None:
    """Logins shed for 1.5 s before the run: the customers wait them out while warming up,
    so the clock starts after them and the baseline sees no login storm."""
    httpx.post(f"{mobile_stub}/stub/shed-logins", json={"seconds": 1.5})
    started = time.time()
    out = tmp_path / "load.jsonl"
    with running(stub_config(mobile_stub, users=4, rate_per_s=20, duration_s=2.5), out) as proc:
        t0 = proc.await_ready()
        assert proc.wait(timeout_s=20) == 0, proc.failure()
    samples = list(read_samples(out))
    shed = [s for s in samples if s.journey == "login" and s.status == 503]
    assert shed and all(s.t_s < t0 for s in shed)
    assert max(Counter(s.customer for s in shed).values()) <= 2
    assert t0 - started >= 1.0
    after = [s for s in samples if s.t_s >= t0]
    assert not [s for s in after if s.journey == "login" and s.status == 503]
    assert not [s for s in after if s.detail.endswith("waiting_retry_after")]
    assert any(s.journey == "balance" and s.outcome == "ok" for s in after)


def stalled_run(mobile_stub: str, out: Path, max_users: int | None) -> list[Sample]:
    """Two customers to start with, the bank stalled for 1.5 s after the first samples."""
    config = stub_config(
        mobile_stub, users=2, rate_per_s=20, client_timeout_s=3.0, mix=(("balance", 1.0),)
    )
    with running(dataclasses.replace(config, max_users=max_users), out) as proc:
        wait_for_samples(out, 5)
        httpx.post(f"{mobile_stub}/stub/stall", json={"seconds": 1.5})
        assert proc.wait(timeout_s=20) == 0, proc.failure()
    return [s for s in read_samples(out) if s.journey == "balance"]


def test_a_pool_at_its_cap_shows_a_stall_as_unserved_demand(
    mobile_stub: str, tmp_path: Path
) -> None:
    """A pool capped at its two customers: intents not started within 1 s are unserved, and
    the summary says the generator fell short."""
    out = tmp_path / "load.jsonl"
    intents = stalled_run(mobile_stub, out, max_users=2)
    unserved = [s for s in intents if not s.served]
    assert len(intents) == 60
    assert 3 <= len(unserved) <= 20
    assert all(s.outcome == "failed" and s.detail == "unserved" for s in unserved)
    assert max(s.latency_ms for s in intents if s.served) > 1000  # measured from due time
    summary = read_summary(out)
    assert summary is not None and summary.unserved == len(unserved)
    assert (summary.peak_users, summary.max_users) == (2, 2)


def test_the_pool_grows_so_a_stalled_bank_gets_every_request(
    mobile_stub: str, tmp_path: Path
) -> None:
    """With room to grow, the pool takes on customers while the bank stalls: every due
    request is sent, and its latency shows the stall (measured from its due time)."""
    out = tmp_path / "load.jsonl"
    intents = stalled_run(mobile_stub, out, max_users=None)
    assert len(intents) == 60 and all(s.served for s in intents)
    assert max(s.latency_ms for s in intents) > 1000
    summary = read_summary(out)
    assert summary is not None and summary.unserved == 0 and summary.peak_users > 2


def test_sigterm_stops_promptly_with_a_flushed_file(mobile_stub: str, tmp_path: Path) -> None:
    """SIGTERM mid-run: exit 0 within 2 s, whole lines only, in-flight writes recorded unknown."""
    out = tmp_path / "load.jsonl"
    config = stub_config(
        mobile_stub,
        users=3,
        duration_s=60.0,
        client_timeout_s=10.0,
        mix=(("transfer", 1.0),),
        rate_per_s=20,
    )
    with running(config, out) as proc:
        wait_for_samples(out, 10)
        httpx.post(f"{mobile_stub}/stub/stall", json={"seconds": 30})
        wait_for_stalled_requests(mobile_stub, 3)
        started = time.monotonic()
        assert proc.stop(timeout_s=5.0) == 0
        assert time.monotonic() - started < 2.0
    assert out.read_text().endswith("\n")
    stopped = [s for s in read_samples(out) if s.detail == LOAD_STOPPED]
    assert len(stopped) == 3
    assert all(s.outcome == "unknown" and s.idempotency_key and s.amount for s in stopped)


def test_stop_thaws_a_frozen_runner_so_it_flushes_and_exits(
    mobile_stub: str, tmp_path: Path
) -> None:
    """A frozen runner is thawed before SIGTERM, so it still stops gracefully (exit 0) in time;
    the SIGKILL fallback for a process that ignores SIGTERM is tested in test_launcher.py."""
    out = tmp_path / "load.jsonl"
    with running(stub_config(mobile_stub, duration_s=60.0), out) as proc:
        wait_for_samples(out, 5)
        os.kill(proc.pid, signal.SIGSTOP)
        started = time.monotonic()
        assert proc.stop(timeout_s=5.0) == 0
        assert time.monotonic() - started < 5.0


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [("--rate", "-1", "--rate must be > 0"), ("--mix", "shop=1", "unknown journey 'shop'")],
)
def test_bad_flags_exit_non_zero_with_one_line(
    tmp_path: Path, flag: str, value: str, message: str
) -> None:
    """The runner refuses bad flags with exit 2 and a single line on stderr."""
    argv = stub_config("http://127.0.0.1:9").to_argv(tmp_path / "o.jsonl")
    argv[argv.index(flag) + 1] = value
    done = subprocess.run(
        [sys.executable, "-m", "harness.load.runner", *argv],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 2
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_the_clock_starts_when_the_customers_are_ready(mobile_stub: str, tmp_path: Path) -> None:
    """`await_ready` gives t0 once Locust is imported and the pool spawned: the first request
    falls due right at t0 (not seconds into the baseline), the last one before t0 + duration."""
    out = tmp_path / "load.jsonl"
    started = time.time()
    with running(stub_config(mobile_stub, rate_per_s=10.0), out) as proc:
        t0 = proc.await_ready()
        assert proc.wait(timeout_s=20) == 0, proc.failure()
    samples = sorted(read_samples(out), key=lambda s: s.t_s)
    warm_up = [s for s in samples if s.t_s < t0]
    forced_reset = {"login", "weak_password", "password_change", "second_device", "old_token"}
    assert warm_up and {s.journey for s in warm_up} <= forced_reset
    samples = [s for s in samples if s.t_s >= t0]
    assert t0 > started + 0.2  # importing Locust and spawning took time: t0 is after it
    assert 0.0 <= samples[0].t_s - t0 < 0.15
    assert samples[-1].t_s - t0 < 3.0
