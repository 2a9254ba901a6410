"""Customers' credentials: salted password hashes, what repeated failures do, the password policy.

Hashing is PBKDF2-HMAC-SHA256 with a random 16-byte salt per customer and `PBKDF2_ITERATIONS`
rounds. The count is deliberately low (about half a millisecond per login on a laptop core) so
that a login storm measures the service under test, not the hash; a real bank would use far more.
An unknown customer id costs the same hash (against a decoy salt), so timing does not tell who
exists.

Repeated wrong passwords, by the profile's `login_throttle`:
- `lock` (fragile; Interbank's published policy): after `max_failures` wrong passwords in a row
  the customer is locked for `lock_s` (24 h): every login answers LOCKED, even with the right
  password, until it lapses or an agent unlocks. Only real customers lock, so the answer tells
  who banks here, and anyone can lock anyone out for a day.
- `delay` (hardened): a `LoginThrottle` (see `throttle.py`) per customer id as typed, known or
  not: past `max_failures` the id must wait a growing, capped time (THROTTLED while it waits,
  the password not even checked); never a lock. Known and unknown ids take the same path.
A successful login resets the count in both.

This module keeps no tokens (see `sessions.py`) and does no I/O; the clock is passed in.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from targets.mobile_api.throttle import LoginThrottle

PBKDF2_ITERATIONS = 1_000
LOCKOUT_S = 24 * 3600.0
SALT_BYTES = 16


def seeded_customer_ids(customers: int) -> list[str]:
    """Ids of the customers seeded at start: CUST-0001 … CUST-NNNN (same ids as core-banking)."""
    return [f"CUST-{i:04d}" for i in range(1, customers + 1)]


def seeded_password(customer_id: str) -> str:
    """The documented password of a seeded customer: `<id lower-cased>-correct-horse`."""
    return f"{customer_id.lower()}-correct-horse"


def hash_password(password: str, salt: bytes) -> bytes:
    """PBKDF2-HMAC-SHA256 of `password` with `salt`."""
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, PBKDF2_ITERATIONS)


class LoginVerdict(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"
    THROTTLED = "throttled"


class PasswordChangeError(Exception):
    """A password change was refused; `code` is the API error code."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


@dataclass
class Credential:
    """One customer's stored credential and lockout state (mutable, owned by `Directory`)."""

    salt: bytes
    digest: bytes
    failures: int = 0
    locked_until_s: float = 0.0
    must_change: bool = False


@dataclass
class LoginCounters:
    """What the admin export reports about logins and resets."""

    attempts: int = 0
    succeeded: int = 0
    wrong_password: int = 0
    locked: int = 0
    lockouts: int = 0
    throttled: int = 0
    throttles: int = 0
    shed: int = 0
    login_shed: int = 0
    refreshes: int = 0
    password_changes: int = 0
    password_rejected: int = 0
    revocations: int = 0
    sessions_revoked: int = 0
    sessions_ended_by_password_change: int = 0


class Directory:
    """The customers who may log in, with their credentials and lockout or throttle state."""

    def __init__(
        self,
        max_failures: int,
        min_password_length: int,
        clock: Callable[[], float],
        on_failures: Literal["lock", "delay"] = "lock",
        lock_s: float = LOCKOUT_S,
    ) -> None:
        self.max_failures = max_failures
        self.min_password_length = min_password_length
        self.lock_s = lock_s
        self._clock = clock
        self._credentials: dict[str, Credential] = {}
        self._decoy_salt = os.urandom(SALT_BYTES)
        self.throttle = LoginThrottle(max_failures, clock) if on_failures == "delay" else None

    def enrol(self, customer_id: str, password: str) -> None:
        """Store `password` (hashed with a fresh salt) for `customer_id`."""
        salt = os.urandom(SALT_BYTES)
        self._credentials[customer_id] = Credential(salt, hash_password(password, salt))

    def __contains__(self, customer_id: object) -> bool:
        return customer_id in self._credentials

    def verify(self, customer_id: str, password: str) -> LoginVerdict:
        """Check a login attempt; counts failures and locks or throttles at the limit."""
        if self.throttle is not None:
            return self._verify_throttled(self.throttle, customer_id, password)
        credential = self._credentials.get(customer_id)
        if credential is None:
            hash_password(password, self._decoy_salt)  # same cost: do not reveal who exists
            return LoginVerdict.WRONG
        now = self._clock()
        if credential.locked_until_s > now:
            return LoginVerdict.LOCKED
        if self._matches(credential, password):
            credential.failures = 0
            return LoginVerdict.OK
        credential.failures += 1
        if credential.failures >= self.max_failures:
            credential.locked_until_s = now + self.lock_s
            credential.failures = 0
        return LoginVerdict.WRONG

    def _verify_throttled(
        self, throttle: LoginThrottle, customer_id: str, password: str
    ) -> LoginVerdict:
        """`delay`: one path for known and unknown ids (same checks, same hash, same count)."""
        if throttle.wait_s(customer_id) > 0:
            return LoginVerdict.THROTTLED
        credential = self._credentials.get(customer_id)
        if self._matches(credential, password):
            throttle.succeeded(customer_id)
            return LoginVerdict.OK
        throttle.failed(customer_id)
        return LoginVerdict.WRONG

    def _matches(self, credential: Credential | None, password: str) -> bool:
        """True when `password` is right; an unknown customer costs the same hash and fails."""
        if credential is None:
            hash_password(password, self._decoy_salt)
            return False
        return hmac.compare_digest(hash_password(password, credential.salt), credential.digest)

    def wait_s(self, customer_id: str) -> float:
        """Seconds `customer_id` must wait before its next login is checked (`delay` only)."""
        return 0.0 if self.throttle is None else self.throttle.wait_s(customer_id)

    def is_locked(self, customer_id: str) -> bool:
        """True while `customer_id` is locked out."""
        credential = self._credentials.get(customer_id)
        return credential is not None and credential.locked_until_s > self._clock()

    def unlock(self, customer_id: str) -> None:
        """Lift a lockout or a throttle wait (what a call-centre agent does)."""
        if self.throttle is not None:
            self.throttle.clear(customer_id)
        credential = self._credentials.get(customer_id)
        if credential is not None:
            credential.locked_until_s = 0.0
            credential.failures = 0

    def must_change_password(self, customer_id: str) -> bool:
        """True when the customer has to set a new password before using the app."""
        credential = self._credentials.get(customer_id)
        return credential is not None and credential.must_change

    def require_change_for_all(self) -> None:
        """Breach response: every customer must set a new password at next login."""
        for credential in self._credentials.values():
            credential.must_change = True

    def change_password(self, customer_id: str, old_password: str, new_password: str) -> None:
        """Replace the password after checking the old one and the policy.

        Raises PasswordChangeError with code wrong_password, password_too_short or password_reused.
        """
        credential = self._credentials.get(customer_id)
        if credential is None or not hmac.compare_digest(
            hash_password(old_password, credential.salt), credential.digest
        ):
            raise PasswordChangeError("wrong_password", "the current password is not correct")
        if len(new_password) < self.min_password_length:
            raise PasswordChangeError(
                "password_too_short",
                f"the new password needs at least {self.min_password_length} characters",
            )
        if new_password == old_password:
            raise PasswordChangeError("password_reused", "the new password must be a new one")
        salt = os.urandom(SALT_BYTES)
        credential.salt, credential.digest = salt, hash_password(new_password, salt)
        credential.must_change = False
