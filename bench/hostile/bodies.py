"""Hostile bodies at every write route: seeded mutations (lone surrogates, deep JSON, control
characters in ids, huge and non-finite numbers, non-ASCII digits), 4 MiB bodies, large journals."""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from .common import (
    BIG_BODY_BYTES,
    DEEP,
    HOSTILE_PER_ROUTE,
    MARK0,
    MARK1,
    Bank,
    Tally,
    account,
    send,
)
from .routes import WriteRoute, write_routes

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
