"""Hostile bodies, paths and keys at every write endpoint of a running bank: never a 5xx, and the
money is still right after.

The bank is the one experiments use (`LocalRuntime`), in both profiles: input validation is
correctness, not a resilience knob. Hypothesis draws the route and the hostile request
(`hostile.py`); every answer must be below 500 (a refusal in the house shape when 4xx). The
inner services are called directly, as a rogue caller inside the network would. Afterwards the
harness's invariant checkers judge the exports: hostile input must not move money wrongly.
"""

from __future__ import annotations

import dataclasses
import os
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.control.bank import BankAdmin
from harness.engine.exports import collect_exports, settle_payments
from harness.history.exports import bank_state
from harness.invariants import run_invariants
from harness.load.crowd import seeded_password
from harness.runtime.base import BankConfig
from harness.runtime.local import LocalRuntime
from harness.topology import Placement, core_service
from tests.targets.hostile import HOSTILE_ID, HOSTILE_KEY, hostile_body, path_segment

pytestmark = pytest.mark.integration

EXAMPLES = 300
"""Per profile; about 20 s of requests on a quiet machine (plus the bank's start and stop)."""

JUDGED = ("money_conserved", "no_negative_balances", "exactly_once", "payments_reconciled")
"""The invariants that judge the exports alone (the other two need the load's history)."""

NOBODY = ("ACC-9998", "ACC-9999")
"""Accounts that do not exist: direct core and scheme writes must not move real money."""


@dataclass(frozen=True)
class WriteRoute:
    """One route under test: where, which body template, which headers it needs."""

    service: str
    method: str
    path: str
    template: dict[str, Any] | None = None
    key: bool = False
    customer: int = 0
    """The signed-in customer whose bearer token the call carries (0: none)."""
    legs: bool = False
    """The template is a posting leg: the body is a journal holding it and a valid leg."""


LEG = {"account_id": NOBODY[0], "amount": "-1.00", "currency": "PEN"}
ROUTES = (
    WriteRoute(
        "mobile-api", "POST", "/v1/auth/login", {"customer_id": "CUST-0003", "password": "x"}
    ),
    WriteRoute("mobile-api", "POST", "/v1/auth/refresh", {"refresh_token": "not-a-token"}),
    WriteRoute("mobile-api", "POST", "/v1/auth/logout", {}),
    WriteRoute(
        "mobile-api",
        "POST",
        "/v1/auth/password",
        {"old_password": seeded_password(2), "new_password": "a-long-new-passphrase-2"},
        customer=2,
    ),
    WriteRoute(
        "mobile-api",
        "POST",
        "/v1/transfers",
        {"from_account": "ACC-0001", "creditor_account": "ACC-0002", "amount": "1.00"},
        key=True,
        customer=1,
    ),
    WriteRoute("mobile-api", "GET", "/v1/transfers/{id}", customer=1),
    WriteRoute("mobile-api", "GET", "/v1/accounts/{id}/balance", customer=1),
    WriteRoute(
        "payments",
        "POST",
        "/v1/payments",
        {"debtor_account": "ACC-0004", "creditor_account": "ACC-0005", "amount": "1.00"},
        key=True,
    ),
    WriteRoute("payments", "POST", "/v1/payments/{id}/inquiry", {}),
    WriteRoute("core", "POST", "/v1/journals", {"transfer_id": "t-1", "postings": [LEG]}, key=True),
    WriteRoute("core", "POST", "/v1/journals", LEG, key=True, legs=True),
    WriteRoute("core", "POST", "/v1/journals/{id}/reverse", {}),
    WriteRoute(
        "core",
        "POST",
        "/v1/holds",
        {"account_id": NOBODY[1], "amount": "1.00", "reference": "r-1", "expires_in_s": 30},
        key=True,
    ),
    WriteRoute("core", "POST", "/v1/holds/{id}/capture", {"credit_account": NOBODY[0]}),
    WriteRoute("core", "POST", "/v1/holds/{id}/release", {}),
    WriteRoute(
        "clearing",
        "POST",
        "/v1/pacs008",
        {
            "msg_id": "m-1",
            "end_to_end_id": "E2E-HOSTILE-1",
            "debtor_account": NOBODY[0],
            "creditor": NOBODY[1],
            "amount": "0.01",
        },
    ),
    WriteRoute("clearing", "POST", "/v1/pacs028", {"end_to_end_id": "E2E-HOSTILE-1"}),
)


@dataclass(frozen=True)
class Bank:
    placement: Placement
    inner_headers: dict[str, str]
    bearer: dict[int, str]

    def url(self, service: str) -> str:
        name = core_service(self.placement.active_dc) if service == "core" else service
        return self.placement.services[name].url


def _login(client: httpx.Client, edge: str, number: int) -> str:
    answer = client.post(
        f"{edge}/v1/auth/login",
        json={"customer_id": f"CUST-{number:04d}", "password": seeded_password(number)},
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def _request(bank: Bank, route: WriteRoute, data: st.DataObject) -> httpx.Request:
    path = route.path
    if "{id}" in path:
        path = path.replace("{id}", path_segment(data.draw(HOSTILE_ID, label="id")))
    headers = {"Content-Type": "application/json"}
    if route.service != "mobile-api":
        headers.update(bank.inner_headers)
    if route.customer:
        headers["Authorization"] = f"Bearer {bank.bearer[route.customer]}"
    if route.key:
        headers["Idempotency-Key"] = data.draw(HOSTILE_KEY, label="key")
    content = b""
    if route.template is not None:
        content = data.draw(hostile_body(route.template), label="body")
        if route.legs and content.startswith(b"{") and len(content) < 10_000:
            other = (
                b'{"account_id": "%s", "amount": "1.00", "currency": "PEN"}' % NOBODY[1].encode()
            )
            content = b'{"transfer_id": "t-2", "postings": [' + content + b", " + other + b"]}"
    return httpx.Request(
        route.method, bank.url(route.service) + path, headers=headers, content=content
    )


def _storm(bank: Bank, seen: Counter[str]) -> None:
    with httpx.Client(timeout=20.0) as client:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(st.data())
        def hostile_requests_are_refused_with_4xx(data: st.DataObject) -> None:
            route = data.draw(st.sampled_from(ROUTES), label="route")
            request = _request(bank, route, data)
            answer = client.send(request)
            where = f"{route.service} {route.method} {request.url.raw_path!r}"
            assert answer.status_code < 500, f"{where} -> {answer.status_code} {answer.text[:300]}"
            if answer.status_code >= 400:
                error = answer.json().get("error")
                assert isinstance(error, str) and error, f"{where}: no error code: {answer.text}"
                seen[f"{answer.status_code} {error}"] += 1

        hostile_requests_are_refused_with_4xx()


def _oversized_bodies_are_413(bank: Bank) -> None:
    """Every service has a body limit, so a 64 MiB body is never parsed (one of 1 MiB here)."""
    body = b'{"remittance": "' + b"x" * 1024 * 1024 + b'"}'
    with httpx.Client(timeout=20.0) as client:
        for route in {r.service: r for r in ROUTES if r.template is not None}.values():
            headers = {**bank.inner_headers, "Content-Type": "application/json"}
            answer = client.post(
                bank.url(route.service) + route.path, content=body, headers=headers
            )
            assert (answer.status_code, answer.json()["error"]) == (413, "body_too_large"), route


@pytest.mark.parametrize("profile", ["hardened", "fragile"])
def test_hostile_requests_get_4xx_and_money_stays_right(profile: str, tmp_path: Path) -> None:
    runtime = LocalRuntime()
    config = BankConfig(
        run_id=f"test-hostile-{profile}-{os.getpid()}",
        run_dir=tmp_path,
        profile=profile,
        seed=11,
        customers=6,
    )
    seen: Counter[str] = Counter()
    try:
        placement = runtime.start(config)
        service_token = getattr(config, "service_token", None)
        edge = placement.services["mobile-api"].url
        with httpx.Client(timeout=20.0) as client:
            bearer = {n: _login(client, edge, n) for n in (1, 2)}
            for _ in range(3):  # real money moves, so the invariants below judge something
                moved = client.post(
                    f"{edge}/v1/transfers",
                    json={
                        "from_account": "ACC-0001",
                        "creditor_account": "ACC-0003",
                        "amount": "2.50",
                    },
                    headers={
                        "Authorization": f"Bearer {bearer[1]}",
                        "Idempotency-Key": str(uuid.uuid4()),
                    },
                )
                assert moved.status_code in (201, 202), moved.text
        inner = {"X-Service-Token": service_token} if service_token else {}
        bank = Bank(placement, inner, bearer)
        _oversized_bodies_are_413(bank)
        _storm(bank, seen)
        admin = BankAdmin(placement, config.admin_token)
        assert settle_payments(admin, timeout_s=30.0) == 0, "payments still in flight"
        state, problem = bank_state(collect_exports(admin, placement, tmp_path / "exports"))
    finally:
        teardown_problems = runtime.stop()
    assert teardown_problems == []
    assert state is not None, problem
    # The test's own pacs.008s (sent straight to the scheme, as a rogue insider could) are
    # rightly cleared-but-unbooked to the bank's reconciliation: judge payments' messages only.
    ours = tuple(m for m in state.messages if m.msg_id.startswith("pay_"))
    results = run_invariants(JUDGED, dataclasses.replace(state, messages=ours), ())
    assert [(r.name, r.status) for r in results] == [(name, "ok") for name in JUDGED], [
        r.summary for r in results
    ]
    assert sum(seen.values()) >= EXAMPLES // 2, f"most hostile requests should be refused: {seen}"
