"""Ctrl-C, SIGTERM and SIGHUP (a closed terminal) during a run: raised as `Interrupted`, but
never in the middle of a step that must not be cut (registering a child process, tearing
everything down).

`interruptible()` installs the handlers for a run's body. Inside `shielded()` a signal is only
remembered; leaving the outermost shield raises it (or, with `then_raise=False`, as for the
teardown, drops it: a second Ctrl-C must not leave faults behind). Handlers are Python
functions and the signal mask is left alone, so child processes start with default signal
dispositions and stop on SIGTERM like any service.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

HANDLED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


class Interrupted(Exception):  # noqa: N818 - it names the event, like KeyboardInterrupt
    """SIGTERM, SIGINT or SIGHUP arrived during a run."""


class _Shield:
    depth = 0
    pending: int | None = None


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    if _Shield.depth:
        _Shield.pending = signum
        return
    raise Interrupted(signal.Signals(signum).name)


@contextmanager
def interruptible() -> Iterator[None]:
    """Turn SIGTERM/SIGINT/SIGHUP into `Interrupted` for the body; restore the handlers after."""
    previous = {s: signal.signal(s, _on_signal) for s in HANDLED}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def shielded(*, then_raise: bool = True) -> Iterator[None]:
    """Hold signals for the body; on leaving the outermost shield raise (or drop) one that came."""
    _Shield.depth += 1
    try:
        yield
    finally:
        _Shield.depth -= 1
        if _Shield.depth == 0 and _Shield.pending is not None:
            pending, _Shield.pending = _Shield.pending, None
            if then_raise:
                raise Interrupted(signal.Signals(pending).name)
