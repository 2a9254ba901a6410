"""structlog configuration for the CLI and the services: console on a terminal, JSON otherwise.

Colours only on a terminal, and never when `NO_COLOR` is set (https://no-color.org).

Libraries only call `structlog.get_logger()`; the entry points call `configure_logging` once.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import TextIO

import structlog

from harness.flags import LOG_LEVELS

__all__ = ["LOG_LEVELS", "configure_logging"]


def configure_logging(
    level: str = "info", *, json: bool | None = None, stream: TextIO | None = None
) -> None:
    """Configure structlog: console renderer on a TTY, JSON lines otherwise (or as forced)."""
    out = stream if stream is not None else sys.stderr
    use_json = not out.isatty() if json is None else json
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer()
        if use_json
        else structlog.dev.ConsoleRenderer(colors=out.isatty() and not os.environ.get("NO_COLOR"))
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping()[level.upper()]
        ),
        logger_factory=structlog.PrintLoggerFactory(file=out),
        cache_logger_on_first_use=False,
    )
