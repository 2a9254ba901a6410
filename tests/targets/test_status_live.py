"""Integration tests: the status service as a real process on loopback (routes, export, restart)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.credentials import ADMIN, SERVICE
from tests.targets.test_mobile_api_live import Service, start, stop, unused_url

pytestmark = pytest.mark.integration

WAIT_S = 15.0
COMPONENTS = ["login", "balances", "transfers_on_us", "transfers_interbank", "bill_payments", "app"]
INCIDENT_KEYS = {
    "incident_id", "kind", "title", "status", "components", "opened_at_s", "resolved_at_s",
    "source", "updates",
}  # fmt: skip


def start_status(tmp: Path, profile: str, *extra: str, db: str = "status.db") -> Service:
    args = ["--profile", profile, "--db", str(tmp / db), *extra]
    return start("targets.status", args, tmp / f"status-{profile}.log")


def await_page(status: Service, holds: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """The public page once `holds` is true of it (polled, bounded by WAIT_S)."""
    deadline = time.monotonic() + WAIT_S
    page: dict[str, Any] = {}
    while time.monotonic() < deadline:
        page = httpx.get(status.url + "/v1/status", timeout=5).json()
        if holds(page):
            return page
        time.sleep(0.1)
    raise AssertionError(f"the page never got there: {page}")


def observe(status: Service, component: str, ok: int, failed: int, *customers: str) -> None:
    body = {
        "at_s": time.time(),
        "observations": [
            {"component": component, "ok": ok, "failed": failed, "failed_customers": customers}
        ],
    }
    answer = httpx.post(
        status.url + "/internal/observations", json=body, headers=SERVICE, timeout=5
    )
    assert answer.status_code == 202, answer.text


@pytest.fixture
def hardened(tmp_path: Path) -> Iterator[Service]:
    service = start_status(tmp_path, "hardened", "--probe-url", unused_url())
    try:
        yield service
    finally:
        stop(service)


def test_internal_routes_need_the_service_credential(hardened: Service) -> None:
    body = {"at_s": time.time(), "observations": []}
    for headers in ({}, {"X-Service-Token": "not-the-bank-s-token-000"}):
        answer = httpx.post(hardened.url + "/internal/observations", json=body, headers=headers)
        assert answer.status_code == 401
        assert answer.json()["error"] == "service_credential_required"
        alert = {"at_s": time.time(), "kind": "honeytoken", "detail": "x", "customers": []}
        answer = httpx.post(hardened.url + "/internal/security-alerts", json=alert, headers=headers)
        assert answer.status_code == 401
    assert httpx.get(hardened.url + "/v1/status").status_code == 200  # customers need none
    assert httpx.get(hardened.url + "/admin/export").status_code == 401


def test_the_probe_and_the_feed_open_incidents_shown_on_the_page(hardened: Service) -> None:
    """The probe's edge is unreachable: the app is in outage; a burning journey joins it."""
    page = await_page(hardened, lambda p: bool(p["incidents"]))
    (incident,) = page["incidents"]
    assert set(incident) == INCIDENT_KEYS
    assert incident["source"] == "probe" and incident["kind"] == "availability"
    assert incident["components"] == ["app"]
    assert incident["updates"][0]["estimated_restoration_s"] > incident["opened_at_s"]
    assert [c["name"] for c in page["components"]] == COMPONENTS
    assert page["page"] == "outage"
    for _ in range(3):
        observe(hardened, "transfers_interbank", 1, 4, "CUST-0007")
    page = await_page(hardened, lambda p: "transfers_interbank" in p["incidents"][0]["components"])
    shown = {c["name"]: c["status"] for c in page["components"]}
    assert shown["transfers_interbank"] == "degraded"
    assert shown["transfers_on_us"] == "operational"

    export = httpx.get(hardened.url + "/admin/export", headers=ADMIN, timeout=5).json()
    assert set(export) == {
        "service", "profile", "incidents", "detections", "probe", "notifications_requested",
    }  # fmt: skip
    assert (export["service"], export["profile"]) == ("status", "hardened")
    assert export["probe"]["sent"] >= 3 and export["probe"]["failed"] >= 3
    kinds = [(d["kind"], d["component"]) for d in export["detections"]]
    assert kinds[:2] == [("probe", "app"), ("burn_rate", "transfers_interbank")]
    assert set(export["detections"][0]) == {"at_s", "kind", "component", "detail"}
    assert export["notifications_requested"][0]["reason"] == "outage"


def test_incidents_survive_a_restart_with_the_same_db(tmp_path: Path) -> None:
    first = start_status(tmp_path, "fragile")
    try:
        body = {"title": "App unavailable", "message": "We are looking into it.",
                "components": ["app", "login"], "kind": "availability"}  # fmt: skip
        posted = httpx.post(first.url + "/admin/incidents", json=body, headers=ADMIN, timeout=5)
        assert posted.status_code == 201
        incident = posted.json()
        assert set(incident) == INCIDENT_KEYS and incident["source"] == "manual"
        security = {"title": "Data leak", "message": "Investigating.", "kind": "security"}
        httpx.post(first.url + "/admin/incidents", json=security, headers=ADMIN, timeout=5)
        before = httpx.get(first.url + "/admin/export", headers=ADMIN, timeout=5).json()
    finally:
        stop(first)
    again = start_status(tmp_path, "fragile")
    try:
        after = httpx.get(again.url + "/admin/export", headers=ADMIN, timeout=5).json()
        assert after["incidents"] == before["incidents"]
        assert [i["incident_id"] for i in after["incidents"]] == ["INC-0001", "INC-0002"]
        page = httpx.get(again.url + "/v1/status", timeout=5).json()
        assert page["page"] == "outage"
        assert [i["incident_id"] for i in page["incidents"]] == ["INC-0002", "INC-0001"]
        url = again.url + f"/admin/incidents/{incident['incident_id']}/resolve"
        resolved = httpx.post(url, json={"message": "Fixed."}, headers=ADMIN, timeout=5).json()
        assert resolved["status"] == "resolved" and resolved["resolved_at_s"] is not None
        missing = httpx.post(
            again.url + "/admin/incidents/INC-0404/resolve", json={}, headers=ADMIN, timeout=5
        )
        assert missing.status_code == 404
    finally:
        stop(again)
    third = start_status(tmp_path, "fragile")
    try:
        page = httpx.get(third.url + "/v1/status", timeout=5).json()
        assert [(i["incident_id"], i["status"]) for i in page["incidents"]] == [
            ("INC-0002", "investigating"),
            ("INC-0001", "resolved"),
        ]
        assert page["page"] == "operational"
    finally:
        stop(third)


def test_fragile_takes_the_feed_and_shows_nothing(tmp_path: Path) -> None:
    fragile = start_status(tmp_path, "fragile", "--probe-url", unused_url())
    try:
        for _ in range(10):
            observe(fragile, "app", 0, 20, "CUST-0001")
        alert = {"at_s": time.time(), "kind": "honeytoken", "detail": "read", "customers": []}
        answer = httpx.post(
            fragile.url + "/internal/security-alerts", json=alert, headers=SERVICE, timeout=5
        )
        assert answer.status_code == 202
        export = httpx.get(fragile.url + "/admin/export", headers=ADMIN, timeout=5).json()
        assert export["incidents"] == [] and export["detections"] == []
        assert export["probe"] == {"sent": 0, "failed": 0}
        assert httpx.get(fragile.url + "/v1/status", timeout=5).json()["page"] == "operational"
    finally:
        stop(fragile)
