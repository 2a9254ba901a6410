"""Integration tests: what a password change does to old sessions, and what repeated wrong
passwords get, over real HTTP on loopback, hardened against fragile.

The mobile API is built in-process (`build_app`, the profile as `--set` would make it) and
served by uvicorn on a loopback socket in a thread; its core-banking and payments are addresses
nobody listens on, so a call that gets past the token check answers 503 from the upstream, and
one that does not answers 401. Nothing here needs either upstream to be up.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from targets.mobile_api.app import EdgeConfig, build_app
from targets.profiles import load_profile

pytestmark = pytest.mark.integration

START_TIMEOUT_S = 20.0
TRANSFER = {"from_account": "ACC-0001", "creditor_account": "ACC-0002", "amount": "1.00"}


def dead_url() -> str:
    """A loopback address nobody listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@contextlib.contextmanager
def mobile_api(profile: str, **knobs: str) -> Iterator[httpx.Client]:
    """A mobile API for `profile` (knobs overridden as `--set` does) on a loopback port."""
    dead = dead_url()
    config = EdgeConfig(core_url=dead, payments_url=dead, customers=3)
    app = build_app(config, load_profile(profile, knobs))
    sock = socket.create_server(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "mobile API did not start"
        time.sleep(0.01)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    try:
        with httpx.Client(base_url=url, timeout=10, trust_env=False) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def login(client: httpx.Client, customer: str, password: str | None = None) -> httpx.Response:
    body = {"customer_id": customer, "password": password or f"{customer.lower()}-correct-horse"}
    return client.post("/v1/auth/login", json=body)


def tokens(client: httpx.Client, customer: str) -> dict[str, str]:
    answer = login(client, customer)
    assert answer.status_code == 200, answer.text
    return {k: answer.json()[k] for k in ("access_token", "refresh_token")}


def bearer(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}"}


def uses(client: httpx.Client, access_token: str) -> tuple[int, int]:
    """Statuses of a balance read and a transfer made with `access_token`."""
    auth = bearer(access_token)
    balance = client.get("/v1/accounts/ACC-0001/balance", headers=auth)
    key = {**auth, "Idempotency-Key": f"pw-{access_token[:8]}"}
    transfer = client.post("/v1/transfers", headers=key, json=TRANSFER)
    return balance.status_code, transfer.status_code


@pytest.mark.parametrize("profile", ["hardened", "fragile"])
def test_password_change_ends_every_other_session_only_when_hardened(profile: str) -> None:
    """Hardened: after a password change the customer's other access and refresh tokens are
    refused (401 on a balance and a transfer); the session that changed it carries on, and
    other customers are untouched. Fragile: every old token still works (the finding)."""
    with mobile_api(profile) as client:
        current, *old = (tokens(client, "CUST-0001") for _ in range(4))
        neighbour = tokens(client, "CUST-0002")
        changed = client.post(
            "/v1/auth/password",
            headers=bearer(current["access_token"]),
            json={"old_password": "cust-0001-correct-horse", "new_password": "a-new-long-secret"},
        )
        assert changed.status_code == 204, changed.text

        past_the_door = {503}  # the upstreams are down: the token itself was accepted
        for pair in old:
            answers = uses(client, pair["access_token"])
            refreshed = client.post(
                "/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}
            )
            if profile == "hardened":
                assert answers == (401, 401)
                assert refreshed.status_code == 401
                assert refreshed.json()["error"] == "invalid_token"
            else:
                assert set(answers) <= past_the_door, answers
                assert refreshed.status_code == 200
        assert set(uses(client, current["access_token"])) <= past_the_door
        assert set(uses(client, neighbour["access_token"])) <= past_the_door
        again = client.post("/v1/auth/refresh", json={"refresh_token": current["refresh_token"]})
        assert again.status_code == 200


def answer_of(response: httpx.Response) -> tuple[int, object, bool]:
    """What a caller can read from a login answer: status, body, whether it says to wait."""
    return response.status_code, response.json(), "Retry-After" in response.headers


def test_hardened_throttle_answers_existing_and_unknown_ids_alike_and_never_locks() -> None:
    """Wrong passwords for a customer and for an id that banks nowhere, attempt by attempt:
    the same status, body and Retry-After through the threshold (401) and past it (429
    `login_throttled`), even when the customer then types the right password. Never a 423."""
    with mobile_api("hardened") as client:
        seen = []
        for attempt in range(6):
            real = login(client, "CUST-0002", "wrong-guess")
            unknown = login(client, "CUST-0404", "wrong-guess")
            assert answer_of(real) == answer_of(unknown), attempt
            seen.append(answer_of(real))
        real = login(client, "CUST-0002")
        unknown = login(client, "CUST-0404", "cust-0404-correct-horse")
        assert answer_of(real) == answer_of(unknown)
        seen.append(answer_of(real))

        invalid = {"error": "invalid_credentials", "detail": "customer id or password is wrong"}
        assert seen[:3] == [(401, invalid, False)] * 3
        for status, body, waits in seen[3:]:
            assert (status, waits) == (429, True)
            assert isinstance(body, dict) and body["error"] == "login_throttled"
        for response in (real, unknown):
            assert 1 <= int(response.headers["Retry-After"]) <= 5
        assert tokens(client, "CUST-0001")  # another customer is untouched


def test_fragile_lock_still_locks_the_customer_for_a_day() -> None:
    """Fragile keeps today's policy: the attempt after three wrong passwords is 423
    `account_locked` even with the right password, while an unknown id only ever gets 401."""
    with mobile_api("fragile") as client:
        for _ in range(3):
            assert login(client, "CUST-0002", "wrong-guess").status_code == 401
            assert login(client, "CUST-0404", "wrong-guess").status_code == 401
        locked = login(client, "CUST-0002")
        assert locked.status_code == 423 and locked.json()["error"] == "account_locked"
        assert login(client, "CUST-0404", "wrong-guess").status_code == 401
