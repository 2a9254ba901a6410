"""Routes of the login journey: login, refresh, logout and password change (`/v1/auth/...`).

Answers follow docs/bank-api.md: 200 with a token pair; 401 `invalid_credentials` for a wrong
password and for an unknown customer id alike. After `login_max_failures` wrong passwords in a
row, by the profile's `login_throttle`:
- `delay` (hardened): 429 `login_throttled` + Retry-After (5 s, doubling with every further
  wrong password, at most 300 s) for that id as typed, known or not, so the answer never says
  who is a customer; the password is not checked while the wait lasts; never a lock.
- `lock` (fragile): 423 `account_locked` for `login_lock_s` (24 h), for real customers only.
A right password resets the count. 400 `password_too_short` below `password_min_length`.

A password change (204) with `password_change_ends_sessions` (hardened) ends every OTHER session
of the customer, access and refresh tokens alike, and keeps the one that made the change: as a
bank app's "sign out of every other device", whoever held a stolen token loses it while the
customer who proved the old password carries on (OWASP ASVS 3.3.3). Fragile keeps them all.

Shedding (503 + Retry-After) happens before these routes, in `shedding.py`.

This module must not call other services: logging in works while core-banking is down.
"""

from __future__ import annotations

import math

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field

from targets.inputs import ID_PATTERN
from targets.mobile_api.api import warm_balances
from targets.mobile_api.auth import LoginVerdict, PasswordChangeError
from targets.mobile_api.errors import ApiError
from targets.mobile_api.sessions import Session
from targets.mobile_api.state import State, TokenHolder, bearer_token, customer_request

router = APIRouter(prefix="/v1/auth", dependencies=[Depends(customer_request)])


MAX_SECRET_CHARS = 1024
"""Passwords and tokens: long enough for any passphrase, short enough to hash cheaply."""


class LoginBody(BaseModel):
    customer_id: str = Field(pattern=ID_PATTERN)
    password: str = Field(max_length=MAX_SECRET_CHARS)


class RefreshBody(BaseModel):
    refresh_token: str = Field(max_length=MAX_SECRET_CHARS)


class PasswordBody(BaseModel):
    old_password: str = Field(max_length=MAX_SECRET_CHARS)
    new_password: str = Field(max_length=MAX_SECRET_CHARS)


def _tokens(state: State, session: Session) -> dict[str, object]:
    return {
        "access_token": session.access_token,
        "refresh_token": session.refresh_token,
        "expires_in": int(state.sessions.access_ttl_s),
        "password_change_required": state.directory.must_change_password(session.customer_id),
    }


@router.post("/login")
async def login(body: LoginBody, state: State) -> dict[str, object]:
    """Check the password and answer a token pair."""
    counters = state.counters
    counters.attempts += 1
    verdict = state.directory.verify(body.customer_id, body.password)
    if verdict is LoginVerdict.THROTTLED:
        counters.throttled += 1
        wait_s = max(1, math.ceil(state.directory.wait_s(body.customer_id)))
        raise ApiError(
            429,
            "login_throttled",
            "too many wrong passwords; try again after Retry-After seconds",
            {"Retry-After": str(wait_s)},
        )
    if verdict is LoginVerdict.LOCKED:
        counters.locked += 1
        raise ApiError(423, "account_locked", "too many wrong passwords; the access is locked")
    if verdict is LoginVerdict.WRONG:
        counters.wrong_password += 1
        if state.directory.is_locked(body.customer_id):
            counters.lockouts += 1
        if state.directory.wait_s(body.customer_id) > 0:
            counters.throttles += 1
        raise ApiError(401, "invalid_credentials", "customer id or password is wrong")
    counters.succeeded += 1
    if state.profile.balance_cache:
        state.spawn(warm_balances(state, body.customer_id))
    return _tokens(state, state.sessions.issue(body.customer_id))


@router.post("/refresh")
async def refresh(body: RefreshBody, state: State) -> dict[str, object]:
    """Rotate a refresh token into a new token pair."""
    session = state.sessions.refresh(body.refresh_token)
    if session is None:
        raise ApiError(401, "invalid_token", "the refresh token is expired or revoked")
    state.counters.refreshes += 1
    return _tokens(state, session)


@router.post("/logout", status_code=204)
async def logout(state: State, token: str = Depends(bearer_token)) -> Response:
    """End the session of the presented access token (204 even when it had already ended)."""
    state.sessions.logout(token)
    return Response(status_code=204)


@router.post("/password", status_code=204)
async def change_password(
    body: PasswordBody,
    state: State,
    customer_id: TokenHolder,
    token: str = Depends(bearer_token),
) -> Response:
    """Set a new password (allowed, and required, after a forced reset); with
    `password_change_ends_sessions`, end the customer's other sessions."""
    try:
        state.directory.change_password(customer_id, body.old_password, body.new_password)
    except PasswordChangeError as exc:
        state.counters.password_rejected += 1
        status = 403 if exc.code == "wrong_password" else 400
        raise ApiError(status, exc.code, exc.detail) from None
    state.counters.password_changes += 1
    if state.profile.password_change_ends_sessions:
        ended = state.sessions.end_others(customer_id, keep_access_token=token)
        state.counters.sessions_ended_by_password_change += ended
    return Response(status_code=204)
