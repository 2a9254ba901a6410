"""The write routes the hostile bodies are thrown at: each one's method, path, a valid body
template and which fields to mutate, built against a running bank."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import httpx

from .common import (
    TIMEOUT_S,
    Bank,
    account,
    bearer,
    customer,
    login,
    password,
    transfer_body,
)

# 5. hostile bodies ----------------------------------------------------------------------------


@dataclass(frozen=True)
class WriteRoute:
    """One write endpoint: where, the body template, the fields to poison, what it needs."""

    label: str
    base: str
    path: str
    template: dict[str, Any]
    fields: tuple[str, ...]
    headers: dict[str, str]
    key: bool = False
    own: tuple[str, ...] = ()
    hostile_paths: tuple[str, ...] = ()


def write_routes(client: httpx.Client, bank: Bank, rng: random.Random) -> list[WriteRoute]:
    """The write endpoints under attack, with the sessions and holds they need."""
    mobile, inner = bank.edge, bank.inner_headers()
    payments, clearing = (
        bank.placement.services["payments"].url,
        bank.placement.services["clearing"].url,
    )
    refresher, changer, sender = (
        login(client, bank, 10),
        login(client, bank, 11),
        login(client, bank, 12),
    )
    holds = []
    for n in (17, 18):
        answer = client.post(
            f"{bank.core}/v1/holds",
            json={
                "account_id": account(n),
                "amount": "1.00",
                "currency": "PEN",
                "reference": f"hostile-{n}",
                "expires_in_s": 120,
            },
            headers={**inner, "Idempotency-Key": f"hold-{rng.getrandbits(48):x}"},
            timeout=TIMEOUT_S,
        )
        holds.append(str(answer.json().get("hold_id")) if answer.is_success else "HOLD-NONE")
    legs = [
        {"account_id": account(15), "amount": "-1.00", "currency": "PEN"},
        {"account_id": account(16), "amount": "1.00", "currency": "PEN"},
    ]
    return [
        WriteRoute(
            "mobile login",
            mobile,
            "/v1/auth/login",
            {"customer_id": customer(14), "password": "not-the-password"},
            ("customer_id", "password"),
            {},
        ),
        WriteRoute(
            "mobile refresh",
            mobile,
            "/v1/auth/refresh",
            {"refresh_token": refresher.get("refresh", "none")},
            ("refresh_token",),
            {},
        ),
        WriteRoute(
            "mobile password",
            mobile,
            "/v1/auth/password",
            {"old_password": password(11), "new_password": "a-long-new-passphrase-11"},
            ("old_password", "new_password"),
            bearer(changer),
            own=(customer(11), account(11)),
        ),
        WriteRoute(
            "mobile transfers",
            mobile,
            "/v1/transfers",
            transfer_body(12, 13),
            ("from_account", "creditor_account", "amount", "currency", "kind"),
            bearer(sender),
            key=True,
            own=(customer(12), account(12)),
            hostile_paths=("/v1/transfers/a%00b", "/v1/transfers/x%0d%0ay", "/v1/transfers/%ff"),
        ),
        WriteRoute(
            "payments",
            payments,
            "/v1/payments",
            {
                "debtor_account": account(19),
                "creditor_account": account(20),
                "amount": "1.00",
                "currency": "PEN",
            },
            ("debtor_account", "creditor_account", "amount", "currency"),
            inner,
            key=True,
            hostile_paths=("/v1/payments/a%00b", "/v1/payments/x%0d%0a/inquiry"),
        ),
        WriteRoute(
            "core journals",
            bank.core,
            "/v1/journals",
            {"transfer_id": "hostile-journal", "postings": legs},
            ("transfer_id", "postings", "postings.account_id", "postings.amount"),
            inner,
            key=True,
            hostile_paths=("/v1/journals/x%0d%0a/reverse", "/v1/journals/a%00b/reverse"),
        ),
        WriteRoute(
            "core holds",
            bank.core,
            "/v1/holds",
            {
                "account_id": account(17),
                "amount": "1.00",
                "currency": "PEN",
                "reference": "hostile",
                "expires_in_s": 60,
            },
            ("account_id", "amount", "currency", "reference", "expires_in_s"),
            inner,
            key=True,
        ),
        WriteRoute(
            "core capture",
            bank.core,
            f"/v1/holds/{holds[0]}/capture",
            {"credit_account": account(18), "transfer_id": "hostile-capture"},
            ("credit_account", "transfer_id"),
            inner,
            hostile_paths=("/v1/holds/x%0d%0a/capture", "/v1/holds/a%00b/capture"),
        ),
        WriteRoute(
            "core release",
            bank.core,
            f"/v1/holds/{holds[1]}/release",
            {"reason": "hostile"},
            ("reason",),
            inner,
            hostile_paths=("/v1/holds/x%0d%0a/release", "/v1/holds/a%00b/release"),
        ),
        WriteRoute(
            "clearing pacs008",
            clearing,
            "/v1/pacs008",
            {
                "msg_id": "MSG-HOSTILE",
                "end_to_end_id": "E2E-HOSTILE",
                "debtor_account": account(19),
                "creditor": "EXT-HOSTILE",
                "amount": "1.00",
                "currency": "PEN",
            },
            ("msg_id", "end_to_end_id", "debtor_account", "creditor", "amount", "currency"),
            inner,
        ),
        WriteRoute(
            "clearing pacs028",
            clearing,
            "/v1/pacs028",
            {"end_to_end_id": "E2E-HOSTILE"},
            ("end_to_end_id",),
            inner,
        ),
    ]
