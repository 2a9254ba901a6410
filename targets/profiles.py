"""Resilience profiles: every resilience knob of the mock bank, documented in one place.

`hardened` has the mechanisms on and well set; `fragile` is the same code with them off or
mis-set, as in the real incidents. Any knob can be overridden one by one
(`--set retry_attempts=1`, or `BANK_SET="retry_attempts=1,fencing=false"`).

Knob                        hardened   fragile    what it controls
request_timeout_s           1.0        None       per outbound call; None waits for ever
deadline_s                  3.0        None       whole customer request budget at the edge
propagate_deadline          True       False      send X-Deadline so inner hops give up in time
client_deadline_floor_s     0.5        None       a caller's X-Deadline may shorten the budget to no
                                                  less than this, and a call cut by the caller's
                                                  deadline releases its breaker permit (not a
                                                  failure); None takes it as sent and counts it
retry_attempts              3          3          attempts per outbound call (1 = no retry)
retry_base_s / retry_cap_s  0.05/0.5   0/0        capped exponential backoff
retry_jitter                True       False      full jitter on the backoff
retry_same_key              True       False      retries reuse the idempotency key (else a new one)
breaker_enabled             True       False      circuit breaker per dependency
breaker_failure_threshold   5          -          consecutive failures that open it
breaker_open_s              2.0        -          how long it stays open before a probe
breaker_probe_timeout_s     3.0        -          a probe with no outcome by then failed (reopens)
bulkhead_max_concurrent     32         None       concurrent calls per dependency; None = unbounded
bulkhead_max_wait_s         0.05       -          wait for a bulkhead slot before failing fast
shed_max_inflight           64         None       in-flight requests before 503 + Retry-After
retry_after_s               2          -          Retry-After sent with 429/503
balance_cache               True       False      cached balances labelled stale when core fails
balance_cache_max_staleness_s 900      -          oldest cached balance still served
replication                 sync       async      core journal shipping to the standby DC
replication_interval_s      0.05       0.5        async shipping interval
fencing                     True       False      refuse writes from a stale epoch / demoted DC
clearing_timeout_action     inquire    resubmit   what payments does when clearing is silent
clearing_deadline_s         5.0        5.0        give up on the scheme after this (hold released)
status_detection            auto       manual     the status service updates itself (probe + burn
                                                  rate), or only a human posts (never in a run)
status_probe_interval_s     0.5        -          outside-in probe of the edge
status_burn_window_s        5.0        -          window of the SLI burn-rate detection
status_burn_threshold       0.2        -          failed share over the window that opens one
status_burn_min_requests    5          -          fewer requests in the window decide nothing
status_update_interval_s    5.0        -          an open incident is updated at least this often
status_resolve_after_s      5.0        -          resolved only after all held healthy this long
notify_customers            True       False      SMS/push to affected customers (all after a
                                                  breach or forced reset); fragile: page only
contact_agents              4          4          contact-centre agents
contact_queue_max           20         20         callers waiting before a busy signal
contact_handle_s            2.0        2.0        mean handle time of a call
contact_callbacks           True       False      offer a callback instead of a long wait
contact_callback_after_wait_s 10.0     -          estimated wait above which a callback is offered
login_max_failures          3          3          failed logins before the throttle starts
login_throttle              delay      lock       delay: growing wait, same answer for unknown ids;
                                                  lock: 423 for login_lock_s (tells who exists)
login_lock_s                86400      86400      how long `lock` locks an account
password_change_ends_sessions True     False      a password change revokes every other session
password_min_length         12         6          minimum new password length
access_token_ttl_s          300        300        access token lifetime
breach_detection            True       False      the mobile API alerts the status service on a
                                                  honeytoken login or a device's access anomaly
breach_device_customers     3          -          distinct customers one device may log in as
breach_window_s             60.0       -          ... within this window before an alert
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, get_args, get_type_hints


@dataclass(frozen=True)
class Profile:
    name: str
    request_timeout_s: float | None
    deadline_s: float | None
    propagate_deadline: bool
    client_deadline_floor_s: float | None
    retry_attempts: int
    retry_base_s: float
    retry_cap_s: float
    retry_jitter: bool
    retry_same_key: bool
    breaker_enabled: bool
    breaker_failure_threshold: int
    breaker_open_s: float
    breaker_probe_timeout_s: float
    bulkhead_max_concurrent: int | None
    bulkhead_max_wait_s: float
    shed_max_inflight: int | None
    retry_after_s: int
    balance_cache: bool
    balance_cache_max_staleness_s: float
    replication: Literal["sync", "async"]
    replication_interval_s: float
    fencing: bool
    clearing_timeout_action: Literal["inquire", "resubmit"]
    clearing_deadline_s: float
    status_detection: Literal["auto", "manual"]
    status_probe_interval_s: float
    status_burn_window_s: float
    status_burn_threshold: float
    status_burn_min_requests: int
    status_update_interval_s: float
    status_resolve_after_s: float
    notify_customers: bool
    contact_agents: int
    contact_queue_max: int
    contact_handle_s: float
    contact_callbacks: bool
    contact_callback_after_wait_s: float
    login_max_failures: int
    login_throttle: Literal["delay", "lock"]
    login_lock_s: float
    password_change_ends_sessions: bool
    password_min_length: int
    access_token_ttl_s: float
    breach_detection: bool
    breach_device_customers: int
    breach_window_s: float


HARDENED = Profile(
    name="hardened",
    request_timeout_s=1.0,
    deadline_s=3.0,
    propagate_deadline=True,
    client_deadline_floor_s=0.5,
    retry_attempts=3,
    retry_base_s=0.05,
    retry_cap_s=0.5,
    retry_jitter=True,
    retry_same_key=True,
    breaker_enabled=True,
    breaker_failure_threshold=5,
    breaker_open_s=2.0,
    breaker_probe_timeout_s=3.0,
    bulkhead_max_concurrent=32,
    bulkhead_max_wait_s=0.05,
    shed_max_inflight=64,
    retry_after_s=2,
    balance_cache=True,
    balance_cache_max_staleness_s=900.0,
    replication="sync",
    replication_interval_s=0.05,
    fencing=True,
    clearing_timeout_action="inquire",
    clearing_deadline_s=5.0,
    status_detection="auto",
    status_probe_interval_s=0.5,
    status_burn_window_s=5.0,
    status_burn_threshold=0.2,
    status_burn_min_requests=5,
    status_update_interval_s=5.0,
    status_resolve_after_s=5.0,
    notify_customers=True,
    contact_agents=4,
    contact_queue_max=20,
    contact_handle_s=2.0,
    contact_callbacks=True,
    contact_callback_after_wait_s=10.0,
    login_max_failures=3,
    login_throttle="delay",
    login_lock_s=86400.0,
    password_change_ends_sessions=True,
    password_min_length=12,
    access_token_ttl_s=300.0,
    breach_detection=True,
    breach_device_customers=3,
    breach_window_s=60.0,
)

FRAGILE = dataclasses.replace(
    HARDENED,
    name="fragile",
    request_timeout_s=None,
    deadline_s=None,
    propagate_deadline=False,
    client_deadline_floor_s=None,
    retry_base_s=0.0,
    retry_cap_s=0.0,
    retry_jitter=False,
    retry_same_key=False,
    breaker_enabled=False,
    bulkhead_max_concurrent=None,
    shed_max_inflight=None,
    balance_cache=False,
    replication="async",
    replication_interval_s=0.5,
    fencing=False,
    clearing_timeout_action="resubmit",
    status_detection="manual",
    notify_customers=False,
    contact_callbacks=False,
    login_throttle="lock",
    password_change_ends_sessions=False,
    password_min_length=6,
    breach_detection=False,
)

PROFILES: Mapping[str, Profile] = {p.name: p for p in (HARDENED, FRAGILE)}


def _coerce(knob: str, raw: str, annotation: object) -> object:
    options = [a for a in get_args(annotation) if a is not type(None)] or [annotation]
    text = raw.strip()
    if type(None) in get_args(annotation) and text.lower() in ("none", "null", ""):
        return None
    kind = options[0]
    if kind is bool:
        if text.lower() in ("true", "1", "yes", "on"):
            return True
        if text.lower() in ("false", "0", "no", "off"):
            return False
        raise ValueError(f"knob {knob}: {raw!r} is not a boolean (true/false)")
    if kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            name = "whole number" if kind is int else "number"
            raise ValueError(f"knob {knob}: {raw!r} is not a {name}") from None
    if all(isinstance(o, str) for o in options):  # Literal values
        if text not in options:
            raise ValueError(f"knob {knob}: {raw!r} is not one of {', '.join(map(str, options))}")
        return text
    return text


def parse_overrides(items: Iterable[str]) -> dict[str, str]:
    """Turn `["knob=value", "a=b,c=d"]` into a dict; a malformed item raises ValueError."""
    result: dict[str, str] = {}
    for item in items:
        for part in filter(None, (p.strip() for p in item.split(","))):
            key, sep, value = part.partition("=")
            if not sep or not key.strip():
                raise ValueError(f"override {part!r} is not knob=value")
            result[key.strip()] = value
    return result


def load_profile(name: str, overrides: Mapping[str, str] | None = None) -> Profile:
    """The named profile with `overrides` applied; unknown names or bad values raise ValueError."""
    if name not in PROFILES:
        raise ValueError(f"unknown profile {name!r}; valid: {', '.join(PROFILES)}")
    hints = get_type_hints(Profile)
    changes: dict[str, object] = {}
    for knob, raw in (overrides or {}).items():
        if knob not in hints or knob == "name":
            valid = ", ".join(k for k in hints if k != "name")
            raise ValueError(f"unknown knob {knob!r}; valid: {valid}")
        changes[knob] = _coerce(knob, raw, hints[knob])
    return dataclasses.replace(PROFILES[name], **changes)  # type: ignore[arg-type]


def profile_from_env(name: str | None = None, overrides: Iterable[str] = ()) -> Profile:
    """Profile from `--profile`/`BANK_PROFILE` plus `BANK_SET` and `--set` overrides."""
    chosen = name or os.environ.get("BANK_PROFILE", "hardened")
    items = [os.environ.get("BANK_SET", ""), *overrides]
    return load_profile(chosen, parse_overrides(items))
