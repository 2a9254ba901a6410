"""Breach detection at the edge: honeytoken logins and one device signing in as many customers.

Two signals, both judged on successful logins (`observe_login`), raise a `SecurityAlert`:
- **Honeytoken.** The bank enrols `HONEYTOKEN_IDS` (`HONEY-0001` .. `HONEY-0003`, passwords as a
  seeded customer's, `<id lower-cased>-correct-horse`) in both profiles. No real customer has
  them and they own nothing, so a login as one means a leaked credential list is being tried:
  an alert at once (at most one per honeytoken id per `window_s`).
- **Access anomaly.** One device (the `X-Device-Id` header; requests without it are not
  judged, since all of a local run's load comes from one address) logging in as more than
  `device_customers` distinct customers within `window_s`: credential stuffing. One alert when
  the count first passes the bar; the device alerts again only after `window_s` more.
With `enabled` False (fragile, `breach_detection=false`) nothing is ever raised: what the
Interpark account shows (a breach unnoticed for nearly two months).

Pure: the clock is passed in; this module sends nothing (`breach_watch.py` does) and keeps at
most `MAX_DEVICES` devices, each with at most `MAX_LOGINS_PER_DEVICE` logins of the last
`window_s`.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from targets.profiles import Profile

HONEYTOKEN_IDS: tuple[str, ...] = ("HONEY-0001", "HONEY-0002", "HONEY-0003")
"""Customer ids the bank enrols only to be stolen: no account, no real person behind them."""

MAX_DEVICES = 10_000
"""Devices remembered at once; the one seen longest ago is forgotten first."""
MAX_LOGINS_PER_DEVICE = 1_000
"""Logins kept per device (the newest); far more than any bar."""
MAX_DEVICE_ID_CHARS = 128
"""A longer `X-Device-Id` is cut to this (it is a key, never echoed)."""

AlertKind = Literal["honeytoken", "access_anomaly"]


@dataclass(frozen=True)
class SecurityAlert:
    """What the status service's `/internal/security-alerts` takes."""

    at_s: float
    kind: AlertKind
    detail: str
    customers: tuple[str, ...]


def is_honeytoken(customer_id: str) -> bool:
    """Whether `customer_id` is one of the bank's honeytoken credentials."""
    return customer_id in HONEYTOKEN_IDS


@dataclass
class _Device:
    logins: deque[tuple[float, str]]
    """(at_s, customer id) of this device's successful logins within the window."""
    alerted_at_s: float | None = None


class BreachDetector:
    """Judges successful logins; returns the alerts each one raises."""

    def __init__(
        self,
        enabled: bool,
        device_customers: int,
        window_s: float,
        clock: Callable[[], float],
    ) -> None:
        if device_customers < 1:
            raise ValueError(f"breach_device_customers must be at least 1, not {device_customers}")
        if not window_s > 0:
            raise ValueError(f"breach_window_s must be above 0, not {window_s}")
        self.enabled = enabled
        self.device_customers = device_customers
        self.window_s = window_s
        self.clock = clock
        self._devices: OrderedDict[str, _Device] = OrderedDict()
        self._honeytokens_alerted: dict[str, float] = {}

    def observe_login(self, customer_id: str, device_id: str | None) -> list[SecurityAlert]:
        """A successful login as `customer_id` from `device_id` (None: no device header)."""
        if not self.enabled:
            return []
        now = self.clock()
        alerts: list[SecurityAlert] = []
        if is_honeytoken(customer_id):
            alert = self._honeytoken(now, customer_id, device_id)
            if alert is not None:
                alerts.append(alert)
        if device_id:
            alert = self._device(now, device_id[:MAX_DEVICE_ID_CHARS], customer_id)
            if alert is not None:
                alerts.append(alert)
        return alerts

    def _honeytoken(
        self, now: float, customer_id: str, device_id: str | None
    ) -> SecurityAlert | None:
        last = self._honeytokens_alerted.get(customer_id)
        if last is not None and now - last < self.window_s:
            return None
        self._honeytokens_alerted[customer_id] = now
        origin = f" from device {device_id[:MAX_DEVICE_ID_CHARS]}" if device_id else ""
        detail = f"honeytoken credential {customer_id} logged in{origin}"
        return SecurityAlert(now, "honeytoken", detail, ())

    def _device(self, now: float, device_id: str, customer_id: str) -> SecurityAlert | None:
        device = self._devices.pop(device_id, None) or _Device(deque(maxlen=MAX_LOGINS_PER_DEVICE))
        self._devices[device_id] = device  # most recently seen last
        while len(self._devices) > MAX_DEVICES:
            self._devices.popitem(last=False)
        logins = device.logins
        while logins and now - logins[0][0] > self.window_s:
            logins.popleft()
        logins.append((now, customer_id))
        customers = tuple(dict.fromkeys(c for _, c in logins if not is_honeytoken(c)))
        distinct = len(dict.fromkeys(c for _, c in logins))
        if distinct <= self.device_customers:
            return None
        if device.alerted_at_s is not None and now - device.alerted_at_s < self.window_s:
            return None
        device.alerted_at_s = now
        detail = (
            f"device {device_id} logged in as {distinct} distinct customers"
            f" within {self.window_s:g} s (more than {self.device_customers})"
        )
        return SecurityAlert(now, "access_anomaly", detail, customers)


def breach_detector(profile: Profile, clock: Callable[[], float]) -> BreachDetector:
    """The detector `profile`'s breach knobs describe."""
    return BreachDetector(
        profile.breach_detection, profile.breach_device_customers, profile.breach_window_s, clock
    )
