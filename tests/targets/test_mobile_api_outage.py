"""Integration tests: a frozen core-banking process under a hardened and a fragile mobile API.

Freezing core with SIGSTOP is the hardest kind of outage for a client: the socket accepts, then
nothing answers. Hardened must answer quickly from its cache (labelled stale); fragile hangs
until the client gives up. (What the status service says of it: tests/targets/test_status_*.)
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.targets.test_mobile_api_live import (
    Service,
    bearer,
    start_core,
    start_mobile,
    stop,
    unused_url,
)

pytestmark = pytest.mark.integration

CLIENT_TIMEOUT_S = 3.0


@pytest.fixture
def core(tmp_path: Path) -> Iterator[Service]:
    service = start_core(tmp_path)
    try:
        yield service
    finally:
        stop(service)


def test_hardened_serves_stale_balances_while_core_is_frozen(core: Service, tmp_path: Path) -> None:
    """Core frozen: a stale read-only balance within the timeout; live again once it thaws."""
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
        core.thaw()
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline:
            again = httpx.get(url, headers=auth, timeout=CLIENT_TIMEOUT_S).json()
            if again["mode"] == "live":
                break
            time.sleep(0.1)
        assert again["mode"] == "live"
    finally:
        stop(mobile)


def test_fragile_hangs_while_core_is_frozen(core: Service, tmp_path: Path) -> None:
    """Core frozen: the balance read hangs past the client's timeout."""
    mobile = start_mobile(tmp_path, "fragile", core.url, unused_url())
    try:
        auth = bearer(mobile, "CUST-0001")
        url = mobile.url + "/v1/accounts/ACC-0001/balance"
        assert httpx.get(url, headers=auth, timeout=CLIENT_TIMEOUT_S).json()["mode"] == "live"
        core.freeze()
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(url, headers=auth, timeout=CLIENT_TIMEOUT_S)
    finally:
        core.thaw()
        stop(mobile)
