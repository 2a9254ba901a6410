"""Nominal durations ("20s", "1m30s", "500ms") and timeline marks ("25s", "fault+5s").

Durations in experiment files are written with units and parsed to float seconds here; the
`--time-scale` factor is applied later, by the schedule. Only ASCII digits count (full-width
digits are refused), and no duration exceeds `harness.limits.DURATION_S` (a day), so every
parsed duration is finite. This module is pure: no clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import PlainValidator

from harness.limits import DAY_S, DURATION_S
from harness.spec.base import located, quote, unknown

PHASE_NAMES = ("baseline", "fault", "recovery")
"""The phases of every run, in order."""

_UNIT_S = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
_PART = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)", re.ASCII)
_MARK = re.compile(r"^([a-z_]+)\s*(?:([+-])\s*(\S.*))?$", re.ASCII)
_EXAMPLE = "write it with a unit, e.g. '20s', '1m30s' or '500ms'"


def parse_duration(text: object) -> float:
    """Seconds in a duration like "1m30s"; a bare number or junk raises ValueError."""
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise ValueError(f"expected a duration string, got {type(text).__name__}; {_EXAMPLE}")
    if not isinstance(text, str):
        raise ValueError(f"duration {quote(text)} has no unit; {_EXAMPLE}")
    compact = text.strip().replace(" ", "")
    parts = _PART.findall(compact)
    if not compact or "".join(number + unit for number, unit in parts) != compact:
        ascii_only = " (digits must be ASCII 0-9)" if not compact.isascii() else ""
        raise ValueError(f"bad duration {quote(text)}{ascii_only}; {_EXAMPLE}")
    seconds = sum(float(number) * _UNIT_S[unit] for number, unit in parts)
    if seconds > DURATION_S.high:
        raise ValueError(f"duration {quote(text)} is longer than a day ({DAY_S:,} s)")
    return seconds


def _positive_duration(value: object) -> float:
    try:
        seconds = parse_duration(value)
    except ValueError as exc:
        raise located(str(exc)) from None
    if seconds <= 0:
        raise located(f"duration {quote(value)} must be greater than zero")
    return seconds


PositiveDuration = Annotated[float, PlainValidator(_positive_duration)]
"""A duration field: written "20s", held as float seconds, always > 0."""


@dataclass(frozen=True)
class Mark:
    """When an action happens: `offset_s` after the start of `phase`, or of the run if None."""

    phase: str | None
    offset_s: float

    def __str__(self) -> str:
        if self.phase is None:
            return f"{self.offset_s:g}s"
        if self.offset_s == 0:
            return self.phase
        return f"{self.phase}{self.offset_s:+g}s"


def parse_mark(text: object) -> Mark:
    """A mark like "25s", "fault", "fault+5s" or "recovery-2s"; junk raises ValueError."""
    if not isinstance(text, str):
        parse_duration(text)  # raises the "no unit" / "not a string" reason
    assert isinstance(text, str)
    written = text.strip()
    if written[:1].isascii() and written[:1].isdigit():
        return Mark(None, parse_duration(written))
    found = _MARK.match(written)
    if found is None:
        raise ValueError(f"bad mark {quote(text)}; write an offset ('25s') or a phase ('fault+5s')")
    phase, sign, offset = found.groups()
    if phase not in PHASE_NAMES:
        raise ValueError(unknown("phase", phase, PHASE_NAMES))
    seconds = parse_duration(offset) if offset else 0.0
    return Mark(phase, -seconds if sign == "-" else seconds)


def _mark(value: object) -> Mark:
    if isinstance(value, Mark):
        return value
    try:
        return parse_mark(value)
    except ValueError as exc:
        raise located(str(exc)) from None


TimelineMark = Annotated[Mark, PlainValidator(_mark)]
"""An `at:` field: an offset from the run start or a phase mark with an optional offset."""
