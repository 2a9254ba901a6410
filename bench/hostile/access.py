"""Attacks on who may call what: cross-customer reads and transfers, bad admin tokens, admin
routes through the edge, inner services without the service credential."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import httpx

from .common import (
    OLD_DEFAULT_ADMIN_TOKEN,
    TIMEOUT_S,
    Bank,
    Tally,
    account,
    bearer,
    booked,
    customer,
    login,
    send,
    transfer_body,
)

# 1. cross-customer isolation ------------------------------------------------------------------


def cross_customer(client: httpx.Client, bank: Bank, rng: random.Random) -> Tally:
    tally = Tally("1 cross-customer", "succeeded")
    a, b = 1, 2
    tokens_a, tokens_b = login(client, bank, a), login(client, bank, b)
    own = (customer(a), account(a))
    # B makes a transfer whose id A then asks about.
    b_transfer = "unknown"
    answer = client.post(
        f"{bank.edge}/v1/transfers",
        json=transfer_body(b, 3),
        headers={**bearer(tokens_b), "Idempotency-Key": f"b-{rng.getrandbits(48):x}"},
        timeout=TIMEOUT_S,
    )
    if answer.is_success:
        b_transfer = str(answer.json().get("transfer_id"))
    attempts: list[tuple[str, str, Any]] = [
        ("GET", f"/v1/accounts/{account(b)}/balance", None),
        ("GET", f"/v1/accounts/{account(b)}/movements?limit=5", None),
        ("GET", f"/v1/transfers/{b_transfer}", None),
        ("POST", "/v1/transfers", transfer_body(b, a)),
        ("POST", "/v1/transfers", transfer_body(b, 3)),
        ("GET", f"/v1/accounts/{account(b).lower()}/balance", None),
        ("GET", f"/v1/accounts/{account(b)}%20/balance", None),
    ]
    succeeded = 0
    for method, path, body in attempts:
        headers = bearer(tokens_a)
        if method == "POST":
            headers["Idempotency-Key"] = f"x-{rng.getrandbits(48):x}"
        got = send(client, tally, method, bank.edge + path, headers=headers, body=body, own=own)
        succeeded += got is not None and got.is_success
    tally.key_value = succeeded
    tally.extra["signed_in"] = bool(tokens_a) and bool(tokens_b)
    return tally


# 2. bad admin tokens --------------------------------------------------------------------------


def bad_admin_tokens(client: httpx.Client, bank: Bank, _rng: random.Random) -> Tally:
    tally = Tally("2 bad admin tokens", "accepted")
    real = bank.admin_token
    tokens: dict[str, str | None] = {
        "missing": None,
        "wrong": "not-the-admin-token",
        "empty": "",
        "long": "A" * 8192,
        "truncated": real[:-1],
        "case-flipped": real.swapcase() if real.swapcase() != real else real + "x",
        "old-default": OLD_DEFAULT_ADMIN_TOKEN,
    }
    routes: list[tuple[str, str, Any]] = [
        ("GET", "/admin/export", None),
        ("GET", "/admin/flags", None),
        ("POST", "/admin/flags", {}),
    ]
    accepted: Counter[str] = Counter()
    for label, url in bank.admin_addresses():
        for method, path, body in routes:
            for kind, token in tokens.items():
                headers = {} if token is None else {"X-Admin-Token": token}
                got = send(client, tally, method, url + path, headers=headers, body=body)
                if got is not None and got.is_success:
                    accepted[kind] += 1
                    tally.extra.setdefault("accepted_where", []).append(f"{label} {path} {kind}")
    tally.key_value = accepted.total()
    tally.extra["accepted_by_token"] = dict(accepted)
    tally.extra["addresses"] = len(bank.admin_addresses())
    tally.extra["accepted_where"] = tally.extra.get("accepted_where", [])[:6]
    return tally


# 3. admin through the edge --------------------------------------------------------------------


def admin_through_edge(client: httpx.Client, bank: Bank, _rng: random.Random) -> Tally:
    tally = Tally("3 admin via edge", "answered 2xx")
    headers = {"X-Admin-Token": bank.admin_token}
    answered = 0
    for method, path, body in (
        ("GET", "/admin/export", None),
        ("GET", "/admin/flags", None),
        ("POST", "/admin/sessions/revoke-all", {"force_password_change": False}),
    ):
        got = send(client, tally, method, bank.edge + path, headers=headers, body=body)
        answered += got is not None and got.is_success
        if got is not None and got.is_success and "revoke" in path:
            tally.extra["sessions_revoked"] = got.json().get("revoked_sessions")
    tally.key_value = answered
    return tally


# 4. inner services without the service credential ---------------------------------------------


def inner_without_credential(client: httpx.Client, bank: Bank, rng: random.Random) -> Tally:
    tally = Tally("4 inner, no credential", "accepted")
    debtor, creditor = 3, 4
    before = booked(bank, debtor)
    payments, clearing = (
        bank.placement.services["payments"].url,
        bank.placement.services["clearing"].url,
    )
    key = {"Idempotency-Key": f"rogue-{rng.getrandbits(48):x}"}
    journal = {
        "transfer_id": f"rogue-{rng.getrandbits(32):x}",
        "postings": [
            {"account_id": account(debtor), "amount": "-1.00", "currency": "PEN"},
            {"account_id": account(creditor), "amount": "1.00", "currency": "PEN"},
        ],
    }
    payment = {
        "debtor_account": account(debtor),
        "creditor_account": account(creditor),
        "amount": "1.00",
        "currency": "PEN",
    }
    e2e = f"E2E-ROGUE-{rng.getrandbits(32):x}"
    pacs008 = {
        "msg_id": f"MSG-ROGUE-{rng.getrandbits(32):x}",
        "end_to_end_id": e2e,
        "debtor_account": account(debtor),
        "creditor": "EXT-ROGUE",
        "amount": "1.00",
        "currency": "PEN",
    }
    calls: list[tuple[str, str, dict[str, str], Any]] = [
        ("GET", f"{bank.core}/v1/accounts/{account(1)}", {}, None),
        ("GET", f"{bank.core}/v1/accounts/{account(1)}/balances", {}, None),
        ("GET", f"{bank.core}/v1/customers/{customer(1)}/accounts", {}, None),
        ("POST", f"{bank.core}/v1/journals", key, journal),
        ("GET", f"{bank.core}/internal/export", {}, None),
        (
            "POST",
            f"{payments}/v1/payments",
            {"Idempotency-Key": key["Idempotency-Key"] + "p"},
            payment,
        ),
        ("GET", f"{payments}/v1/reconciliation/breaks", {}, None),
        ("POST", f"{clearing}/v1/pacs008", {}, pacs008),
        ("POST", f"{clearing}/v1/pacs028", {}, {"end_to_end_id": e2e}),
    ]
    accepted: list[str] = []
    for method, url, headers, body in calls:
        got = send(client, tally, method, url, headers=headers, body=body)
        if got is not None and got.is_success:
            accepted.append(f"{method} {httpx.URL(url).path} {got.status_code}")
    after = booked(bank, debtor)
    tally.key_value = len(accepted)
    tally.extra["accepted_calls"] = accepted
    moved = None if before is None or after is None else str(before - after)
    tally.extra["money_moved_from_debtor"] = moved
    return tally
