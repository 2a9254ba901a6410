"""The people services' exports parse into frozen data: hand-built exports of the contract's
shape, and the real status, notifications and contact-centre apps' own `/admin/export`
answers (in process, through ASGI). A missing, failed or misshapen export is explained, never
guessed; a run folder without the optional exports still reads."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from harness.history.exports import exported, read_exports
from harness.history.people import (
    CONTACT_CENTRE,
    NOTIFICATIONS,
    STATUS,
    parse_status,
    people_exports,
)
from targets.access import Credentials
from targets.contact_centre.app import build_app as contact_app
from targets.notifications.app import build_app as notifications_app
from targets.profiles import load_profile
from targets.status.app import StatusConfig
from targets.status.app import build_app as status_app
from tests.credentials import ADMIN, ADMIN_TOKEN, SERVICE, SERVICE_TOKEN

CREDENTIALS = Credentials(ADMIN_TOKEN, SERVICE_TOKEN)
HARDENED = load_profile("hardened")
INCIDENT = {
    "incident_id": "INC-1", "kind": "availability", "title": "App down",
    "status": "resolved", "components": ["app"], "opened_at_s": 10.0, "resolved_at_s": 40.5,
    "source": "probe",
    "updates": [
        {"at_s": 10.0, "status": "investigating", "message": "m", "estimated_restoration_s": 70.0},
        {"at_s": 40.5, "status": "resolved", "message": "ok", "estimated_restoration_s": None},
    ],
}  # fmt: skip


def export_of(app: FastAPI, scenario: Callable[[httpx.AsyncClient], Awaitable[None]]) -> Any:
    async def go() -> Any:
        transport = httpx.ASGITransport(app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bank") as client:
            await scenario(client)
            answer = await client.get("/admin/export", headers=ADMIN)
            assert answer.status_code == 200, answer.text
            return answer.json()

    return asyncio.run(go())


def test_a_contract_shaped_status_export_parses() -> None:
    status = parse_status({"incidents": [INCIDENT], "detections": [
        {"at_s": 9.5, "kind": "probe", "component": "app", "detail": "3 failures"}],
        "probe": {"sent": 40, "failed": 3}, "notifications_requested": []})  # fmt: skip
    (incident,) = status.incidents
    assert incident.resolutions_s() == (40.5,)
    assert incident.communicated_s() == (10.0, 40.5)
    assert incident.updates[0].estimated_restoration_s == 70.0
    assert (status.detections[0].kind, status.probe_failed) == ("probe", 3)


def test_missing_failed_and_misshapen_exports_are_explained() -> None:
    bad_time = dict(INCIDENT, opened_at_s="yesterday")
    people = people_exports({
        STATUS: {"incidents": [bad_time], "detections": []},
        NOTIFICATIONS: {"error": "HTTP 500"},
    })  # fmt: skip
    assert people.status is None and people.notifications is None and people.contact is None
    assert "opened_at_s" in people.problems[STATUS] and "'yesterday'" in people.problems[STATUS]
    assert people.problems[NOTIFICATIONS] == "notifications export failed: HTTP 500"
    assert people.problems[CONTACT_CENTRE] == "the run stored no contact-centre export"


def test_the_real_status_apps_export_parses() -> None:
    async def post_by_hand(client: httpx.AsyncClient) -> None:
        body = {"title": "App down", "message": "we are looking", "components": ["app"],
                "kind": "availability"}  # fmt: skip
        assert (await client.post("/admin/incidents", json=body, headers=ADMIN)).status_code == 201

    export = export_of(status_app(StatusConfig(), HARDENED, CREDENTIALS), post_by_hand)
    status = people_exports({STATUS: export}).status
    assert status is not None
    (incident,) = status.incidents
    assert (incident.kind, incident.source, incident.components) == ("availability", "manual",
                                                                     ("app",))  # fmt: skip
    assert incident.resolved_at_s is None and incident.updates


def test_the_real_notifications_apps_export_parses() -> None:
    async def tell_everyone(client: httpx.AsyncClient) -> None:
        body = {"channel": "sms", "reason": "breach", "incident_id": None, "message": "reset",
                "audience": {"all": True}}  # fmt: skip
        answer = await client.post("/v1/notifications", json=body, headers=SERVICE)
        assert answer.status_code == 202, answer.text

    app = notifications_app(HARDENED, 7, CREDENTIALS, customers=5)
    sent = people_exports({NOTIFICATIONS: export_of(app, tell_everyone)}).notifications
    assert sent is not None
    assert [(n.reason, n.recipients) for n in sent.notifications] == [("breach", 5)]
    assert sorted(d.customer_id for d in sent.deliveries) == [f"CUST-{n:04d}" for n in range(1, 6)]


def test_the_real_contact_centres_export_parses() -> None:
    async def three_calls(client: httpx.AsyncClient) -> None:
        for n in range(1, 4):
            body = {"customer_id": f"CUST-{n:04d}", "reason": "outage", "patience_s": 60.0}
            assert (await client.post("/v1/calls", json=body)).status_code == 200

    centre = people_exports({CONTACT_CENTRE: export_of(contact_app(HARDENED, 7, CREDENTIALS),
                                                       three_calls)}).contact  # fmt: skip
    assert centre is not None
    assert (centre.agents, len(centre.calls)) == (HARDENED.contact_agents, 3)
    assert {c.outcome for c in centre.calls} <= {"answered", "queued", "callback", "busy"}


def test_a_bank_without_the_people_services_still_reads(tmp_path: Path) -> None:
    assert exported(("payments", "clearing")) == exported(())
    assert set(exported(("status", "notifications", "contact-centre"))) >= {"status"}
    (tmp_path / "payments.json").write_text(json.dumps({"payments": []}))
    exports = read_exports(tmp_path)
    assert STATUS not in exports and "error" in exports["clearing"]
    (tmp_path / "status.json").write_text(json.dumps({"incidents": [], "detections": []}))
    assert people_exports(read_exports(tmp_path)).status is not None
