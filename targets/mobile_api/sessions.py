"""Customers' sessions: short-lived opaque access tokens paired with rotating refresh tokens.

Tokens are random strings from `secrets`, held only in this process's memory. A refresh rotates
the pair (the old refresh token stops working); logout ends one pair; `revoke_all` ends every
access AND refresh token at once (invariant I10: after a global revoke no old token is accepted);
`end_others` ends every pair of one customer but the one presented, which is what the hardened
bank does on a password change (see `auth_api.py`).

This module does no I/O and knows nothing of passwords; the clock is passed in.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

REFRESH_TOKEN_TTL_S = 3600.0
PRUNE_EVERY_ISSUES = 1000


@dataclass(frozen=True)
class Session:
    """One issued token pair."""

    customer_id: str
    access_token: str
    refresh_token: str
    access_expires_at_s: float
    refresh_expires_at_s: float


class SessionStore:
    """Issues, checks, rotates and revokes token pairs."""

    def __init__(
        self,
        access_ttl_s: float,
        clock: Callable[[], float],
        refresh_ttl_s: float = REFRESH_TOKEN_TTL_S,
    ) -> None:
        self.access_ttl_s = access_ttl_s
        self.refresh_ttl_s = refresh_ttl_s
        self._clock = clock
        self._by_access: dict[str, Session] = {}
        self._by_refresh: dict[str, Session] = {}
        self._by_customer: dict[str, set[Session]] = {}
        self._issued = 0

    def issue(self, customer_id: str) -> Session:
        """A new token pair for `customer_id`."""
        now = self._clock()
        session = Session(
            customer_id=customer_id,
            access_token=secrets.token_urlsafe(24),
            refresh_token=secrets.token_urlsafe(32),
            access_expires_at_s=now + self.access_ttl_s,
            refresh_expires_at_s=now + self.refresh_ttl_s,
        )
        self._by_access[session.access_token] = session
        self._by_refresh[session.refresh_token] = session
        self._by_customer.setdefault(customer_id, set()).add(session)
        self._issued += 1
        if self._issued % PRUNE_EVERY_ISSUES == 0:
            self.prune()
        return session

    def authenticate(self, access_token: str) -> str | None:
        """The customer an unexpired, unrevoked access token belongs to, else None."""
        session = self._by_access.get(access_token)
        if session is None or session.access_expires_at_s <= self._clock():
            return None
        return session.customer_id

    def refresh(self, refresh_token: str) -> Session | None:
        """Rotate: end the pair of `refresh_token` and issue a new one; None when not valid."""
        session = self._by_refresh.get(refresh_token)
        if session is None or session.refresh_expires_at_s <= self._clock():
            return None
        self._end(session)
        return self.issue(session.customer_id)

    def logout(self, access_token: str) -> bool:
        """End the pair `access_token` belongs to; False when there was none."""
        session = self._by_access.get(access_token)
        if session is None:
            return False
        self._end(session)
        return True

    def end_others(self, customer_id: str, keep_access_token: str) -> int:
        """End every pair of `customer_id` except the one of `keep_access_token`; answers how
        many pairs ended (their access and refresh tokens both stop working)."""
        others = [
            s
            for s in self._by_customer.get(customer_id, set())
            if s.access_token != keep_access_token
        ]
        for session in others:
            self._end(session)
        return len(others)

    def revoke_all(self) -> int:
        """End every session (access and refresh tokens); answers how many pairs were live."""
        revoked = len(self._by_refresh)
        self._by_access.clear()
        self._by_refresh.clear()
        self._by_customer.clear()
        return revoked

    def live_counts(self) -> tuple[int, int]:
        """(unexpired access tokens, unexpired refresh tokens)."""
        now = self._clock()
        access = sum(1 for s in self._by_access.values() if s.access_expires_at_s > now)
        refresh = sum(1 for s in self._by_refresh.values() if s.refresh_expires_at_s > now)
        return access, refresh

    def prune(self) -> None:
        """Forget pairs whose refresh token has expired (bounds memory under long load)."""
        now = self._clock()
        for session in [s for s in self._by_refresh.values() if s.refresh_expires_at_s <= now]:
            self._end(session)

    def _end(self, session: Session) -> None:
        self._by_access.pop(session.access_token, None)
        self._by_refresh.pop(session.refresh_token, None)
        held = self._by_customer.get(session.customer_id)
        if held is not None:
            held.discard(session)
            if not held:
                del self._by_customer[session.customer_id]
