"""The `exfiltrate` fault against a real mobile API and core-banking on loopback: the job reads
each stolen customer once through the edge and the hardened edge notices it; it ends by itself
at its duration, and the timeline's heal stops it at once on an abort and on Ctrl-C, leaving no
thread behind."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import httpx
import pytest

from harness.control.bank import BankAdmin
from harness.control.toxiproxy import ProxyControl
from harness.engine.timeline import Scheduled, Timeline
from harness.faults.base import FaultContext
from harness.faults.exfiltrate import Exfiltrate, leaked_list
from harness.history.exfiltration import EXFILTRATION_FILE, leak_of, read_exfiltration
from harness.history.record import AbortRecord
from harness.interrupts import Interrupted
from harness.runtime.base import Runtime
from harness.seeds import stream
from harness.topology import Endpoint, Placement
from tests.credentials import ADMIN
from tests.targets.test_mobile_api_live import Service, start, start_core, stop, unused_url

pytestmark = pytest.mark.integration

CUSTOMERS = 40
SEED = 3
JOIN_S = 15.0
"""How long a test waits for the job's thread to end by itself (an event, bounded)."""


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    tmp = tmp_path_factory.mktemp("edge")
    core = start_core(tmp, customers=CUSTOMERS)
    args = ["--profile", "hardened", "--customers", str(CUSTOMERS), "--core-url", core.url,
            "--payments-url", unused_url()]  # fmt: skip
    try:
        mobile = start("targets.mobile_api", args, tmp / "mobile.log")
    except RuntimeError:
        stop(core)
        raise
    yield mobile
    stop(mobile)
    stop(core)


def context(edge: Service, run_dir: Path) -> FaultContext:
    """What the engine hands a fault; the job uses the edge, the run folder, seed and pool."""
    placement = Placement(
        services={},
        proxies={"edge-mobile": Endpoint("127.0.0.1", edge.port)},
        proxy_api=Endpoint("127.0.0.1", 1),
    )
    return FaultContext(
        cast(Runtime, None),
        cast(ProxyControl, None),
        cast(BankAdmin, None),
        placement,
        run_dir=run_dir,
        seed=SEED,
        customers=CUSTOMERS,
    )


def reads(run_dir: Path) -> list[dict[str, Any]]:
    path = run_dir / EXFILTRATION_FILE
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_the_job_reads_each_stolen_customer_once_and_the_edge_notices(
    edge: Service, tmp_path: Path
) -> None:
    fault = Exfiltrate(4, reads_per_s=50.0, honeytokens=True, duration_s=60.0)
    ctx = context(edge, tmp_path)
    fault.inject(ctx)
    assert fault.wait(JOIN_S)  # the list is read long before the 60 s deadline
    lines = reads(tmp_path)
    logins = [r["customer"] for r in lines if r["kind"] == "login"]
    assert tuple(logins) == leaked_list(stream(SEED, "exfiltrate"), CUSTOMERS, 4, True)
    assert {r["status"] for r in lines} == {200}
    stolen = {r["customer"] for r in lines if r["kind"] == "movements" and r["items"] > 0}
    assert stolen == {c for c in logins if c.startswith("CUST-")}  # 4 customers' movements
    honey = [r for r in lines if r["honeytoken"] and r["kind"] == "accounts"]
    assert len(honey) == 3 and all(r["items"] == 0 for r in honey)  # they own nothing
    leak = leak_of(read_exfiltration(tmp_path))
    assert (leak.requests, leak.logins_ok, leak.refused) == (len(lines), 7, 0)
    assert set(leak.customers_read) == stolen
    fault.heal(ctx)
    fault.heal(ctx)  # twice is safe
    assert ctx.notes == [f"exfiltrate: {len(lines)} requests as an attacker"]

    alerts = httpx.get(edge.url + "/admin/security-alerts", headers=ADMIN, timeout=5).json()
    assert alerts["detection"] is True
    kinds = Counter(a["kind"] for a in alerts["alerts"])
    assert kinds == {"honeytoken": 3, "access_anomaly": 1}
    assert {a["delivery"] for a in alerts["alerts"]} == {"no_status_url"}


def test_the_job_ends_by_itself_at_its_duration(edge: Service, tmp_path: Path) -> None:
    # 40 stolen credentials at 5 requests/s would take 24 s; the drill lasts 1 s
    fault = Exfiltrate(CUSTOMERS, reads_per_s=5.0, honeytokens=False, duration_s=1.0)
    ctx = context(edge, tmp_path)
    fault.inject(ctx)
    assert fault.wait(JOIN_S)
    lines = reads(tmp_path)
    assert 1 <= len(lines) <= 6  # one request every 0.2 s for 1 s
    fault.heal(ctx)


@pytest.mark.parametrize("ending", ["abort", "interrupt"])
def test_the_timeline_stops_the_job_on_abort_and_on_ctrl_c(
    edge: Service, tmp_path: Path, ending: str
) -> None:
    fault = Exfiltrate(CUSTOMERS, reads_per_s=10.0, honeytokens=True, duration_s=600.0)
    timeline = Timeline([Scheduled(0.0, fault, 600.0)], context(edge, tmp_path))

    def watch(_: float) -> AbortRecord | None:
        if len(reads(tmp_path)) < 3:
            return None
        if ending == "interrupt":
            raise Interrupted("SIGINT")
        return AbortRecord("any", "test abort")

    t0 = timeline.clock()
    if ending == "interrupt":
        with pytest.raises(Interrupted):
            timeline.run(t0, end_s=60.0, should_abort=watch)
    else:
        assert timeline.run(t0, end_s=60.0, should_abort=watch) is not None
    assert fault.running
    assert timeline.heal_all(t0) == []  # what the engine does on the way out
    assert not fault.running
    heals = [e for e in timeline.events if e.step == "heal"]
    assert [(e.kind, e.outcome) for e in heals] == [("exfiltrate", "ok")]
    assert len(reads(tmp_path)) < 3 * (CUSTOMERS + 3)  # stopped long before the list's end
