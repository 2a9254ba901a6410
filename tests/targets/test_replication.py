"""Two core-banking DCs on loopback: journal shipping, failover, kill -9, fencing.

Both DCs ship through one `core-replication` proxy of the real fault proxy
(`python -m harness.faultproxy`), whose upstream is the standby; a failover re-points it,
as an operator would.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.credentials import SERVICE
from tests.targets.test_core_banking_processes import (
    CoreProcess,
    free_port,
    running,
    transfer_body,
)

pytestmark = pytest.mark.integration

BURST_MAX_WRITES = 2_000
BURST_MAX_S = 20.0
KILL_AFTER_ACKS = 150


@dataclass
class ReplicationLink:
    """The fault proxy process and its `core-replication` proxy."""

    proc: subprocess.Popen[bytes]
    api: str
    url: str = ""

    def point_at(self, core: CoreProcess) -> None:
        """Re-point the link's upstream (Toxiproxy's POST /proxies/{name})."""
        answer = httpx.post(
            f"{self.api}/proxies/core-replication",
            json={"upstream": f"127.0.0.1:{core.port}"},
            timeout=5.0,
        )
        answer.raise_for_status()

    def set_enabled(self, enabled: bool) -> None:
        answer = httpx.post(
            f"{self.api}/proxies/core-replication", json={"enabled": enabled}, timeout=5.0
        )
        answer.raise_for_status()


@pytest.fixture
def link(tmp_path: Path) -> Iterator[ReplicationLink]:
    """A running fault proxy with a `core-replication` proxy (upstream set by `pair`)."""
    log_path = tmp_path / "faultproxy.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "harness.faultproxy", "--port", "0"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 15.0
        found = None
        while found is None:
            assert proc.poll() is None and time.monotonic() < deadline, log_path.read_text()
            found = re.search(r"listening \S+:(\d+)", log_path.read_text())
            time.sleep(0.02)
        api = f"http://127.0.0.1:{found.group(1)}"
        created = httpx.post(
            f"{api}/proxies",
            json={
                "name": "core-replication",
                "listen": "127.0.0.1:0",
                "upstream": f"127.0.0.1:{free_port()}",
            },
            timeout=5.0,
        )
        created.raise_for_status()
        yield ReplicationLink(proc, api, f"http://{created.json()['listen']}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def pair(tmp_path: Path, link: ReplicationLink, *settings: str) -> tuple[CoreProcess, CoreProcess]:
    """dc-a primary and dc-b standby, both shipping through the link, which leads to dc-b."""
    a = CoreProcess("dc-a", tmp_path / "a.db", "primary", link.url, settings)
    b = CoreProcess("dc-b", tmp_path / "b.db", "standby", link.url, settings)
    link.point_at(b)
    return a, b


@pytest.fixture
def sync_pair(tmp_path: Path, link: ReplicationLink) -> Iterator[tuple[CoreProcess, CoreProcess]]:
    """A seeded sync pair (standby started first, so the primary's handshake reaches it)."""
    a, b = pair(tmp_path, link)
    with running(b, a):
        assert a.admin("POST", "/admin/seed", json={"customers": 4}).status_code == 200
        yield a, b


def journal_ids(core: CoreProcess) -> dict[str, int]:
    """journal_id -> epoch of every journal in `core`'s export."""
    return {
        j["journal_id"]: j["epoch"] for j in core.admin("GET", "/admin/export").json()["journals"]
    }


def wait_for_lag_zero(core: CoreProcess, timeout_s: float = 10.0) -> None:
    """Poll (bounded) until `core` reports nothing left to ship."""
    deadline = time.monotonic() + timeout_s
    while core.admin("GET", "/admin/replication").json()["lag_entries"] > 0:
        assert time.monotonic() < deadline, f"{core.dc} still lags after {timeout_s}s"
        time.sleep(0.05)


def write(
    core: CoreProcess, key: str, debtor: str = "ACC-0001", creditor: str = "ACC-0002"
) -> httpx.Response:
    return httpx.post(
        f"{core.url}/v1/journals",
        headers={**SERVICE, "Idempotency-Key": key},
        json=transfer_body(debtor, creditor, "1.00"),
        timeout=10.0,
    )


async def burst_then_kill(
    core: CoreProcess, kill_after_acks: int | None, max_writes: int = BURST_MAX_WRITES
) -> list[str]:
    """Concurrent 1.00 transfers until the process dies (killed after N acks) or a bound."""
    acked: list[str] = []
    deadline = time.monotonic() + BURST_MAX_S
    counter = iter(range(max_writes))

    async def worker(client: httpx.AsyncClient) -> None:
        for n in counter:
            if time.monotonic() > deadline:
                return
            try:
                answer = await client.post(
                    f"{core.url}/v1/journals",
                    headers={**SERVICE, "Idempotency-Key": f"burst-{n}"},
                    json=transfer_body(f"ACC-000{1 + n % 4}", f"ACC-000{1 + (n + 1) % 4}", "1.00"),
                )
            except httpx.HTTPError:
                return
            if answer.status_code == 201:
                acked.append(answer.json()["journal_id"])
            if kill_after_acks is not None and len(acked) >= kill_after_acks:
                core.kill9()
                return

    async with httpx.AsyncClient(timeout=5.0) as client:
        await asyncio.gather(*(worker(client) for _ in range(8)))
    return acked


def test_standby_refuses_writes_and_holds_the_primary_writes(
    sync_pair: tuple[CoreProcess, CoreProcess],
) -> None:
    """The standby answers 503 not_primary; a sync-acknowledged write is already on it."""
    a, b = sync_pair
    posted = write(a, "r-1")
    refused = write(b, "r-2")
    assert posted.status_code == 201
    assert posted.json()["journal_id"] in journal_ids(b)
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "1"
    assert refused.json() | {"detail": ""} == {
        "error": "not_primary",
        "dc": "dc-b",
        "role": "standby",
        "epoch": 1,
        "detail": "",
    }
    assert b.admin("GET", "/admin/replication").json()["lag_entries"] == 0


def test_hold_placed_on_dc_a_is_captured_on_dc_b_after_failover(
    sync_pair: tuple[CoreProcess, CoreProcess],
    link: ReplicationLink,
) -> None:
    """Fence dc-a, promote dc-b, re-point the link: dc-a's hold is captured on dc-b (epoch 2)."""
    a, b = sync_pair
    hold = httpx.post(
        f"{a.url}/v1/holds",
        headers={**SERVICE, "Idempotency-Key": "h-1"},
        json={
            "account_id": "ACC-0003",
            "amount": "25.00",
            "currency": "PEN",
            "reference": "pay-1",
            "expires_in_s": 60,
        },
    ).json()
    assert a.admin("POST", "/admin/fence").json()["role"] == "standby"
    assert b.admin("POST", "/admin/promote").json() | {"last_seq": 0} == {
        "dc": "dc-b",
        "role": "primary",
        "epoch": 2,
        "last_seq": 0,
    }
    link.point_at(a)
    capture = httpx.post(
        f"{b.url}/v1/holds/{hold['hold_id']}/capture",
        headers=SERVICE,
        json={"credit_account": "CLEARING", "transfer_id": "tr-1"},
    )
    assert capture.status_code == 200
    assert journal_ids(b)[capture.json()["journal_id"]] == 2
    assert journal_ids(a)[capture.json()["journal_id"]] == 2  # shipped back to dc-a
    assert write(a, "after-fence").json()["error"] == "not_primary"


def test_sync_kill9_loses_no_acknowledged_write_and_fences_the_old_primary(
    sync_pair: tuple[CoreProcess, CoreProcess],
    link: ReplicationLink,
) -> None:
    """kill -9 mid-burst, promote dc-b: every ack is on dc-b; restarted dc-a fences itself."""
    a, b = sync_pair
    acked = asyncio.run(burst_then_kill(a, KILL_AFTER_ACKS))
    assert len(acked) >= KILL_AFTER_ACKS
    assert b.admin("POST", "/admin/promote").json()["epoch"] == 2
    link.point_at(a)
    on_b = journal_ids(b)
    assert [j for j in acked if j not in on_b] == []
    a.start()  # its file says primary of epoch 1; the link now leads to itself: it fences
    assert httpx.get(f"{a.url}/health/ready").json()["role"] == "standby"
    assert write(a, "split-1").status_code == 503
    after = write(b, "split-2")
    assert after.status_code == 201 and after.json()["epoch"] == 2
    summary = b.admin("GET", "/admin/consistency").json()
    assert summary["totals"] == {"PEN": "0.00"} and summary["negative_balances"] == []


def test_async_kill9_loses_a_measurable_tail(tmp_path: Path, link: ReplicationLink) -> None:
    """Async shipping with a 60 s interval: kill -9 loses every write acked since the seed."""
    a, b = pair(tmp_path, link)
    with running(b, a):
        a.admin("POST", "/admin/seed", json={"customers": 4})
        seeded = journal_ids(b)
        assert len(seeded) == 4  # the seed reached dc-b synchronously
        a.stop()
        a.settings = ("replication=async", "replication_interval_s=60")
        a.start()
        acked = asyncio.run(burst_then_kill(a, None, max_writes=60))
        lag = a.admin("GET", "/admin/replication").json()
        a.kill9()
        b.admin("POST", "/admin/promote")
        on_b = journal_ids(b)
    lost = [j for j in acked if j not in on_b]
    assert len(acked) == 60 and lag["mode"] == "async" and lag["lag_entries"] == 60
    assert len(lost) == len(acked) and set(on_b) == set(seeded)


def test_sync_write_the_standby_misses_is_not_acknowledged_until_it_lands(
    sync_pair: tuple[CoreProcess, CoreProcess],
    link: ReplicationLink,
) -> None:
    """Link down: 503 replication_unavailable; link back: the same key answers 201."""
    a, b = sync_pair
    link.set_enabled(False)
    missed = write(a, "while-down")
    link.set_enabled(True)
    retried = write(a, "while-down")
    assert missed.status_code == 503 and missed.json()["error"] == "replication_unavailable"
    assert retried.status_code == 201 and retried.json()["journal_id"] in journal_ids(b)


def test_without_fencing_a_restarted_old_primary_takes_writes(
    tmp_path: Path, link: ReplicationLink
) -> None:
    """Fragile (async, no fencing): promote dc-b, restart dc-a: both DCs accept writes."""
    a, b = pair(tmp_path, link, "fencing=false", "replication=async")
    with running(b, a):
        a.admin("POST", "/admin/seed", json={"customers": 4})
        wait_for_lag_zero(a)
        a.kill9()
        b.admin("POST", "/admin/promote")
        link.point_at(a)
        a.start()
        on_a = write(a, "brain-a")
        on_b = write(b, "brain-b", debtor="ACC-0003")
    assert (on_a.status_code, on_a.json()["epoch"]) == (201, 1)
    assert (on_b.status_code, on_b.json()["epoch"]) == (201, 2)
