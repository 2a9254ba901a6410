"""Integration tests: a frozen core-banking process under a hardened and a fragile mobile API.

Freezing core with SIGSTOP is the hardest kind of outage for a client: the socket accepts, then
nothing answers. Hardened must answer quickly from its cache (labelled stale) and open an
incident by itself; fragile must hang until the client gives up and keep saying "operational".
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.targets.test_mobile_api_live import (
    ADMIN,
    Service,
    bearer,
    start_core,
    start_mobile,
    stop,
    unused_url,
)

pytestmark = pytest.mark.integration

DETECT_AFTER_S = 2.0  # hardened status_detect_after_s
CLIENT_TIMEOUT_S = 3.0


@pytest.fixture
def core(tmp_path: Path) -> Iterator[Service]:
    service = start_core(tmp_path)
    try:
        yield service
    finally:
        stop(service)


def status_page(mobile: Service) -> dict[str, object]:
    return httpx.get(mobile.url + "/v1/status", timeout=2).json()  # type: ignore[no-any-return]


def wait_for_incident(mobile: Service, present: bool, within_s: float) -> float:
    """Seconds until the page shows (or stops showing) an incident; fails after `within_s`."""
    started = time.monotonic()
    while time.monotonic() - started < within_s:
        if (status_page(mobile)["incident"] is not None) == present:
            return time.monotonic() - started
        time.sleep(0.1)
    pytest.fail(f"incident {'never opened' if present else 'never resolved'} in {within_s} s")


def test_hardened_serves_stale_balances_and_opens_an_incident(
    core: Service, tmp_path: Path
) -> None:
    """Core frozen: stale read-only balance within the timeout, incident within ~detect_after_s."""
    mobile = start_mobile(tmp_path, "hardened", core.url, unused_url())
    try:
        auth = bearer(mobile, "CUST-0001")
        url = mobile.url + "/v1/accounts/ACC-0001/balance"
        live = httpx.get(url, headers=auth, timeout=CLIENT_TIMEOUT_S).json()
        assert live["mode"] == "live"
        core.freeze()
        began = time.monotonic()
        stale = httpx.get(url, headers=auth, timeout=CLIENT_TIMEOUT_S)
        elapsed_s = time.monotonic() - began
        assert stale.status_code == 200
        assert stale.json() == {**live, "stale": True, "mode": "read_only"}
        assert elapsed_s < 1.0 + 0.8  # request_timeout_s plus a tolerant margin
        opened_after_s = wait_for_incident(mobile, True, within_s=DETECT_AFTER_S + 4)
        page = status_page(mobile)
        assert {"name": "core-banking", "status": "outage"} in page["components"]  # type: ignore[operator]
        assert "core-banking" in page["incident"]["title"]  # type: ignore[index]
        core.thaw()
        wait_for_incident(mobile, False, within_s=6)
        history = httpx.get(mobile.url + "/admin/export", headers=ADMIN, timeout=5).json()
        kinds = [change["kind"] for change in history["status_history"]]
        assert kinds.count("incident_opened") == 1 and kinds.count("incident_resolved") == 1
        assert opened_after_s <= DETECT_AFTER_S + 4
    finally:
        stop(mobile)


def test_fragile_hangs_and_never_opens_an_incident(core: Service, tmp_path: Path) -> None:
    """Core frozen: the balance read hangs past the client's timeout; the page stays green."""
    mobile = start_mobile(tmp_path, "fragile", core.url, unused_url())
    try:
        auth = bearer(mobile, "CUST-0001")
        url = mobile.url + "/v1/accounts/ACC-0001/balance"
        assert httpx.get(url, headers=auth, timeout=CLIENT_TIMEOUT_S).json()["mode"] == "live"
        core.freeze()
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(url, headers=auth, timeout=CLIENT_TIMEOUT_S)
        # the hardened profile would have opened an incident well within this time
        page = status_page(mobile)
        assert page["incident"] is None
        assert {c["status"] for c in page["components"]} == {"operational"}  # type: ignore[attr-defined]
        history = httpx.get(mobile.url + "/admin/export", headers=ADMIN, timeout=5).json()
        assert history["status_history"] == []
    finally:
        core.thaw()
        stop(mobile)
