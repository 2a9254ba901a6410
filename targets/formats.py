"""The bank's wire formats, one definition each: instants, money amounts and request fingerprints.

- Instants are ISO 8601 in UTC with milliseconds and a `Z`: `2026-03-01T09:30:00.250Z`.
- Money is integer cents inside and a decimal string with two places outside: 12050 <->
  `"120.50"`, -5 <-> `"-0.05"`. Parsing accepts 1-15 ASCII integer digits and at most two
  decimals (`"120.5"` is 12050); it never rounds (a third decimal is refused, not rounded), and
  it never reads other scripts' digits (Arabic-Indic, full-width...), which Python's int() and
  Decimal would. An amount in a request (`parse_request_cents`) is also at most
  `MAX_AMOUNT_CENTS` either way, so sums of many of them stay far inside SQLite's 64 bits.
- A fingerprint is the SHA-256 of a request body's canonical JSON (keys sorted, no spaces), so
  key order and whitespace do not matter: it tells a replay from a reused idempotency key.

Every service's exports and answers (docs/bank-api.md) use these. This module is pure: it
raises ValueError for what it cannot read and must not know about HTTP errors, currencies or
accounts (callers turn a ValueError into their own refusal).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

_AMOUNT = re.compile(r"(-)?([0-9]{1,15})(?:\.([0-9]{1,2}))?", re.ASCII)

MAX_AMOUNT_CENTS = 10**12 - 1
"""9999999999.99: the largest amount one request may carry (ten integer digits)."""


def iso_utc(epoch_s: float) -> str:
    """Epoch seconds as ISO 8601 UTC with milliseconds: 0.25 -> `1970-01-01T00:00:00.250Z`."""
    moment = datetime.fromtimestamp(epoch_s, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def format_cents(cents: int) -> str:
    """-1250 -> `"-12.50"`."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    return f"{sign}{units}.{rest:02d}"


def parse_cents(text: str) -> int:
    """`"-12.5"` -> -1250; ValueError unless a decimal string with at most two places."""
    match = _AMOUNT.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not a decimal with at most 2 places")
    sign, units, decimals = match.groups()
    cents = int(units) * 100 + int((decimals or "0").ljust(2, "0"))
    return -cents if sign else cents


def parse_request_cents(text: str) -> int:
    """As `parse_cents`, and ValueError when the amount is beyond +-`MAX_AMOUNT_CENTS`."""
    cents = parse_cents(text)
    if abs(cents) > MAX_AMOUNT_CENTS:
        raise ValueError(f"{text!r} is beyond {format_cents(MAX_AMOUNT_CENTS)}")
    return cents


def fingerprint(body: Mapping[str, Any]) -> str:
    """A stable hex digest of a request body (key order and whitespace do not matter)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
