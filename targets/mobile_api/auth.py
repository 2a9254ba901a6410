"""Customers' credentials: salted password hashes, lockout after failures, the password policy.

Hashing is PBKDF2-HMAC-SHA256 with a random 16-byte salt per customer and `PBKDF2_ITERATIONS`
rounds. The count is deliberately low (about half a millisecond per login on a laptop core) so
that a login storm measures the service under test, not the hash; a real bank would use far more.
Lockout follows Interbank's published policy: after `max_failures` wrong passwords in a row the
customer is locked for `LOCKOUT_S` (24 h); a successful login resets the count.

This module keeps no tokens (see `sessions.py`) and does no I/O; the clock is passed in.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass

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
    shed: int = 0
    login_shed: int = 0
    refreshes: int = 0
    password_changes: int = 0
    password_rejected: int = 0
    revocations: int = 0
    sessions_revoked: int = 0


class Directory:
    """The customers who may log in, with their credentials and lockout state."""

    def __init__(
        self, max_failures: int, min_password_length: int, clock: Callable[[], float]
    ) -> None:
        self.max_failures = max_failures
        self.min_password_length = min_password_length
        self._clock = clock
        self._credentials: dict[str, Credential] = {}
        self._decoy_salt = os.urandom(SALT_BYTES)

    def enrol(self, customer_id: str, password: str) -> None:
        """Store `password` (hashed with a fresh salt) for `customer_id`."""
        salt = os.urandom(SALT_BYTES)
        self._credentials[customer_id] = Credential(salt, hash_password(password, salt))

    def __contains__(self, customer_id: object) -> bool:
        return customer_id in self._credentials

    def verify(self, customer_id: str, password: str) -> LoginVerdict:
        """Check a login attempt; counts failures and locks the customer at the limit."""
        credential = self._credentials.get(customer_id)
        if credential is None:
            hash_password(password, self._decoy_salt)  # same cost: do not reveal who exists
            return LoginVerdict.WRONG
        now = self._clock()
        if credential.locked_until_s > now:
            return LoginVerdict.LOCKED
        if hmac.compare_digest(hash_password(password, credential.salt), credential.digest):
            credential.failures = 0
            return LoginVerdict.OK
        credential.failures += 1
        if credential.failures >= self.max_failures:
            credential.locked_until_s = now + LOCKOUT_S
            credential.failures = 0
        return LoginVerdict.WRONG

    def is_locked(self, customer_id: str) -> bool:
        """True while `customer_id` is locked out."""
        credential = self._credentials.get(customer_id)
        return credential is not None and credential.locked_until_s > self._clock()

    def unlock(self, customer_id: str) -> None:
        """Lift a lockout (what a call-centre agent does)."""
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
