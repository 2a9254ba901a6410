"""The shared ground of the hostile-input benchmark: the attacked bank, one category's tally, and
sending a request while counting what came back (5xx, no answer, leaks)."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from harness.control.bank import BankAdmin
from harness.topology import Placement, core_service

CUSTOMERS = 20
TIMEOUT_S = 5.0
BIG_BODY_BYTES = 4 * 1024 * 1024
HOSTILE_PER_ROUTE = 100
DEEP = 50_000
ATTACK_S = 3.0
ATTACK_MAX_REQUESTS = 600
ATTACKERS = 2
ATTACK_HEAD_START = 12
VICTIM_TRANSFERS = 20
LOGIN_TRIES = 5
MAX_THROTTLE_WAIT_S = 12.0
OLD_DEFAULT_ADMIN_TOKEN = "chaos-admin"
"""The admin token every bank had before the security work: the first thing an attacker tries."""
JUDGED = ("money_conserved", "no_negative_balances", "exactly_once", "payments_reconciled")
"""The invariants that judge the exports alone (the other two need a load history)."""

ID_PATTERN = re.compile(r"\b(?:ACC|CUST)-\d{4}\b")
ADDRESS_PATTERN = re.compile(r"(?:127\.0\.0\.1|localhost):(\d{2,5})")
MARK0, MARK1 = b'"@@M0@@"', b'"@@M1@@"'
"""Placeholders spliced into a template's JSON text and replaced by a raw hostile fragment."""


def customer(n: int) -> str:
    return f"CUST-{n:04d}"


def account(n: int) -> str:
    return f"ACC-{n:04d}"


def password(n: int) -> str:
    return f"{customer(n).lower()}-correct-horse"


@dataclass
class Tally:
    """What one attack category sent and got back."""

    name: str
    key_label: str
    key_value: int | str = 0
    requests: int = 0
    server_errors: int = 0
    no_answer: int = 0
    leaks: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    leak_examples: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Bank:
    """The running bank as the attackers see it (plus the operator's console for the checks)."""

    placement: Placement
    admin_token: str
    service_token: str | None
    run_dir: Path

    @property
    def edge(self) -> str:
        return self.placement.edge_url

    @property
    def core(self) -> str:
        return self.placement.services[core_service(self.placement.active_dc)].url

    def inner_headers(self) -> dict[str, str]:
        return {"X-Service-Token": self.service_token} if self.service_token else {}

    def admin_addresses(self) -> list[tuple[str, str]]:
        """Every address a service listens on: (label, url), public and admin listeners."""
        found = [(f"{name} public", ep.url) for name, ep in self.placement.services.items()]
        admin: Mapping[str, Any] = getattr(self.placement, "admin", None) or {}
        found += [(f"{name} admin", ep.url) for name, ep in admin.items()]
        return found


def leak_reason(answer: httpx.Response, sent: str, own: Iterable[str]) -> str | None:
    """Why `answer` leaks (None when it does not): a stack trace, an internal address other
    than the one called, or an id the caller neither sent nor owns."""
    text = answer.text
    if "Traceback" in text or 'File "' in text:
        return "stack trace"
    called = str(answer.request.url.port)
    for port in ADDRESS_PATTERN.findall(text):
        if port != called:
            return f"internal address :{port}"
    allowed = set(ID_PATTERN.findall(sent)) | set(own)
    foreign = sorted(set(ID_PATTERN.findall(text)) - allowed)
    return f"foreign ids {foreign[:3]}" if foreign else None


def send(
    client: httpx.Client,
    tally: Tally,
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    content: bytes | None = None,
    body: Any = None,
    own: Iterable[str] = (),
    timeout_s: float = TIMEOUT_S,
) -> httpx.Response | None:
    """Send one request, count it in `tally`; None when no answer came back."""
    if body is not None:
        content = json.dumps(body).encode()
    all_headers = dict(headers or {})
    if content is not None:
        all_headers.setdefault("Content-Type", "application/json")
    tally.requests += 1
    try:
        answer = client.request(
            method, url, headers=all_headers, content=content, timeout=timeout_s
        )
    except httpx.HTTPError as exc:
        tally.no_answer += 1
        tally.statuses[type(exc).__name__] += 1
        return None
    tally.statuses[str(answer.status_code)] += 1
    if answer.status_code >= 500:
        tally.server_errors += 1
    sent = url + (content or b"")[:65536].decode("utf-8", "replace")
    reason = leak_reason(answer, sent, own)
    if reason:
        tally.leaks += 1
        if len(tally.leak_examples) < 3:
            where = answer.request.url.raw_path.decode("ascii", "replace")[:60]
            tally.leak_examples.append(
                f"{method} {where} -> {answer.status_code} {reason}: {answer.text[:140]!r}"
            )
    return answer


def login(client: httpx.Client, bank: Bank, n: int) -> dict[str, str]:
    """Sign customer `n` in through the edge: {access, refresh} (empty when refused)."""
    body = {"customer_id": customer(n), "password": password(n)}
    try:
        answer = client.post(f"{bank.edge}/v1/auth/login", json=body, timeout=TIMEOUT_S)
    except httpx.HTTPError:
        return {}
    if answer.status_code != 200:
        return {}
    data = answer.json()
    return {"access": str(data["access_token"]), "refresh": str(data["refresh_token"])}


def bearer(tokens: Mapping[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.get('access', 'none')}"}


def transfer_body(debtor: int, creditor: int, amount: str = "1.00") -> dict[str, str]:
    return {
        "from_account": account(debtor),
        "creditor_account": account(creditor),
        "amount": amount,
        "currency": "PEN",
        "kind": "transfer",
    }


def booked(bank: Bank, n: int) -> Decimal | None:
    """Account n's booked balance from the core's export (the operator's view)."""
    try:
        export = BankAdmin(bank.placement, bank.admin_token).export(
            core_service(bank.placement.active_dc)
        )
    except Exception:
        return None
    for row in export.get("accounts", []):
        if row.get("account_id") == account(n):
            return Decimal(str(row.get("booked")))
    return None
