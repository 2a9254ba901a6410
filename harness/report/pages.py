"""Renders the report templates (Jinja2, autoescaped, strict) into HTML text.

Every value from a run (experiment titles, reasons, error messages) reaches the page through
autoescaping; only chart SVG that this package generated itself is marked safe, by the
caller, with `Markup`. Loads templates from `harness/report/templates`; writes no file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


def wall_time(epoch_s: float | None) -> str:
    """Epoch seconds as a UTC wall time with milliseconds, for timelines."""
    if epoch_s is None:
        return "—"
    return datetime.fromtimestamp(epoch_s, UTC).strftime("%H:%M:%S.%f")[:-3] + " UTC"


def timestamp(iso: str | None) -> str:
    """An ISO 8601 instant as `YYYY-MM-DD HH:MM:SS UTC`; unparsable text is shown as it is."""
    if not iso:
        return "—"
    try:
        instant = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return str(iso)
    if instant.tzinfo is not None:
        instant = instant.astimezone(UTC)
    return instant.strftime("%Y-%m-%d %H:%M:%S UTC")


def number(value: object, digits: int = 1) -> str:
    """A number for a table cell; an em dash when there is none."""
    if not isinstance(value, int | float):
        return "—"
    return f"{value:,.{digits}f}"


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("harness.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["wall_time"] = wall_time
    env.filters["number"] = number
    env.filters["timestamp"] = timestamp
    return env


def render(template: str, **context: Any) -> str:
    """The named template rendered with the context."""
    return environment().get_template(template).render(**context)
