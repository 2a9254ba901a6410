"""The `LOG_LEVEL` environment variable as Toxiproxy reads it, mapped to our log levels.

Toxiproxy (zerolog) accepts trace, debug, info, warn/warning, error, fatal and panic, in any
case; an unknown value is reported as an error and the default is kept. Here trace maps to
debug, fatal and panic to critical, and the Python names (critical) are accepted too. Unset or
empty means info (deliberately quieter than Toxiproxy, which logs every API request at debug
when unset and nothing at all when set to ""). This module must not configure logging itself.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_LEVEL = "info"
LEVELS = {
    "trace": "debug",
    "debug": "debug",
    "info": "info",
    "warn": "warning",
    "warning": "warning",
    "error": "error",
    "fatal": "critical",
    "panic": "critical",
    "critical": "critical",
}


@dataclass(frozen=True)
class LogLevel:
    """The level to log at and, when the variable was not understood, its raw text."""

    level: str
    unknown_text: str | None = None


def read_log_level(text: str | None) -> LogLevel:
    """The level for `LOG_LEVEL`'s value (None when unset); unknown values keep the default."""
    if text is None or not text.strip():
        return LogLevel(DEFAULT_LEVEL)
    level = LEVELS.get(text.strip().lower())
    if level is None:
        return LogLevel(DEFAULT_LEVEL, unknown_text=text)
    return LogLevel(level)
