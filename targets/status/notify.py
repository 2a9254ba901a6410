"""What the status service asks the notifications service to send, and the call that asks.

With `notify_customers` (hardened): an availability incident notifies the customers it hit
(the `failed_customers` of the burn window), and, while it lasts, each customer it hits later
(never one twice); when only the outside-in probe saw it (the whole app down, no feed to name
anyone) it notifies every customer. A security incident, and `POST /admin/notify-reset`,
notify every customer. Without it (fragile) the page is the only channel: nothing is sent.

`plan_*` and `Coverage` are pure; `send` is the one I/O edge (a POST to the
`status-notifications` link with the service credential, a few bounded attempts).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from targets.status.incident import Incident

Reason = Literal["outage", "breach", "reset"]
CHANNEL = "sms"
"""SMS reaches a customer whose app is down, as a push would not."""
SEND_ATTEMPTS = 3
SEND_TIMEOUT_S = 2.0
RETRY_PAUSE_S = 0.2


@dataclass(frozen=True)
class NotificationRequest:
    at_s: float
    reason: Reason
    incident_id: str | None
    message: str
    customers: tuple[str, ...] | None
    """None: every customer."""

    def record(self) -> dict[str, Any]:
        """The export's `notifications_requested` row."""
        count: int | str = "all" if self.customers is None else len(self.customers)
        return {
            "at_s": self.at_s,
            "reason": self.reason,
            "incident_id": self.incident_id,
            "customers": count,
        }

    def body(self) -> dict[str, Any]:
        """The notifications service's POST /v1/notifications body."""
        audience: dict[str, Any] = (
            {"all": True} if self.customers is None else {"customers": list(self.customers)}
        )
        return {
            "channel": CHANNEL,
            "reason": self.reason,
            "incident_id": self.incident_id,
            "message": self.message,
            "audience": audience,
        }


@dataclass
class Coverage:
    """Who has been notified about which incident (an incident told to all needs no more)."""

    _told: dict[str, set[str]] = field(default_factory=dict)
    _all: set[str] = field(default_factory=set)

    def told_all(self, incident_id: str) -> None:
        """`incident_id` was told to every customer already (e.g. before a restart)."""
        self._all.add(incident_id)

    def plan(
        self, incident: Incident, at_s: float, affected: frozenset[str]
    ) -> NotificationRequest | None:
        """The notification `incident` still needs now, if any (and count it as sent)."""
        key = incident.incident_id
        if key in self._all or not incident.is_open:
            return None
        if incident.kind == "security":
            self._all.add(key)
            return NotificationRequest(at_s, "breach", key, _BREACH, None)
        told = self._told.setdefault(key, set())
        if not affected and not told and incident.source == "probe":
            self._all.add(key)
            return NotificationRequest(at_s, "outage", key, _outage(incident), None)
        new = tuple(sorted(affected - told))
        if not new:
            return None
        told.update(new)
        return NotificationRequest(at_s, "outage", key, _outage(incident), new)


def plan_reset(at_s: float, message: str) -> NotificationRequest:
    """Every customer must set a new password."""
    return NotificationRequest(at_s, "reset", None, message, None)


_BREACH = (
    "We detected unusual access to customer data. Please change your password at your next "
    "login; we will never ask for it by phone or message."
)


def _outage(incident: Incident) -> str:
    return f"{incident.title}. Follow the status page for updates; your money is safe."


async def send(client: httpx.AsyncClient, base_url: str, request: NotificationRequest) -> bool:
    """POST the notification (retrying a failed attempt); whether it was taken (202)."""
    for attempt in range(SEND_ATTEMPTS):
        try:
            async with asyncio.timeout(SEND_TIMEOUT_S):
                answer = await client.post(base_url.rstrip("/") + "/v1/notifications",
                                           json=request.body())  # fmt: skip
            if answer.status_code == 202:
                return True
            if answer.status_code < 500:
                return False
        except (TimeoutError, httpx.HTTPError):
            pass
        if attempt + 1 < SEND_ATTEMPTS:
            await asyncio.sleep(RETRY_PAUSE_S * (attempt + 1))
    return False
