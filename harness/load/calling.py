"""When a simulated customer calls the contact centre: the calling model, with its numbers.

A customer wants to call
- after `FAILURES_BEFORE_CALL` (3) of its bank journeys failed in a row (a failed or unknown
  outcome of login, balance, movements, transfer, bill_payment or password_change; an ok one
  starts the count again), with reason `outage`, or
- right after the bank forced it to reset its password (reason `reset`).
Before calling it reads the status page (when the run has one): if an open incident covers
what failed (one of its components, `app`, or for a reset any security incident or one on
`login`), it calls only with probability `CALL_IF_TOLD` (0.3, seeded); otherwise it calls.
A busy signal is a failed call: the customer redials after a seeded 5-15 s
(`REDIAL_AFTER_S`), at most `MAX_REDIALS` (3) times, as the callers of incident 003 did.
Once queued it waits up to its patience, seeded uniform 5-30 s (`PATIENCE_S`, real seconds,
never time-scaled, like the contact centre's own handle times), then hangs up. While a
customer is on the phone its failures are not counted; afterwards the count starts again.

Pure: it sees samples and the status page as plain data; the random generator is passed in.
This module must not do I/O or import locust/gevent (`people.py` makes the calls).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from harness.history.samples import Sample

FAILURES_BEFORE_CALL = 3
CALL_IF_TOLD = 0.3
REDIAL_AFTER_S = (5.0, 15.0)
MAX_REDIALS = 3
PATIENCE_S = (5.0, 30.0)

COMPONENT_OF: Mapping[str, str] = {
    "login": "login",
    "password_change": "login",
    "balance": "balances",
    "movements": "balances",
    "transfer": "transfers_on_us",
    "bill_payment": "bill_payments",
}
"""The status page's component for each bank journey that counts towards a call."""


@dataclass(frozen=True)
class OpenIncident:
    """An incident the status page shows as not resolved."""

    kind: str
    components: frozenset[str]


@dataclass(frozen=True)
class CallWish:
    """A customer wants to call: why (`outage` or `reset`) and which components failed it."""

    reason: str
    components: frozenset[str]


def open_incidents(page: Mapping[str, object] | None) -> tuple[OpenIncident, ...]:
    """The open incidents of a `GET /v1/status` body (none for a page it cannot read)."""
    incidents = (page or {}).get("incidents")
    found: list[OpenIncident] = []
    for item in incidents if isinstance(incidents, list) else ():
        if not isinstance(item, dict) or item.get("status") == "resolved":
            continue
        components = item.get("components")
        names = (
            frozenset(c for c in components if isinstance(c, str))
            if isinstance(components, list)
            else frozenset()
        )
        found.append(OpenIncident(str(item.get("kind", "")), names))
    return tuple(found)


def covers(incidents: Sequence[OpenIncident], wish: CallWish) -> bool:
    """True when one of the open incidents tells the customer about what made it call."""
    for incident in incidents:
        if "app" in incident.components or incident.components & wish.components:
            return True
        if wish.reason == "reset" and incident.kind == "security":
            return True
    return False


def decide_to_call(wish: CallWish, incidents: Sequence[OpenIncident], rng: random.Random) -> bool:
    """Call at once, or, told by the status page, only with probability CALL_IF_TOLD."""
    if covers(incidents, wish):
        return rng.random() < CALL_IF_TOLD
    return True


@dataclass
class CallingModel:
    """Per customer: its run of failures, the call it wants, whether it is on the phone."""

    streaks: dict[str, list[str]] = field(default_factory=dict)
    wishes: dict[str, CallWish] = field(default_factory=dict)
    on_the_phone: set[str] = field(default_factory=set)

    def observe(self, sample: Sample) -> None:
        """Count a customer's bank journey; the third failure in a row makes it want to call."""
        component = COMPONENT_OF.get(sample.journey)
        who = sample.customer
        if component is None or not who or not sample.served or who in self.on_the_phone:
            return
        if sample.outcome == "ok":
            self.streaks.pop(who, None)
            return
        streak = self.streaks.setdefault(who, [])
        streak.append(component)
        if len(streak) >= FAILURES_BEFORE_CALL:
            del self.streaks[who]
            self.wishes.setdefault(who, CallWish("outage", frozenset(streak)))

    def forced_reset(self, who: str) -> None:
        """The bank made `who` change its password: it wants to call."""
        if who not in self.on_the_phone:
            self.wishes[who] = CallWish("reset", frozenset({"login"}))

    def take(self, who: str) -> CallWish | None:
        """The call `who` wants, now that it picks up the phone (None: none)."""
        if who in self.on_the_phone:
            return None
        wish = self.wishes.pop(who, None)
        if wish is not None:
            self.on_the_phone.add(who)
        return wish

    def hung_up(self, who: str) -> None:
        self.on_the_phone.discard(who)
        self.streaks.pop(who, None)
