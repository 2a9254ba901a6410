"""A breach drill against the whole bank (`LocalRuntime`: fault proxy, core, payments, clearing,
mobile API, status, notifications, contact centre, every link proxied): the harness's
`exfiltrate` fault logs in through the edge with stolen credentials and honeytokens and reads
slowly. The hardened edge notices, the status page shows a security incident and every
customer is told (`breach`); the fragile bank lets the same drill read everything and nobody
notices or is told.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.control.bank import BankAdmin
from harness.control.toxiproxy import ProxyControl
from harness.faults.base import FaultContext
from harness.faults.exfiltrate import Exfiltrate
from harness.history.exfiltration import EXFILTRATION_FILE
from harness.runtime.base import BankConfig
from harness.runtime.local import LocalRuntime
from harness.topology import Placement

pytestmark = pytest.mark.integration

CUSTOMERS = 12
SEED = 5
AWAIT_S = 20.0


def await_value(read: Callable[[], Any], done: Callable[[Any], bool], what: str) -> Any:
    """Poll `read` until `done` holds (bounded in time and count), returning the last value."""
    deadline = time.monotonic() + AWAIT_S
    for _ in range(int(AWAIT_S / 0.1)):
        value = read()
        if done(value) or time.monotonic() > deadline:
            assert done(value), f"{what}: {value}"
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what}: not seen")


def drill(placement: Placement, admin: BankAdmin, run_dir: Path, runtime: LocalRuntime) -> None:
    """Run the drill to its end: six stolen customers and the three honeytokens, 10 reads/s."""
    ctx = FaultContext(runtime, ProxyControl(placement.proxy_api), admin, placement,
                       run_dir=run_dir, seed=SEED, customers=CUSTOMERS)  # fmt: skip
    fault = Exfiltrate(6, reads_per_s=10.0, honeytokens=True, duration_s=30.0)
    fault.inject(ctx)
    try:
        assert fault.wait(AWAIT_S)  # the list is read in about 3 s
    finally:
        fault.heal(ctx)
    logins = [line for line in (run_dir / EXFILTRATION_FILE).read_text().splitlines()
              if '"kind": "login"' in line]  # fmt: skip
    assert len(logins) == 9 and all('"status": 200' in line for line in logins)


@pytest.fixture(params=["hardened", "fragile"])
def bank(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[str, Placement, BankAdmin, LocalRuntime]]:
    profile = request.param
    runtime = LocalRuntime()
    config = BankConfig(run_id=f"test-breach-{profile}-{os.getpid()}", run_dir=tmp_path,
                        profile=profile, seed=SEED, customers=CUSTOMERS)  # fmt: skip
    try:
        placement = runtime.start(config)
        yield profile, placement, BankAdmin(placement, config.admin_token), runtime
    finally:
        runtime.stop()


def test_a_breach_drill_is_noticed_and_told_only_by_the_hardened_bank(
    bank: tuple[str, Placement, BankAdmin, LocalRuntime], tmp_path: Path
) -> None:
    profile, placement, admin, runtime = bank
    drill(placement, admin, tmp_path, runtime)
    raised = admin.get("mobile-api", "/admin/security-alerts")
    page_url = placement.proxies["edge-status"].url + "/v1/status"

    def security(page: dict[str, Any]) -> list[dict[str, Any]]:
        return [i for i in page["incidents"] if i["kind"] == "security"]

    def breach(export: dict[str, Any]) -> list[dict[str, Any]]:
        return [n for n in export["notifications"] if n["reason"] == "breach"]

    if profile == "fragile":
        assert (raised["detection"], raised["raised"]) == (False, 0)  # final: the job is over
        assert security(httpx.get(page_url, timeout=5).json()) == []
        status = admin.export("status")
        assert status["detections"] == [] and status["notifications_requested"] == []
        assert breach(admin.export("notifications")) == []
        return
    kinds = sorted(a["kind"] for a in raised["alerts"])
    assert kinds == ["access_anomaly", "honeytoken", "honeytoken", "honeytoken"]
    page = await_value(lambda: httpx.get(page_url, timeout=5).json(),
                       lambda p: bool(security(p)), "a security incident on the page")  # fmt: skip
    (incident,) = security(page)
    assert incident["source"] in ("honeytoken", "access_anomaly")
    assert incident["status"] != "resolved"
    told = await_value(lambda: admin.export("notifications"), lambda e: bool(breach(e)),
                       "a breach notification")  # fmt: skip
    (notice,) = breach(told)
    assert notice["recipients"] == CUSTOMERS  # every customer, not just the six read
    assert notice["incident_id"] == incident["incident_id"]
