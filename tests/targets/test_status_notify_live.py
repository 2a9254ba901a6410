"""Integration test: the status service asks a real notifications process to tell customers."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.credentials import ADMIN, SERVICE
from tests.targets.test_mobile_api_live import start, stop
from tests.targets.test_status_live import WAIT_S, observe, start_status

pytestmark = pytest.mark.integration


def await_notifications(url: str, count: int) -> list[dict[str, Any]]:
    """The notifications service's log once it holds `count` notifications (bounded poll)."""
    deadline = time.monotonic() + WAIT_S
    rows: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        rows = httpx.get(url + "/admin/export", headers=ADMIN, timeout=5).json()["notifications"]
        if len(rows) >= count:
            return rows
        time.sleep(0.1)
    raise AssertionError(f"only {rows} arrived")


def test_affected_customers_then_everyone_after_a_breach_and_a_reset(tmp_path: Path) -> None:
    notifications = start("targets.notifications", ["--customers", "5"], tmp_path / "n.log")
    try:
        status = start_status(tmp_path, "hardened", "--notifications-url", notifications.url)
    except RuntimeError:
        stop(notifications)
        raise
    try:
        observe(status, "login", 0, 6, "CUST-0001", "CUST-0002")
        (outage,) = await_notifications(notifications.url, 1)
        assert (outage["reason"], outage["recipients"], outage["channel"]) == ("outage", 2, "sms")
        assert outage["incident_id"] == "INC-0001"

        alert = {"at_s": time.time(), "kind": "honeytoken", "detail": "honeytoken read",
                 "customers": ["CUST-0003"]}  # fmt: skip
        answer = httpx.post(
            status.url + "/internal/security-alerts", json=alert, headers=SERVICE, timeout=5
        )
        assert answer.json() == {"incident_id": "INC-0002"}
        reset = httpx.post(status.url + "/admin/notify-reset", json={}, headers=ADMIN, timeout=5)
        assert reset.json() == {"requested": True}
        rows = await_notifications(notifications.url, 3)
        assert sorted((r["reason"], r["recipients"]) for r in rows[1:]) == [
            ("breach", 5),
            ("reset", 5),
        ]
        export = httpx.get(status.url + "/admin/export", headers=ADMIN, timeout=5).json()
        asked = [(n["reason"], n["customers"]) for n in export["notifications_requested"]]
        assert asked == [("outage", 2), ("breach", "all"), ("reset", "all")]
    finally:
        stop(status)
        stop(notifications)
