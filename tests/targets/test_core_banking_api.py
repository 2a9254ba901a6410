"""Core-banking's /v1 and /admin routes over real HTTP against one process."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from tests.credentials import SERVICE
from tests.targets.test_core_banking_processes import CoreProcess, running, transfer_body

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CoreProcess]:
    """One dc-a primary with 6 customers of 1000.00 (ACC-0006 is the concurrency test's)."""
    path = tmp_path_factory.mktemp("core") / "a.db"
    with running(CoreProcess("dc-a", path)) as (process,):
        assert process.admin("POST", "/admin/seed", json={"customers": 6}).status_code == 200
        yield process


def post(core: CoreProcess, path: str, body: object, key: str | None = None) -> httpx.Response:
    headers = {**SERVICE, "Idempotency-Key": key} if key else SERVICE
    return httpx.post(f"{core.url}{path}", json=body, headers=headers, timeout=10.0)


def available(core: CoreProcess, account_id: str) -> str:
    body = httpx.get(f"{core.url}/v1/accounts/{account_id}/balances", headers=SERVICE).json()
    return str(body["balances"][1]["amount"])


def test_account_and_customer_shapes(core: CoreProcess) -> None:
    """Accounts and a customer's account list answer the contract's fields."""
    account = httpx.get(f"{core.url}/v1/accounts/ACC-0003", headers=SERVICE).json()
    assert account == {
        "account_id": "ACC-0003",
        "customer_id": "CUST-0003",
        "kind": "customer",
        "currency": "PEN",
        "status": "ACTIVE",
    }
    listed = httpx.get(f"{core.url}/v1/customers/CUST-0003/accounts", headers=SERVICE).json()
    assert listed == {"accounts": [account]}
    missing = httpx.get(f"{core.url}/v1/accounts/ACC-9999", headers=SERVICE)
    assert missing.status_code == 404 and missing.json()["error"] == "account_not_found"


def test_seed_is_idempotent(core: CoreProcess) -> None:
    """Seeding again creates nothing and moves no money."""
    again = core.admin("POST", "/admin/seed", json={"customers": 6}).json()
    assert again["created"] == 0 and available(core, "ACC-0005") == "1000.00"


def test_journal_replay_and_key_reuse(core: CoreProcess) -> None:
    """Same key replays the first answer; another body is 422; a missing key is 400."""
    body = transfer_body("ACC-0001", "ACC-0002", "12.34")
    first = post(core, "/v1/journals", body, "api-k1")
    again = post(core, "/v1/journals", body, "api-k1")
    other = post(core, "/v1/journals", transfer_body("ACC-0001", "ACC-0002", "1.00"), "api-k1")
    keyless = post(core, "/v1/journals", body)
    assert first.status_code == 201 and again.json() == first.json()
    assert first.json()["epoch"] == 1 and first.json()["dc"] == "dc-a"
    assert (other.status_code, other.json()["error"]) == (422, "idempotency_key_reused")
    assert (keyless.status_code, keyless.json()["error"]) == (400, "idempotency_key_missing")
    moves = httpx.get(
        f"{core.url}/v1/accounts/ACC-0001/transactions?limit=1", headers=SERVICE
    ).json()
    assert moves["transactions"][0]["amount"] == "-12.34"


def test_bad_requests_are_clear_errors(core: CoreProcess) -> None:
    """Unbalanced, overdrawing and malformed journals name the problem."""
    unbalanced = post(
        core,
        "/v1/journals",
        {
            "postings": [
                {"account_id": "ACC-0001", "amount": "-1.00"},
                {"account_id": "ACC-0002", "amount": "2.00"},
            ]
        },
        "bad-1",
    )
    overdraw = post(core, "/v1/journals", transfer_body("ACC-0004", "ACC-0001", "5000.00"), "bad-2")
    malformed = post(core, "/v1/journals", {"postings": "nope"}, "bad-3")
    assert unbalanced.json()["error"] == "unbalanced_journal"
    assert overdraw.status_code == 422
    assert overdraw.json()["error"] == "insufficient_funds"
    assert overdraw.json()["reason_code"] == "AM04"
    assert (malformed.status_code, malformed.json()["error"]) == (400, "invalid_request")


def test_hold_capture_release_and_reverse(core: CoreProcess) -> None:
    """Hold, capture (twice), release-after-capture 409, then reverse the captured journal."""
    hold = post(
        core,
        "/v1/holds",
        {
            "account_id": "ACC-0003",
            "amount": "300.00",
            "currency": "PEN",
            "reference": "pay-9",
            "expires_in_s": 30,
        },
        "hold-1",
    )
    assert hold.status_code == 201 and hold.json()["status"] == "ACTIVE"
    assert available(core, "ACC-0003") == "700.00"
    hold_id = hold.json()["hold_id"]
    capture = {"credit_account": "CLEARING", "transfer_id": "tr-9"}
    first = post(core, f"/v1/holds/{hold_id}/capture", capture)
    again = post(core, f"/v1/holds/{hold_id}/capture", capture)
    release = post(core, f"/v1/holds/{hold_id}/release", {})
    assert first.status_code == 200 and again.json() == first.json()
    assert release.status_code == 409
    reversal = post(core, f"/v1/journals/{first.json()['journal_id']}/reverse", {})
    assert reversal.status_code == 201 and reversal.json()["status"] == "POSTED"
    assert available(core, "ACC-0003") == "1000.00"


def test_released_hold_cannot_be_captured(core: CoreProcess) -> None:
    """Release frees the funds and is idempotent; capture after release is a 409."""
    hold = post(
        core,
        "/v1/holds",
        {
            "account_id": "ACC-0005",
            "amount": "10.00",
            "currency": "PEN",
            "reference": "r",
            "expires_in_s": 30,
        },
        "hold-2",
    ).json()
    first = post(core, f"/v1/holds/{hold['hold_id']}/release", {})
    again = post(core, f"/v1/holds/{hold['hold_id']}/release", {})
    capture = post(core, f"/v1/holds/{hold['hold_id']}/capture", {"credit_account": "CLEARING"})
    assert first.json() == again.json() == {"hold_id": hold["hold_id"], "status": "RELEASED"}
    assert capture.status_code == 409 and available(core, "ACC-0005") == "1000.00"


def test_concurrent_debits_never_overdraw(core: CoreProcess) -> None:
    """200 concurrent 10.00 debits of a 1000.00 account: exactly 100 pass, money conserved."""
    assert available(core, "ACC-0006") == "1000.00"

    async def burst() -> list[int]:
        async with httpx.AsyncClient(timeout=30.0) as client:
            answers = await asyncio.gather(
                *(
                    client.post(
                        f"{core.url}/v1/journals",
                        headers={**SERVICE, "Idempotency-Key": f"c-{n}"},
                        json=transfer_body("ACC-0006", "SUSPENSE", "10.00"),
                    )
                    for n in range(200)
                )
            )
        return [a.status_code for a in answers]

    codes = asyncio.run(burst())
    assert codes.count(201) == 100 and codes.count(422) == 100
    assert available(core, "ACC-0006") == "0.00"
    summary = core.admin("GET", "/admin/consistency").json()
    assert summary["totals"] == {"PEN": "0.00"}
    assert summary["negative_balances"] == [] and summary["unbalanced_journals"] == []


def test_export_and_replication_shapes(core: CoreProcess) -> None:
    """Export lists accounts, journals with postings and holds; replication reports lag."""
    export = core.admin("GET", "/admin/export").json()
    assert {"dc", "role", "epoch", "accounts", "journals", "holds"} <= set(export)
    journal = export["journals"][0]
    assert {
        "journal_id",
        "transfer_id",
        "idempotency_key",
        "kind",
        "epoch",
        "dc",
        "seq",
        "created_at",
        "postings",
    } <= set(journal)
    assert {a["account_id"] for a in export["accounts"]} >= {"FUNDING", "CLEARING", "SUSPENSE"}
    status = core.admin("GET", "/admin/replication").json()
    assert {
        "dc",
        "role",
        "epoch",
        "mode",
        "lag_entries",
        "lag_s",
        "last_seq",
        "replicated_seq",
    } <= set(status)
    assert status["mode"] == "sync"
    assert status["last_seq"] >= max(j["seq"] for j in export["journals"])
    assert httpx.get(f"{core.url}/admin/export").status_code == 401


def test_flags_inject_http_faults(core: CoreProcess) -> None:
    """read_only refuses writes with 503; error_rate=1 fails every /v1 call; flags merge."""
    try:
        flags = core.admin("POST", "/admin/flags", json={"read_only": True}).json()
        assert flags == {"error_rate": 0.0, "extra_latency_ms": 0, "read_only": True}
        refused = post(core, "/v1/journals", transfer_body("ACC-0001", "ACC-0005", "1.00"), "f1")
        assert refused.status_code == 503 and refused.headers["Retry-After"]
        assert httpx.get(f"{core.url}/v1/accounts/ACC-0001", headers=SERVICE).status_code == 200
        core.admin("POST", "/admin/flags", json={"error_rate": 1.0})
        assert httpx.get(f"{core.url}/v1/accounts/ACC-0001", headers=SERVICE).status_code == 500
        assert core.admin("GET", "/admin/flags").json()["read_only"] is True
        bad = core.admin("POST", "/admin/flags", json={"colour": "red"})
        assert bad.status_code == 400 and "valid:" in bad.json()["detail"]
        assert httpx.get(f"{core.url}/health/ready").status_code == 200
    finally:
        core.admin("POST", "/admin/flags", json={"error_rate": 0.0, "read_only": False})
