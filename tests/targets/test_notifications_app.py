"""The notification channels in-process (real ASGI app and SQLite log, a clock the test moves)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from targets.access import Credentials
from targets.notifications.app import build_app
from targets.notifications.delivery import CHANNEL_DELAY_S, Notification, audience, deliveries
from targets.profiles import load_profile
from tests.credentials import ADMIN, ADMIN_TOKEN, SERVICE, SERVICE_TOKEN


class Clock:
    def __init__(self, now_s: float = 1_800_000_000.0) -> None:
        self.now_s = now_s

    def __call__(self) -> float:
        return self.now_s


def run(
    scenario: Callable[[httpx.AsyncClient, Clock], Awaitable[None]],
    customers: int = 7,
    db_path: Path | None = None,
) -> None:
    clock = Clock()
    credentials = Credentials(ADMIN_TOKEN, SERVICE_TOKEN)
    app = build_app(
        load_profile("hardened"), 4, credentials, db_path=db_path, customers=customers, clock=clock
    )

    async def go() -> None:
        transport = httpx.ASGITransport(app)
        async with httpx.AsyncClient(transport=transport, base_url="http://notify") as client:
            await scenario(client, clock)

    asyncio.run(go())
    app.state.log.close()


def note(
    audience_: dict[str, object], reason: str = "breach", channel: str = "sms"
) -> dict[str, object]:
    return {
        "channel": channel,
        "reason": reason,
        "incident_id": "INC-1",
        "message": "We detected unusual access; please reset your password.",
        "audience": audience_,
    }


def test_a_notification_to_all_reaches_every_seeded_customer() -> None:
    """`{"all": true}` goes to CUST-0001..CUST-0007; each inbox shows it once delivered."""

    async def scenario(client: httpx.AsyncClient, clock: Clock) -> None:
        sent = await client.post("/v1/notifications", json=note({"all": True}), headers=SERVICE)
        assert sent.status_code == 202
        assert sent.json() == {"notification_id": "NTF-000001", "recipients": 7}
        export = (await client.get("/admin/export", headers=ADMIN)).json()
        assert export["service"] == "notifications"
        assert export["notifications"][0]["recipients"] == 7
        rows = export["deliveries"]
        assert sorted(r["customer_id"] for r in rows) == [f"CUST-{i:04d}" for i in range(1, 8)]
        low_s, high_s = CHANNEL_DELAY_S["sms"]
        for row in rows:
            assert row["sent_at_s"] == clock.now_s
            assert low_s <= row["delivered_at_s"] - row["sent_at_s"] <= high_s
            assert (row["reason"], row["channel"], row["incident_id"]) == ("breach", "sms", "INC-1")
        first = await client.get("/v1/inbox/CUST-0003", headers=SERVICE)
        assert first.json() == {"messages": []}  # not on the phone yet
        clock.now_s += high_s
        inbox = (await client.get("/v1/inbox/CUST-0003", headers=SERVICE)).json()["messages"]
        assert [(m["notification_id"], m["reason"]) for m in inbox] == [("NTF-000001", "breach")]
        assert inbox[0]["message"].startswith("We detected")

    run(scenario)


def test_a_list_audience_counts_each_known_customer_once() -> None:
    async def scenario(client: httpx.AsyncClient, clock: Clock) -> None:
        body = note({"customers": ["CUST-0002", "CUST-0002", "CUST-0005", "CUST-9999"]}, "outage")
        sent = (await client.post("/v1/notifications", json=body, headers=SERVICE)).json()
        assert sent["recipients"] == 2
        clock.now_s += 10
        assert (await client.get("/v1/inbox/CUST-0001", headers=SERVICE)).json()["messages"] == []
        got = (await client.get("/v1/inbox/CUST-0005", headers=SERVICE)).json()["messages"]
        assert [m["reason"] for m in got] == ["outage"]

    run(scenario)


def test_v1_needs_the_service_credential() -> None:
    """A customer-side caller without X-Service-Token gets 401, neither sending nor reading."""

    async def scenario(client: httpx.AsyncClient, clock: Clock) -> None:
        for reply in (
            await client.post("/v1/notifications", json=note({"all": True})),
            await client.get("/v1/inbox/CUST-0001"),
            await client.get("/v1/inbox/CUST-0001", headers={"X-Service-Token": "x" * 20}),
        ):
            assert reply.status_code == 401
            assert reply.json()["error"] == "service_credential_required"
        assert (await client.get("/admin/export", headers=ADMIN)).json()["notifications"] == []

    run(scenario)


def test_refusals_have_the_contract_shape() -> None:
    async def scenario(client: httpx.AsyncClient, clock: Clock) -> None:
        both = note({"all": True, "customers": ["CUST-0001"]})
        for body in (both, note({}), note({"all": True}, reason="spam"), {**note({}), "x": 1}):
            reply = await client.post("/v1/notifications", json=body, headers=SERVICE)
            assert reply.status_code == 422 and reply.json()["error"] == "invalid_request"
        unknown = await client.get("/v1/inbox/CUST-0100", headers=SERVICE)
        assert unknown.status_code == 404 and unknown.json()["error"] == "customer_not_found"

    run(scenario)


def test_the_log_survives_a_restart(tmp_path: Path) -> None:
    """A second app on the same file sees the first one's notifications and numbers on."""
    db = tmp_path / "notifications.sqlite"

    async def first(client: httpx.AsyncClient, clock: Clock) -> None:
        await client.post("/v1/notifications", json=note({"all": True}), headers=SERVICE)

    async def second(client: httpx.AsyncClient, clock: Clock) -> None:
        body = note({"customers": ["CUST-0001"]}, "resolved", "push")
        sent = (await client.post("/v1/notifications", json=body, headers=SERVICE)).json()
        assert sent["notification_id"] == "NTF-000002"
        export = (await client.get("/admin/export", headers=ADMIN)).json()
        assert [n["reason"] for n in export["notifications"]] == ["breach", "resolved"]
        assert len(export["deliveries"]) == 3 + 1

    run(first, customers=3, db_path=db)
    run(second, customers=3, db_path=db)


def test_seeded_delays_repeat() -> None:
    seeded = [f"CUST-{i:04d}" for i in range(1, 21)]
    notification = Notification("NTF-000001", 100.0, "email", "reset", None, "reset now", 20)
    reach = audience(True, (), seeded)

    def delays(seed: int) -> list[float]:
        return [d.delivered_at_s for d in deliveries(notification, reach, random.Random(seed))]

    assert delays(1) == delays(1) != delays(2)
