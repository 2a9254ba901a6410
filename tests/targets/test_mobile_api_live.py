"""Integration tests: the mobile API as a real process against a real core-banking process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.credentials import ADMIN, TOKEN_ENV

pytestmark = pytest.mark.integration

START_TIMEOUT_S = 20.0
LEAK_MARKERS = ("127.0.0.1", "localhost", "Traceback", 'File "', "CUST-0002", "ACC-0002")


@dataclass
class Service:
    """One service process started by a test."""

    popen: subprocess.Popen[bytes]
    url: str
    port: int

    def freeze(self) -> None:
        os.kill(self.popen.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.popen.pid, signal.SIGCONT)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(module: str, args: list[str], log: Path, ready_path: str = "/health/ready") -> Service:
    """Start `python -m module` on a free loopback port and wait until it is ready."""
    port = free_port()
    with log.open("wb") as out:
        popen = subprocess.Popen(
            [sys.executable, "-m", module, "--host", "127.0.0.1", "--port", str(port), *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **TOKEN_ENV},
        )
    service = Service(popen, f"http://127.0.0.1:{port}", port)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if popen.poll() is not None:
            raise RuntimeError(f"{module} exited early: {log.read_text()[-2000:]}")
        try:
            if httpx.get(service.url + ready_path, timeout=1.0).status_code == 200:
                return service
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    stop(service)
    raise RuntimeError(f"{module} not ready within {START_TIMEOUT_S} s")


def stop(service: Service) -> None:
    """Stop a started process by its PID (thawed first in case a test froze it)."""
    if service.popen.poll() is None:
        service.thaw()
        service.popen.terminate()
        try:
            service.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            service.popen.kill()
            service.popen.wait(timeout=5)


def start_core(tmp: Path, customers: int = 3) -> Service:
    core = start("targets.core_banking", ["--db", str(tmp / "core.db")], tmp / "core.log")
    body = {"customers": customers, "balance": "1000.00", "currency": "PEN"}
    httpx.post(core.url + "/admin/seed", json=body, headers=ADMIN, timeout=5).raise_for_status()
    return core


def start_mobile(tmp: Path, profile: str, core_url: str, payments_url: str) -> Service:
    args = [
        "--profile",
        profile,
        "--customers",
        "3",
        "--core-url",
        core_url,
        "--payments-url",
        payments_url,
    ]
    return start("targets.mobile_api", args, tmp / f"mobile-{profile}.log")


def unused_url() -> str:
    return f"http://127.0.0.1:{free_port()}"


def login(mobile: Service, customer: str, password: str | None = None) -> httpx.Response:
    body = {"customer_id": customer, "password": password or f"{customer.lower()}-correct-horse"}
    return httpx.post(mobile.url + "/v1/auth/login", json=body, timeout=5)


def bearer(mobile: Service, customer: str) -> dict[str, str]:
    answer = login(mobile, customer)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    service = start_core(tmp_path_factory.mktemp("core"))
    try:
        yield service
    finally:
        stop(service)


@pytest.fixture
def mobile(core: Service, tmp_path: Path) -> Iterator[Service]:
    service = start_mobile(tmp_path, "hardened", core.url, unused_url())
    try:
        yield service
    finally:
        stop(service)


@pytest.fixture(scope="module")
def shared_mobile(core: Service, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """A hardened mobile API for tests that change no shared state (no revoke, no lockout)."""
    service = start_mobile(tmp_path_factory.mktemp("mobile"), "hardened", core.url, unused_url())
    try:
        yield service
    finally:
        stop(service)


def test_login_lockout_refresh_revoke_and_forced_change(mobile: Service) -> None:
    """The whole credential lifecycle of I10 over real HTTP."""
    assert login(mobile, "CUST-0001", "wrong").status_code == 401
    for _ in range(2):
        assert login(mobile, "CUST-0003", "wrong").status_code == 401
    assert login(mobile, "CUST-0003", "wrong").status_code == 401
    throttled = login(mobile, "CUST-0003")  # hardened: a growing wait, never a 24 h lock
    assert throttled.status_code == 429 and throttled.json()["error"] == "login_throttled"
    assert int(throttled.headers["Retry-After"]) >= 1

    tokens = login(mobile, "CUST-0001").json()
    assert tokens["expires_in"] == 300 and tokens["password_change_required"] is False
    renewed = httpx.post(
        mobile.url + "/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}, timeout=5
    ).json()
    again = httpx.post(
        mobile.url + "/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}, timeout=5
    )
    assert again.status_code == 401

    revoke = httpx.post(
        mobile.url + "/admin/sessions/revoke-all",
        json={"force_password_change": True},
        headers=ADMIN,
        timeout=5,
    )
    assert revoke.json()["revoked_sessions"] >= 1
    for token in (tokens["access_token"], renewed["access_token"]):
        old = httpx.get(
            mobile.url + "/v1/me/accounts", headers={"Authorization": f"Bearer {token}"}, timeout=5
        )
        assert old.status_code == 401
    stale_refresh = httpx.post(
        mobile.url + "/v1/auth/refresh", json={"refresh_token": renewed["refresh_token"]}, timeout=5
    )
    assert stale_refresh.status_code == 401

    fresh = login(mobile, "CUST-0001").json()
    assert fresh["password_change_required"] is True
    auth = {"Authorization": f"Bearer {fresh['access_token']}"}
    blocked = httpx.get(mobile.url + "/v1/me/accounts", headers=auth, timeout=5)
    assert blocked.status_code == 403 and blocked.json()["error"] == "password_change_required"
    old_password = "cust-0001-correct-horse"
    short = httpx.post(
        mobile.url + "/v1/auth/password",
        headers=auth,
        timeout=5,
        json={"old_password": old_password, "new_password": "short-123"},
    )
    assert short.status_code == 400 and short.json()["error"] == "password_too_short"
    changed = httpx.post(
        mobile.url + "/v1/auth/password",
        headers=auth,
        timeout=5,
        json={"old_password": old_password, "new_password": "twelve-chars-ok"},
    )
    assert changed.status_code == 204
    assert httpx.get(mobile.url + "/v1/me/accounts", headers=auth, timeout=5).status_code == 200
    logins = httpx.get(mobile.url + "/admin/export", headers=ADMIN, timeout=5).json()["logins"]
    assert logins["throttles"] == 1 and logins["lockouts"] == 0
    assert logins["password_changes"] == 1
    assert logins["revocations"] == 1


def test_live_balance_and_tenant_isolation(shared_mobile: Service) -> None:
    """Own account: live balance; anyone else's (or none) is the same 403 with nothing leaked."""
    mobile = shared_mobile
    auth = bearer(mobile, "CUST-0001")
    accounts = httpx.get(mobile.url + "/v1/me/accounts", headers=auth, timeout=5).json()
    assert accounts == {"accounts": [{"account_id": "ACC-0001", "currency": "PEN"}]}
    live = httpx.get(mobile.url + "/v1/accounts/ACC-0001/balance", headers=auth, timeout=5)
    assert live.status_code == 200
    assert live.json()["booked"] == "1000.00" and live.json()["mode"] == "live"
    assert live.json()["stale"] is False
    moves = httpx.get(mobile.url + "/v1/accounts/ACC-0001/movements", headers=auth, timeout=5)
    assert moves.json()["movements"][0]["amount"] == "1000.00"
    answers = [
        httpx.get(mobile.url + "/v1/accounts/ACC-0002/balance", headers=auth, timeout=5),
        httpx.get(mobile.url + "/v1/accounts/ACC-9999/balance", headers=auth, timeout=5),
        httpx.get(mobile.url + "/v1/accounts/ACC-0002/movements", headers=auth, timeout=5),
        httpx.post(
            mobile.url + "/v1/transfers",
            headers={**auth, "Idempotency-Key": "k-1"},
            json={"from_account": "ACC-0002", "creditor_account": "ACC-0001", "amount": "1.00"},
            timeout=5,
        ),
    ]
    assert {a.status_code for a in answers} == {403}
    assert len({a.text for a in answers}) == 1
    assert "ACC-0002" not in answers[0].text and "1000.00" not in answers[0].text
    unauthenticated = httpx.get(mobile.url + "/v1/accounts/ACC-0001/balance", timeout=5)
    assert unauthenticated.status_code == 401


def test_transfer_needs_an_idempotency_key(shared_mobile: Service) -> None:
    """A transfer without Idempotency-Key is refused with 400 before anything is sent."""
    mobile = shared_mobile
    auth = bearer(mobile, "CUST-0002")
    body = {"from_account": "ACC-0002", "creditor_account": "ACC-0001", "amount": "1.00"}
    answer = httpx.post(mobile.url + "/v1/transfers", headers=auth, json=body, timeout=5)
    assert answer.status_code == 400 and answer.json()["error"] == "idempotency_key_required"


@pytest.mark.parametrize("profile", ["hardened", "fragile"])
def test_error_answers_leak_nothing_when_dependencies_are_down(
    core: Service, tmp_path: Path, profile: str
) -> None:
    """With core and payments unreachable, no answer carries an address, a trace or others' data."""
    dead = unused_url()
    mobile = start_mobile(tmp_path, profile, dead, dead)
    try:
        auth = bearer(mobile, "CUST-0001")
        key = {**auth, "Idempotency-Key": "leak-1"}
        transfer = {"from_account": "ACC-0001", "creditor_account": "ACC-0002", "amount": "1.00"}
        answers = [
            httpx.get(mobile.url + "/v1/me/accounts", headers=auth, timeout=5),
            httpx.get(mobile.url + "/v1/accounts/ACC-0001/balance", headers=auth, timeout=5),
            httpx.get(mobile.url + "/v1/accounts/ACC-0002/movements", headers=auth, timeout=5),
            httpx.post(mobile.url + "/v1/transfers", headers=key, json=transfer, timeout=5),
            httpx.get(mobile.url + "/v1/transfers/PAY-1", headers=auth, timeout=5),
            httpx.post(mobile.url + "/v1/transfers", headers=key, content=b"{not json", timeout=5),
            login(mobile, "CUST-0002", "wrong"),
        ]
        assert all(a.status_code >= 400 for a in answers)
        for answer in answers:
            assert set(answer.json()) == {"error", "detail"}, answer.text
            for marker in (*LEAK_MARKERS, str(core.port), dead.rsplit(":", 1)[1]):
                assert marker not in answer.text, (marker, answer.text)
        down = answers[1]
        assert down.status_code == 503 and down.headers["Retry-After"] == "2"
    finally:
        stop(mobile)
