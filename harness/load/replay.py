"""Old tokens replayed: does the bank still take a session it should have ended?

Once per customer per run, when the customer changes its password (by choice, journey
`password_change`, or forced at login after a reset), it first signs in on a second device
(sample journey `second_device`: a login with the current password) and keeps that session's
tokens. After the change succeeded it replays them, as a stale tablet or a thief holding them
would: `GET /v1/me/accounts` with the old access token, then `POST /v1/auth/refresh` with the
old refresh token (in that order: a refresh that works rotates the pair). When the change was
forced, the customer also replays the pair the bank revoked (the session whose request was
answered 401 before the forced login), if it kept one. Each replay is one sample of journey
`old_token` (invariant `old_tokens_refused`): outcome `ok` when the bank refused it (401),
`failed` when it took it (2xx: the old session still works), `unknown` for any other answer
(shedding, a timeout, core-banking down: nothing said about the token).

Neither `second_device` nor `old_token` is a banking journey: no SLO, impact or call counts them.
This module must not decide when a customer changes its password (people.py does); it imports
nothing of locust itself, but is called only from the runner child.
"""

from __future__ import annotations

from dataclasses import replace

from harness.load.crowd import TokenPair
from harness.load.customer import Customer
from harness.load.outcome import Answer, Verdict, classify
from harness.load.pacing import Intent
from harness.load.responses import read_answer

REPLAY_JOURNEY = "old_token"
SECOND_DEVICE_JOURNEY = "second_device"


def replay_verdict(answer: Answer) -> Verdict:
    """ok: refused (401); failed: accepted (2xx); unknown: anything else."""
    if answer.error is None and answer.status == 401:
        return Verdict("ok", "old_token_refused")
    if answer.error is None and 200 <= answer.status < 300:
        return Verdict("failed", "old_token_accepted")
    return Verdict("unknown", classify(REPLAY_JOURNEY, answer).detail)


def _request(
    customer: Customer, method: str, path: str, token: str | None, body: object = None
) -> Answer:
    """A request with the given token (not the customer's current session)."""
    headers = {"X-Device-Id": f"app-{customer.customer}"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    response = customer.client.request(method, path, name=path, json=body, headers=headers)
    return read_answer(response)


def open_second_device(customer: Customer, intent: Intent) -> TokenPair | None:
    """Before a password change: sign in on a second device, once per customer per run.
    None when this customer already had its replay, or the sign-in did not work."""
    ctx = customer.load_context
    if not ctx.config.old_token_replay or customer.number in ctx.old_token_replays:
        return None
    ctx.old_token_replays.add(customer.number)
    body = {"customer_id": customer.customer, "password": customer._password()}
    answer = _request(customer, "POST", "/v1/auth/login", None, body)
    ctx.sink.add(customer._sample(intent, SECOND_DEVICE_JOURNEY, answer))
    tokens = answer.body or {}
    access, refresh = tokens.get("access_token"), tokens.get("refresh_token")
    if not 200 <= answer.status < 300 or not isinstance(access, str):
        return None
    return TokenPair(access, refresh if isinstance(refresh, str) else None)


def replay_old_tokens(
    customer: Customer,
    intent: Intent,
    second_device: TokenPair,
    revoked: TokenPair | None = None,
) -> None:
    """After a password change succeeded: replay each kept pair, one sample per request, its
    detail naming the request and whose tokens (`revoked_session` or `second_device`)."""
    for held_by, pair in (("revoked_session", revoked), ("second_device", second_device)):
        if pair is None:
            continue
        answer = _request(customer, "GET", "/v1/me/accounts", pair.access_token)
        _record(customer, intent, f"GET /v1/me/accounts {held_by}", answer)
        if pair.refresh_token is not None:
            body = {"refresh_token": pair.refresh_token}
            answer = _request(customer, "POST", "/v1/auth/refresh", None, body)
            _record(customer, intent, f"POST /v1/auth/refresh {held_by}", answer)


def _record(customer: Customer, intent: Intent, request: str, answer: Answer) -> None:
    verdict = replay_verdict(answer)
    sample = customer._sample(intent, REPLAY_JOURNEY, answer)
    detail = f"{verdict.detail} {request}"
    customer.load_context.sink.add(replace(sample, outcome=verdict.outcome, detail=detail))
