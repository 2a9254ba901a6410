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
from targets.mobile_api.throttle import FIRST_DELAY_S, MAX_DELAY_S, MAX_TRACKED_IDS, LoginThrottle


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


@pytest.fixture
def delaying(clock: Clock) -> Directory:
    """The hardened directory: a growing wait after too many failures, never a lock."""
    d = Directory(max_failures=3, min_password_length=12, clock=clock, on_failures="delay")
    for customer in seeded_customer_ids(2):
        d.enrol(customer, seeded_password(customer))
    return d


def attempts(
    directory: Directory, customer_id: str, password: str, n: int
) -> list[tuple[LoginVerdict, float]]:
    """The verdict and the wait after each of `n` attempts in a row."""
    return [
        (directory.verify(customer_id, password), directory.wait_s(customer_id)) for _ in range(n)
    ]


def test_delay_answers_a_real_and_an_unknown_id_alike(delaying: Directory, clock: Clock) -> None:
    """Through and past the threshold, an existing and an unknown id get the same verdicts and
    waits, and neither is ever LOCKED."""
    for round_ in range(4):
        real = attempts(delaying, "CUST-0001", "nope", 4)
        unknown = attempts(delaying, "CUST-9999", "nope", 4)
        assert real == unknown, round_
        assert LoginVerdict.THROTTLED in {verdict for verdict, _ in real}
        assert LoginVerdict.LOCKED not in {verdict for verdict, _ in real}
        clock.now_s += MAX_DELAY_S
    assert not delaying.is_locked("CUST-0001")


def test_delay_grows_doubling_to_a_cap_and_a_right_password_resets_it(
    delaying: Directory, clock: Clock
) -> None:
    """Wrong passwords 1-2: no wait; 3rd: FIRST_DELAY_S; then doubling, capped at MAX_DELAY_S.
    While the wait lasts even the right password is THROTTLED (and not counted); once it is
    over the right password logs in and the count starts again."""
    waits = []
    for _ in range(10):
        assert delaying.verify("CUST-0001", "nope") is LoginVerdict.WRONG
        waits.append(delaying.wait_s("CUST-0001"))
        if waits[-1]:
            right = delaying.verify("CUST-0001", "cust-0001-correct-horse")
            assert right is LoginVerdict.THROTTLED
            assert delaying.wait_s("CUST-0001") == waits[-1]
        clock.now_s += waits[-1]
    first = FIRST_DELAY_S
    assert (
        waits
        == [0, 0, first, 2 * first, 4 * first, 8 * first, 16 * first, 32 * first]
        + [MAX_DELAY_S] * 2
    )
    assert delaying.verify("CUST-0001", "cust-0001-correct-horse") is LoginVerdict.OK
    assert attempts(delaying, "CUST-0001", "nope", 2)[-1] == (LoginVerdict.WRONG, 0.0)


def test_throttle_forgets_idle_ids_past_its_bound(clock: Clock) -> None:
    """Ids sprayed once and long idle are forgotten past MAX_TRACKED_IDS; fresh ones are kept."""
    throttle = LoginThrottle(max_failures=3, clock=clock)
    for i in range(MAX_TRACKED_IDS):
        throttle.failed(f"SPRAY-{i}")
    clock.now_s += MAX_DELAY_S + 1
    throttle.failed("CUST-0001")
    assert throttle.tracked() == 1


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


def test_end_others_keeps_only_the_presented_pair(clock: Clock) -> None:
    """A password change's revoke: every other pair of that customer dies, access and refresh
    (rotated ones too); the presented pair and other customers' sessions live on."""
    store = SessionStore(access_ttl_s=300, clock=clock)
    current, other = store.issue("CUST-0001"), store.issue("CUST-0001")
    rotated = store.refresh(store.issue("CUST-0001").refresh_token)
    neighbour = store.issue("CUST-0002")
    assert rotated is not None
    assert store.end_others("CUST-0001", keep_access_token=current.access_token) == 2
    for gone in (other, rotated):
        assert store.authenticate(gone.access_token) is None
        assert store.refresh(gone.refresh_token) is None
    assert store.authenticate(current.access_token) == "CUST-0001"
    assert store.authenticate(neighbour.access_token) == "CUST-0002"
    assert store.refresh(current.refresh_token) is not None
