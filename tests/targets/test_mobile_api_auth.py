"""Unit tests for the mobile API's credentials, lockout, password policy and sessions."""

from __future__ import annotations

import pytest

from targets.mobile_api.auth import (
    LOCKOUT_S,
    Directory,
    LoginVerdict,
    PasswordChangeError,
    seeded_customer_ids,
    seeded_password,
)
from targets.mobile_api.sessions import SessionStore


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now_s = 1_000_000.0

    def __call__(self) -> float:
        return self.now_s


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def directory(clock: Clock) -> Directory:
    d = Directory(max_failures=3, min_password_length=12, clock=clock)
    for customer in seeded_customer_ids(2):
        d.enrol(customer, seeded_password(customer))
    return d


def test_seeded_ids_and_passwords_follow_the_contract() -> None:
    """Seeded customers are CUST-0001.. with `<id lower>-correct-horse` passwords."""
    assert seeded_customer_ids(3) == ["CUST-0001", "CUST-0002", "CUST-0003"]
    assert seeded_password("CUST-0001") == "cust-0001-correct-horse"


def test_right_password_passes_and_wrong_one_fails(directory: Directory) -> None:
    """The seeded password logs in; another password or an unknown customer does not."""
    assert directory.verify("CUST-0001", "cust-0001-correct-horse") is LoginVerdict.OK
    assert directory.verify("CUST-0001", "cust-0002-correct-horse") is LoginVerdict.WRONG
    assert directory.verify("CUST-9999", "cust-9999-correct-horse") is LoginVerdict.WRONG


def test_lockout_after_max_failures_even_with_the_right_password(
    directory: Directory, clock: Clock
) -> None:
    """Three wrong passwords lock the customer for 24 h; then the lock lifts by itself."""
    for _ in range(3):
        assert directory.verify("CUST-0001", "nope") is LoginVerdict.WRONG
    assert directory.verify("CUST-0001", "cust-0001-correct-horse") is LoginVerdict.LOCKED
    assert directory.verify("CUST-0002", "cust-0002-correct-horse") is LoginVerdict.OK
    clock.now_s += LOCKOUT_S + 1
    assert directory.verify("CUST-0001", "cust-0001-correct-horse") is LoginVerdict.OK


def test_success_resets_the_failure_count(directory: Directory) -> None:
    """Failures must be in a row: a good login in between starts the count again."""
    for _ in range(2):
        directory.verify("CUST-0001", "nope")
    assert directory.verify("CUST-0001", "cust-0001-correct-horse") is LoginVerdict.OK
    for _ in range(2):
        directory.verify("CUST-0001", "nope")
    assert not directory.is_locked("CUST-0001")


def test_password_change_enforces_the_minimum_length(directory: Directory) -> None:
    """A new password below the minimum is refused with password_too_short."""
    with pytest.raises(PasswordChangeError) as refused:
        directory.change_password("CUST-0001", "cust-0001-correct-horse", "short-pass1")
    assert refused.value.code == "password_too_short"
    directory.change_password("CUST-0001", "cust-0001-correct-horse", "a-much-longer-secret")
    assert directory.verify("CUST-0001", "cust-0001-correct-horse") is LoginVerdict.WRONG
    assert directory.verify("CUST-0001", "a-much-longer-secret") is LoginVerdict.OK


def test_password_change_needs_the_old_password(directory: Directory) -> None:
    """A wrong current password refuses the change."""
    with pytest.raises(PasswordChangeError) as refused:
        directory.change_password("CUST-0001", "guess", "a-much-longer-secret")
    assert refused.value.code == "wrong_password"


def test_forced_change_is_cleared_by_a_change(directory: Directory) -> None:
    """After a forced reset every customer must change; changing clears it for that one only."""
    directory.require_change_for_all()
    directory.change_password("CUST-0001", "cust-0001-correct-horse", "a-much-longer-secret")
    assert not directory.must_change_password("CUST-0001")
    assert directory.must_change_password("CUST-0002")


def test_hashes_are_salted_per_customer(directory: Directory) -> None:
    """The same password enrolled twice is stored under different salts and digests."""
    directory.enrol("CUST-0003", "same-password-here")
    directory.enrol("CUST-0004", "same-password-here")
    first, second = (directory._credentials[c] for c in ("CUST-0003", "CUST-0004"))
    assert first.salt != second.salt
    assert first.digest != second.digest


def test_tokens_expire_and_refresh_rotates(clock: Clock) -> None:
    """Access tokens die at their TTL; a refresh gives a new pair and kills the old refresh."""
    store = SessionStore(access_ttl_s=300, clock=clock)
    session = store.issue("CUST-0001")
    assert store.authenticate(session.access_token) == "CUST-0001"
    clock.now_s += 301
    assert store.authenticate(session.access_token) is None
    renewed = store.refresh(session.refresh_token)
    assert renewed is not None
    assert store.authenticate(renewed.access_token) == "CUST-0001"
    assert store.refresh(session.refresh_token) is None


def test_revoke_all_kills_access_and_refresh_tokens(clock: Clock) -> None:
    """After a global revoke no old access or refresh token is accepted (I10)."""
    store = SessionStore(access_ttl_s=300, clock=clock)
    sessions = [store.issue(f"CUST-000{i}") for i in range(1, 4)]
    assert store.revoke_all() == 3
    assert all(store.authenticate(s.access_token) is None for s in sessions)
    assert all(store.refresh(s.refresh_token) is None for s in sessions)
    assert store.live_counts() == (0, 0)


def test_logout_ends_only_that_pair(clock: Clock) -> None:
    """Logout ends the presented session and leaves the customer's other sessions alive."""
    store = SessionStore(access_ttl_s=300, clock=clock)
    first, second = store.issue("CUST-0001"), store.issue("CUST-0001")
    assert store.logout(first.access_token)
    assert store.authenticate(first.access_token) is None
    assert store.refresh(first.refresh_token) is None
    assert store.authenticate(second.access_token) == "CUST-0001"
