"""Benchmark: a security team attacks a running mock bank; counts per attack category.

    python bench/hostile_bank.py [--seed 7]

Starts the whole bank with the local runtime (hardened profile, 20 customers), then plays eight
attacks against it and prints, per category, the requests sent, the 5xx answers, the answers
with no answer at all (timeout, reset), the answers that leak (a body holding "Traceback",
'File "', an internal address 127.0.0.1:<port> of something other than what was called, or a
customer or account id the caller neither sent nor owns) and the category's own figure:

1. cross-customer: customer A reads B's balance, movements and transfer, and transfers from
   B's account (succeeded; should be 0);
2. bad admin tokens: admin routes with missing, wrong, empty, long, truncated and the old
   well-known default token, on every service's public and admin address (accepted);
3. admin through the edge: the mobile API's `/admin/export` and `/admin/sessions/revoke-all`
   with the REAL admin token through the edge proxy (answered 2xx);
4. inner services without the service credential: core, payments and clearing called directly
   with no token (accepted; whether money moved);
5. hostile bodies: a fixed seeded set of about 100 hostile bodies per write endpoint (lone
   surrogates, 50,000-deep JSON, NUL and CR/LF in body and path ids, 2**70, 1e309, NaN,
   Arabic-Indic and full-width digits in amounts, wrong types), a 4 MiB body each, and a few
   large journals; inner services get the service credential when the bank has one (5xx,
   non-ASCII amounts accepted, 413s for the 4 MiB body);
6. deadline attack: A's transfers carry `X-Deadline` 3 ms ahead while B makes 20 ordinary
   transfers (B's failures);
7. password change: C signs in three times, changes the password with session 1; sessions 2
   and 3's access and refresh tokens are tried (still worked);
8. lockout enumeration: 5 wrong logins for an existing and an unknown id (do the status
   sequences differ; can the real customer then log in: locked = 1).

After all: services no longer alive, tracebacks in the service logs, and the harness's
invariant checkers over the exports (plus the sum of the core's balances per currency). The
last line is one JSON object with every figure. The script reads the admin token from the
bank's config and the service token only when the config has one (`getattr`), so it runs
unchanged against code from before the security work. Everything on 127.0.0.1; every loop is
bounded in time and count. This is a benchmark: it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

# Last, so that a PYTHONPATH pointing at another checkout (an older commit) wins.
sys.path.append(str(Path(__file__).resolve().parents[1]))

import harness
from harness.control.bank import BankAdmin
from harness.engine.exports import collect_exports, settle_payments
from harness.history.exports import bank_state
from harness.invariants import run_invariants
from harness.logs import configure_logging
from harness.runtime.base import BankConfig
from harness.runtime.local import LocalRuntime
from harness.topology import SERVICE_NAMES, Placement, core_service

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


# 5. hostile bodies ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutation:
    """One hostile value spliced into a template field (raw JSON text) or a whole body."""

    name: str
    fragment: bytes
    negative: bytes | None = None
    """For a journal's debit leg: the same value negated (so a parsed amount still balances)."""
    amounts_only: bool = False
    non_ascii_digits: bool = False


def _s(text: str) -> bytes:
    """Raw JSON text of a string, non-ASCII kept as UTF-8 (not escaped)."""
    return json.dumps(text, ensure_ascii=False).encode()


ARABIC_10 = "\u0661\u0660.\u0660\u0660"
"""10.00 in Arabic-Indic digits (Python's Decimal reads it as 10.00)."""
FULL_WIDTH_10 = "\uff11\uff10.\uff10\uff10"
DEVANAGARI_10 = "\u0967\u0966.\u0966\u0966"
MIXED_10 = "1\u0660.0\uff10"

FIELD_MUTATIONS: tuple[Mutation, ...] = (
    Mutation("lone surrogate (escape)", b'"\\ud800"'),
    Mutation("lone low surrogate in text", b'"ab\\udfffcd"'),
    Mutation("surrogate as raw bytes", b'"\xed\xa0\x80"'),
    Mutation("NUL in string", b'"a\\u0000b"'),
    Mutation("CR/LF in string", b'"x\\r\\nSet-Cookie: y=1"'),
    Mutation("escape sequence", b'"\\u001b[31mred"'),
    Mutation("huge integer 2**70", str(2**70).encode()),
    Mutation("negative 2**70", str(-(2**70)).encode()),
    Mutation("1e309", b"1e309"),
    Mutation("NaN", b"NaN"),
    Mutation("-Infinity", b"-Infinity"),
    Mutation("null", b"null"),
    Mutation("true", b"true"),
    Mutation("list", b'["ACC-0001"]'),
    Mutation("object", b'{"$ne": null}'),
    Mutation("integer 10", b"10", b"-10"),
    Mutation("float 0.1", b"0.1", b"-0.1"),
    Mutation("empty string", b'""'),
    Mutation("100 KB string", b'"' + b"A" * 100_000 + b'"'),
    Mutation("50,000-deep list", b"[" * DEEP + b"]" * DEEP),
    Mutation("50,000-deep object", b'{"a":' * DEEP + b"1" + b"}" * DEEP),
    Mutation("Arabic-Indic digits in an id", _s("ACC-\u0660\u0660\u0660\u0661")),
    Mutation("amount Arabic-Indic", _s(ARABIC_10), _s("-" + ARABIC_10), True, True),
    Mutation("amount full-width", _s(FULL_WIDTH_10), _s("-" + FULL_WIDTH_10), True, True),
    Mutation("amount Devanagari", _s(DEVANAGARI_10), _s("-" + DEVANAGARI_10), True, True),
    Mutation("amount mixed scripts", _s(MIXED_10), _s("-" + MIXED_10), True, True),
    Mutation("amount 2**70 as string", _s(str(2**70)), _s(str(-(2**70))), True),
    Mutation("amount 1e309 as string", _s("1e309"), _s("-1e309"), True),
    Mutation("amount NaN as string", _s("NaN"), _s("-NaN"), True),
    Mutation("amount Infinity as string", _s("Infinity"), _s("-Infinity"), True),
    Mutation("amount three decimals", _s("0.001"), _s("-0.001"), True),
    Mutation("amount negative", _s("-1.00"), _s("1.00"), True),
    Mutation("amount exponent", _s("1E2"), _s("-1E2"), True),
    Mutation("amount with spaces", _s(" 1.00 "), _s(" -1.00 "), True),
    Mutation("amount underscores", _s("1_000.00"), _s("-1_000.00"), True),
    Mutation(
        "amount 20 digits", _s("99999999999999999999.99"), _s("-99999999999999999999.99"), True
    ),
)

WHOLE_BODIES: tuple[Mutation, ...] = (
    Mutation("empty body", b""),
    Mutation("truncated JSON", b'{"a": '),
    Mutation("JSON null", b"null"),
    Mutation("JSON list", b"[]"),
    Mutation("JSON string", b'"x"'),
    Mutation("invalid UTF-8", b'{"a": "\xff\xfe"}'),
    Mutation("UTF-8 BOM", b"\xef\xbb\xbf{}"),
    Mutation("whole body 50,000-deep list", b"[" * DEEP + b"]" * DEEP),
    Mutation("whole body 50,000-deep object", b'{"a":' * DEEP + b"1" + b"}" * DEEP),
    Mutation("whole body NaN", b"NaN"),
    Mutation("whole body 2**70", str(2**70).encode()),
)


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


def _with_marks(template: Mapping[str, Any], target: str) -> bytes:
    """The template's JSON text with the field `target` (dotted; `postings.amount` is both legs'
    amounts) replaced by placeholders."""
    data = json.loads(json.dumps(template))
    if target == "postings.amount":
        data["postings"][0]["amount"], data["postings"][1]["amount"] = "@@M1@@", "@@M0@@"
    elif "." in target:
        outer, inner = target.split(".", 1)
        data[outer][0][inner] = "@@M0@@"
    else:
        data[target] = "@@M0@@"
    return json.dumps(data).encode()


def hostile_bodies(route: WriteRoute, rng: random.Random) -> list[tuple[Mutation, bytes]]:
    """The route's fixed set: every field mutation at a sample of fields, the whole-body ones;
    the must-haves (amounts, depth, surrogates, NUL, numbers) first, then seeded fill-up."""
    candidates: list[tuple[Mutation, bytes]] = []
    amount_fields = [f for f in route.fields if f.endswith("amount")]
    for mutation in FIELD_MUTATIONS:
        targets = amount_fields if mutation.amounts_only else list(route.fields)
        for target in targets:
            text = _with_marks(route.template, target)
            text = text.replace(MARK0, mutation.fragment)
            text = text.replace(MARK1, mutation.negative or mutation.fragment)
            candidates.append((mutation, text))
    candidates += [(m, m.fragment) for m in WHOLE_BODIES]
    must = [
        c
        for c in candidates
        if c[0].amounts_only
        or any(w in c[0].name for w in ("deep", "surrogate", "NUL", "CR/LF", "2**70", "1e309"))
        or c[0].name == "NaN"
    ]
    rest = [c for c in candidates if c not in must]
    rng.shuffle(must)
    rng.shuffle(rest)
    chosen = (must + rest)[:HOSTILE_PER_ROUTE]
    field_level = [c for c in candidates if c[0] not in WHOLE_BODIES]
    while len(chosen) < HOSTILE_PER_ROUTE and field_level:
        # Fill up with seeded pairs: one poisoned field plus an unknown key holding another.
        mutation, text = rng.choice(field_level)
        other = rng.choice(FIELD_MUTATIONS)
        extra = b'{"x-extra": ' + other.fragment + b", " + text[1:]
        chosen.append(
            (
                Mutation(
                    f"{mutation.name} + {other.name}",
                    b"",
                    non_ascii_digits=mutation.non_ascii_digits,
                ),
                extra,
            )
        )
    return chosen


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


def hostile(client: httpx.Client, bank: Bank, rng: random.Random) -> Tally:
    tally = Tally("5 hostile bodies", "5xx")
    routes = write_routes(client, bank, rng)
    non_ascii_accepted: list[str] = []
    non_ascii_answers: Counter[str] = Counter()
    no_answer_where: list[str] = []
    big_413 = 0
    per_route: dict[str, dict[str, int]] = {}
    for route in routes:
        before = (tally.requests, tally.server_errors)
        for number, (mutation, template) in enumerate(hostile_bodies(route, rng)):
            headers = dict(route.headers)
            if route.key:
                headers["Idempotency-Key"] = f"h-{rng.getrandbits(64):x}"
            # Unique message/transfer ids so a well-formed body is not a mere replay.
            content = template.replace(
                b"MSG-HOSTILE", f"MSG-H{number}-{rng.getrandbits(24):x}".encode()
            )
            content = content.replace(
                b"hostile-journal", f"hj-{number}-{rng.getrandbits(24):x}".encode()
            )
            got = send(
                client,
                tally,
                "POST",
                route.base + route.path,
                headers=headers,
                content=content,
                own=route.own,
            )
            if got is None:
                no_answer_where.append(f"{route.label}: {mutation.name}")
            if mutation.non_ascii_digits:
                answered = got.status_code if got is not None else "none"
                non_ascii_answers[f"{route.label} {answered}"] += 1
            if got is not None and got.is_success and mutation.non_ascii_digits:
                non_ascii_accepted.append(f"{route.label}: {mutation.name} {got.status_code}")
            if got is not None and got.status_code >= 500:
                examples = tally.extra.setdefault("5xx_examples", [])
                if len(examples) < 6:
                    examples.append(
                        f"{route.label}: {mutation.name} -> {got.status_code} {got.text[:80]!r}"
                    )
        for path in route.hostile_paths:
            method = "GET" if path.count("/") == 3 else "POST"
            got = send(
                client,
                tally,
                method,
                route.base + path,
                headers=route.headers,
                content=None if method == "GET" else b"{}",
                own=route.own,
            )
            if got is None:
                no_answer_where.append(f"{route.label}: path {path}")
        big = b'{"remittance": "' + b"x" * BIG_BODY_BYTES + b'"}'
        got = send(
            client,
            tally,
            "POST",
            route.base + route.path,
            headers=route.headers,
            content=big,
            own=route.own,
            timeout_s=20.0,
        )
        if got is None:
            no_answer_where.append(f"{route.label}: 4 MiB body")
        big_413 += got is not None and got.status_code == 413
        per_route[route.label] = {
            "requests": tally.requests - before[0],
            "5xx": tally.server_errors - before[1],
        }
    large = large_journals(client, bank, rng, tally)
    tally.key_value = tally.server_errors
    tally.extra.update(
        {
            "non_ascii_amounts_accepted": len(non_ascii_accepted),
            "non_ascii_accepted_where": non_ascii_accepted[:8],
            "non_ascii_answers": dict(sorted(non_ascii_answers.items())),
            "big_body_413": big_413,
            "no_answer_where": no_answer_where[:8],
            "big_body_sent": len(routes),
            "per_route": per_route,
            "large_journals": large,
            "with_service_credential": bank.service_token is not None,
        }
    )
    return tally


def large_journals(client: httpx.Client, bank: Bank, rng: random.Random, tally: Tally) -> list[str]:
    """Balanced journals of 200, 1,000 and 5,000 one-cent legs: what each was answered."""
    answers = []
    for legs in (200, 1000, 5000):
        postings = [
            {
                "account_id": account(15 + i % 2),
                "amount": "-0.01" if i % 2 else "0.01",
                "currency": "PEN",
            }
            for i in range(legs)
        ]
        body = {"transfer_id": f"big-{legs}-{rng.getrandbits(24):x}", "postings": postings}
        headers = {**bank.inner_headers(), "Idempotency-Key": f"big-{rng.getrandbits(64):x}"}
        got = send(
            client,
            tally,
            "POST",
            f"{bank.core}/v1/journals",
            headers=headers,
            body=body,
            timeout_s=20.0,
        )
        answers.append(f"{legs} legs: {got.status_code if got is not None else 'no answer'}")
    return answers


# 6. deadline attack ---------------------------------------------------------------------------


def deadline_attack(client: httpx.Client, bank: Bank, rng: random.Random) -> Tally:
    tally = Tally("6 deadline attack", "B's failures")
    attacker, victim, payee = 5, 6, 7
    attacker_tokens, victim_tokens = login(client, bank, attacker), login(client, bank, victim)
    attacker_codes: Counter[str] = Counter()
    lock = threading.Lock()
    under_way, victim_done = threading.Event(), threading.Event()
    stop_at = time.monotonic() + ATTACK_S + 30.0
    prefix = f"{rng.getrandbits(32):x}"

    def attack(worker: int) -> None:
        with httpx.Client(timeout=TIMEOUT_S) as own_client:
            for number in range(ATTACK_MAX_REQUESTS // ATTACKERS):
                if victim_done.is_set() or time.monotonic() > stop_at:
                    return
                headers = {
                    **bearer(attacker_tokens),
                    "Idempotency-Key": f"atk-{prefix}-{worker}-{number}",
                    "X-Deadline": f"{time.time() + 0.003:.3f}",
                }
                body = transfer_body(attacker, payee, "0.01")
                try:
                    answer = own_client.post(
                        f"{bank.edge}/v1/transfers", json=body, headers=headers
                    )
                    code = str(answer.status_code)
                except httpx.HTTPError as exc:
                    code = type(exc).__name__
                with lock:
                    attacker_codes[code] += 1
                    if attacker_codes.total() >= ATTACK_HEAD_START:
                        under_way.set()

    threads = [threading.Thread(target=attack, args=(w,), daemon=True) for w in range(ATTACKERS)]
    for thread in threads:
        thread.start()
    under_way.wait(timeout=10.0)
    failures = 0
    victim_started = time.monotonic()
    try:
        for number in range(VICTIM_TRANSFERS):
            headers = {**bearer(victim_tokens), "Idempotency-Key": f"vic-{prefix}-{number}"}
            got = send(
                client,
                tally,
                "POST",
                f"{bank.edge}/v1/transfers",
                headers=headers,
                body=transfer_body(victim, payee),
                own=(customer(victim), account(victim)),
            )
            failures += got is None or got.status_code not in (201, 202)
            if time.monotonic() - victim_started > ATTACK_S * 10:
                break
            if time.monotonic() - victim_started < ATTACK_S:
                time.sleep(ATTACK_S / VICTIM_TRANSFERS)
    finally:
        victim_done.set()
        for thread in threads:
            thread.join(timeout=TIMEOUT_S + 1.0)
    tally.key_value = failures
    tally.extra["attacker_answers"] = dict(attacker_codes)
    return tally


# 7. password change ---------------------------------------------------------------------------


def password_change(client: httpx.Client, bank: Bank, _rng: random.Random) -> Tally:
    tally = Tally("7 password change", "old sessions worked")
    c = 8
    own = (customer(c), account(c))
    sessions = [login(client, bank, c) for _ in range(3)]
    changed = send(
        client,
        tally,
        "POST",
        f"{bank.edge}/v1/auth/password",
        headers=bearer(sessions[0]),
        body={"old_password": password(c), "new_password": "a-brand-new-passphrase-0008"},
        own=own,
    )
    tally.extra["change_answer"] = changed.status_code if changed is not None else None
    worked = 0
    for session in sessions[1:]:
        got = send(
            client,
            tally,
            "GET",
            f"{bank.edge}/v1/accounts/{account(c)}/balance",
            headers=bearer(session),
            own=own,
        )
        worked += got is not None and got.is_success
        got = send(
            client,
            tally,
            "POST",
            f"{bank.edge}/v1/auth/refresh",
            body={"refresh_token": session.get("refresh", "none")},
            own=own,
        )
        worked += got is not None and got.is_success
    tally.key_value = worked
    tally.extra["tried"] = 4
    return tally


# 8. lockout enumeration -----------------------------------------------------------------------


def lockout(client: httpx.Client, bank: Bank, _rng: random.Random) -> Tally:
    tally = Tally("8 lockout enumeration", "tell / locked")
    existing, unknown = customer(9), "CUST-0999"
    sequences: dict[str, list[int | str]] = {}
    for who in (existing, unknown):
        codes: list[int | str] = []
        for _ in range(LOGIN_TRIES):
            got = send(
                client,
                tally,
                "POST",
                f"{bank.edge}/v1/auth/login",
                body={"customer_id": who, "password": "wrong-password-guess"},
                own=(who,),
            )
            codes.append(got.status_code if got is not None else "none")
        sequences[who] = codes
    tell = int(sequences[existing] != sequences[unknown])
    right = {"customer_id": existing, "password": password(9)}
    got = send(client, tally, "POST", f"{bank.edge}/v1/auth/login", body=right, own=(existing,))
    at_once = got.status_code if got is not None else "none"
    after_wait: int | str = at_once
    if got is not None and got.status_code == 429:
        wait = min(float(got.headers.get("retry-after", "5") or 5), MAX_THROTTLE_WAIT_S)
        time.sleep(wait + 0.2)
        got = send(client, tally, "POST", f"{bank.edge}/v1/auth/login", body=right, own=(existing,))
        after_wait = got.status_code if got is not None else "none"
    locked = int(after_wait != 200)
    tally.key_value = f"{tell} / {locked}"
    tally.extra.update(
        {
            "tell": tell,
            "locked": locked,
            "existing_sequence": sequences[existing],
            "unknown_sequence": sequences[unknown],
            "right_password_at_once": at_once,
            "right_password_after_retry_after": after_wait,
        }
    )
    return tally


# after all ------------------------------------------------------------------------------------


def money_check(bank: Bank) -> dict[str, Any]:
    """Settle payments, export, run the export-only invariants; sum the core's balances."""
    admin = BankAdmin(bank.placement, bank.admin_token)
    pending = settle_payments(admin, timeout_s=20.0)
    exports = collect_exports(admin, bank.placement, bank.run_dir / "exports")
    sums: dict[str, Decimal] = {}
    core = exports.get(core_service(bank.placement.active_dc), {})
    for row in core.get("accounts", []) if isinstance(core, dict) else []:
        currency = str(row.get("currency", "?"))
        sums[currency] = sums.get(currency, Decimal(0)) + Decimal(str(row.get("booked", 0)))
    state, problem = bank_state(exports)
    invariants: dict[str, str] = {}
    if state is not None:
        for result in run_invariants(JUDGED, state, []):
            invariants[result.name] = (
                result.status if result.status == "ok" else f"{result.status}: {result.summary}"
            )
    return {
        "payments_pending": pending,
        "balance_sum": {c: str(s) for c, s in sorted(sums.items())},
        "balance_sum_zero": bool(sums) and all(s == 0 for s in sums.values()),
        "money_conserved": invariants.get("money_conserved", f"unknown: {problem}"),
        "invariants": invariants or problem,
    }


def log_tracebacks(run_dir: Path) -> dict[str, int]:
    found: dict[str, int] = {}
    for log in sorted((run_dir / "logs").glob("*.log")):
        with log.open(encoding="utf-8", errors="replace") as lines:
            count = sum(1 for line in lines if "Traceback" in line or "unhandled_error" in line)
        if count:
            found[log.stem] = count
    return found


Attack = Callable[[httpx.Client, Bank, random.Random], Tally]


def attacks() -> list[tuple[str, Attack]]:
    """In order; the edge's admin attack (which may revoke every session) goes last."""
    return [
        ("1 cross-customer", cross_customer),
        ("2 bad admin tokens", bad_admin_tokens),
        ("4 inner, no credential", inner_without_credential),
        ("5 hostile bodies", hostile),
        ("6 deadline attack", deadline_attack),
        ("7 password change", password_change),
        ("8 lockout enumeration", lockout),
        ("3 admin via edge", admin_through_edge),
    ]


def run(seed: int) -> tuple[list[Tally], dict[str, Any]]:
    runtime = LocalRuntime()
    tallies: list[Tally] = []
    after: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as folder:
        config = BankConfig(
            run_id=f"bench-hostile-{seed}", run_dir=Path(folder), customers=CUSTOMERS, seed=seed
        )
        try:
            placement = runtime.start(config)
            bank = Bank(
                placement, config.admin_token, getattr(config, "service_token", None), Path(folder)
            )
            rng = random.Random(seed)
            with httpx.Client(timeout=TIMEOUT_S) as client:
                for label, attack in attacks():
                    began = time.monotonic()
                    try:
                        tally = attack(client, bank, rng)
                    except Exception as exc:  # one broken category must not hide the others
                        tally = Tally(label, "not applicable", "n/a")
                        tally.extra["not_applicable"] = f"{type(exc).__name__}: {exc}"[:200]
                    tally.extra["seconds"] = round(time.monotonic() - began, 1)
                    tallies.append(tally)
                    print(f"{tally.name}: done in {tally.extra['seconds']} s", file=sys.stderr)
            after["crashed"] = [name for name in SERVICE_NAMES if not runtime.running(name)]
            after.update(money_check(bank))
        finally:
            after["teardown_problems"] = runtime.stop()
        after["log_tracebacks"] = log_tracebacks(Path(folder))
    return tallies, after


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    configure_logging("warning")
    started = time.monotonic()
    tallies, after = run(args.seed)
    tallies.sort(key=lambda t: t.name)  # category order (the edge's admin attack ran last)
    print(f"\n{'category':<24} {'requests':>8} {'5xx':>5} {'no ans':>6} {'leaks':>5}  key figure")
    for t in tallies:
        print(
            f"{t.name:<24} {t.requests:8d} {t.server_errors:5d} {t.no_answer:6d} {t.leaks:5d}"
            f"  {t.key_label} = {t.key_value}"
        )
    totals = (
        sum(t.requests for t in tallies),
        sum(t.server_errors for t in tallies),
        sum(t.no_answer for t in tallies),
        sum(t.leaks for t in tallies),
    )
    print(f"{'total':<24} {totals[0]:8d} {totals[1]:5d} {totals[2]:6d} {totals[3]:5d}")
    print("\ndetails:")
    for t in tallies:
        shown = {k: v for k, v in t.extra.items() if k != "seconds"}
        print(f"  {t.name}: statuses {dict(sorted(t.statuses.items()))} {shown}")
        for example in t.leak_examples:
            print(f"    leak: {example}")
    hostile_extra = next((t.extra for t in tallies if t.name.startswith("5 ")), {})
    print(
        f"\nafter all: crashed services {after.get('crashed')}, tracebacks in logs "
        f"{after.get('log_tracebacks')}, money conserved {after.get('money_conserved')}, "
        f"balance sums {after.get('balance_sum')} (zero per currency: "
        f"{after.get('balance_sum_zero')}), invariants {after.get('invariants')}, "
        f"payments pending {after.get('payments_pending')}"
    )
    figures = {
        "categories": {
            t.name: {
                "requests": t.requests,
                "5xx": t.server_errors,
                "no_answer": t.no_answer,
                "leaks": t.leaks,
                t.key_label: t.key_value,
                **{k: v for k, v in t.extra.items() if k not in ("per_route", "5xx_examples")},
            }
            for t in tallies
        },
        "totals": dict(zip(("requests", "5xx", "no_answer", "leaks"), totals, strict=True)),
        "non_ascii_amounts_accepted": hostile_extra.get("non_ascii_amounts_accepted"),
        "big_body_413": hostile_extra.get("big_body_413"),
        "after": after,
        "seconds": round(time.monotonic() - started, 1),
        "code": str(Path(harness.__file__).resolve().parents[1]),
    }
    print(json.dumps(figures, default=str, sort_keys=True))


if __name__ == "__main__":
    main()
