"""The contact centre's HTTP face in-process (real ASGI app, a clock the test moves)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest

from targets.access import Credentials
from targets.contact_centre.app import build_app
from targets.profiles import Profile, load_profile
from tests.credentials import ADMIN, ADMIN_TOKEN, SERVICE_TOKEN


class Clock:
    """Epoch seconds the test sets."""

    def __init__(self, now_s: float = 1_800_000_000.0) -> None:
        self.now_s = now_s

    def __call__(self) -> float:
        return self.now_s


Scenario = Callable[[httpx.AsyncClient, Clock], object]


def run(profile: Profile, scenario: Callable[[httpx.AsyncClient, Clock], object]) -> None:
    clock = Clock()
    app = build_app(profile, 5, Credentials(ADMIN_TOKEN, SERVICE_TOKEN), clock=clock)

    async def go() -> None:
        transport = httpx.ASGITransport(app)
        async with httpx.AsyncClient(transport=transport, base_url="http://centre") as client:
            await scenario(client, clock)  # type: ignore[misc]

    asyncio.run(go())


def call(customer: str, patience_s: float = 60.0, reason: str = "outage") -> dict[str, object]:
    return {"customer_id": customer, "reason": reason, "patience_s": patience_s}


@pytest.mark.parametrize(
    ("overrides", "last"),
    [({}, "callback"), ({"contact_callbacks": "false"}, "busy")],
    ids=["hardened", "hardened-callbacks-off"],
)
def test_a_full_line_gets_a_callback_or_a_busy_signal(overrides: dict[str, str], last: str) -> None:
    """4 agents answer at once, 20 wait with positions and estimates, the 25th is offered a
    callback (hardened) or hears busy (callbacks off); the export says the same."""

    async def scenario(client: httpx.AsyncClient, clock: Clock) -> None:
        answers = []
        for i in range(25):
            reply = await client.post("/v1/calls", json=call(f"CUST-{i + 1:04d}"))
            assert reply.status_code == 200
            answers.append(reply.json())
        assert [a["outcome"] for a in answers[:4]] == ["answered"] * 4
        assert [a["position"] for a in answers[4:24]] == list(range(1, 21))
        assert answers[4]["estimated_wait_s"] == 0.5 and answers[23]["estimated_wait_s"] == 10.0
        assert answers[24]["outcome"] == last and answers[24]["position"] is None
        export = (await client.get("/admin/export", headers=ADMIN)).json()
        assert (export["service"], export["agents"], export["queue_max"]) == (
            "contact-centre",
            4,
            20,
        )
        assert [c["outcome"] for c in export["calls"]].count(last) == 1
        row = export["calls"][4]
        assert set(row) == {
            "call_id",
            "customer_id",
            "reason",
            "placed_at_s",
            "outcome",
            "position_at_entry",
            "answered_at_s",
            "ended_at_s",
            "wait_s",
        }
        assert (row["outcome"], row["position_at_entry"], row["wait_s"]) == ("queued", 1, 0.0)

    run(load_profile("hardened", overrides), scenario)


def test_fragile_gives_busy_signals_not_callbacks() -> None:
    async def scenario(client: httpx.AsyncClient, clock: Clock) -> None:
        outcomes = [
            (await client.post("/v1/calls", json=call(f"C-{i}"))).json()["outcome"]
            for i in range(30)
        ]
        assert outcomes.count("busy") == 6 and "callback" not in outcomes

    run(load_profile("fragile"), scenario)


def test_follow_hang_up_and_patience() -> None:
    """GET follows a call's position; DELETE abandons it; patience running out abandons too;
    a call the agents finish reads `completed`."""

    async def scenario(client: httpx.AsyncClient, clock: Clock) -> None:
        for i in range(4):
            await client.post("/v1/calls", json=call(f"A-{i}", 80_000.0))
        first = (await client.post("/v1/calls", json=call("Q-1", 30.0))).json()
        second = (await client.post("/v1/calls", json=call("Q-2", 80_000.0))).json()
        third = (await client.post("/v1/calls", json=call("Q-3", 80_000.0))).json()
        hung = (await client.delete(f"/v1/calls/{second['call_id']}")).json()
        assert hung == {"call_id": second["call_id"], "outcome": "abandoned", "position": None}
        now = (await client.get(f"/v1/calls/{third['call_id']}")).json()
        assert now["outcome"] == "queued" and now["position"] == 2
        clock.now_s += 1e5  # long past Q-1's patience and every handle time
        gone = (await client.get(f"/v1/calls/{first['call_id']}")).json()
        assert gone["outcome"] in ("abandoned", "completed")
        assert (await client.get(f"/v1/calls/{third['call_id']}")).json()["outcome"] == (
            "completed"
        )
        export = (await client.get("/admin/export", headers=ADMIN)).json()
        rows = {c["customer_id"]: c for c in export["calls"]}
        assert rows["Q-2"]["outcome"] == "abandoned" and rows["Q-2"]["wait_s"] == 0.0
        assert rows["Q-3"]["outcome"] == "answered" and rows["Q-3"]["wait_s"] > 0

    run(load_profile("hardened"), scenario)


def test_a_caller_out_of_patience_is_abandoned_by_the_centre() -> None:
    """One agent on a very long call: the caller on hold gives up after `patience_s`."""
    profile = load_profile("fragile", {"contact_agents": "1", "contact_handle_s": "100000"})

    async def scenario(client: httpx.AsyncClient, clock: Clock) -> None:
        await client.post("/v1/calls", json=call("A-1", 80_000.0))
        queued = (await client.post("/v1/calls", json=call("Q-1", 3.0))).json()
        assert queued["outcome"] == "queued"
        clock.now_s += 3.5
        assert (await client.get(f"/v1/calls/{queued['call_id']}")).json()["outcome"] == (
            "abandoned"
        )
        rows = (await client.get("/admin/export", headers=ADMIN)).json()["calls"]
        assert rows[1]["wait_s"] == pytest.approx(3.0) and rows[0]["outcome"] == "answered"

    run(profile, scenario)


def test_refusals_have_the_contract_shape() -> None:
    async def scenario(client: httpx.AsyncClient, clock: Clock) -> None:
        bad = await client.post("/v1/calls", json={"customer_id": "C 1", "reason": "x"})
        assert bad.status_code == 422 and bad.json()["error"] == "invalid_request"
        nan = await client.post(
            "/v1/calls",
            content=b'{"customer_id": "C", "reason": "other", "patience_s": 1e999}',
            headers={"Content-Type": "application/json"},
        )
        assert nan.status_code in (400, 422)
        missing = await client.get("/v1/calls/CALL-999999")
        assert missing.status_code == 404 and missing.json()["error"] == "call_not_found"
        assert (await client.get("/admin/export")).status_code == 401

    run(load_profile("hardened"), scenario)
