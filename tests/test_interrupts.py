"""Signals during a run: raised at once, held inside a shield, dropped by a teardown shield."""

from __future__ import annotations

import os
import signal

import pytest

from harness.interrupts import Interrupted, interruptible, shielded


def _signal_self(sig: signal.Signals = signal.SIGTERM) -> None:
    os.kill(os.getpid(), sig)  # Python runs the handler before the next line


def test_a_signal_interrupts_the_run() -> None:
    """Outside any shield, SIGTERM raises Interrupted naming the signal."""
    with pytest.raises(Interrupted, match="SIGTERM"), interruptible():
        _signal_self()


def test_a_shield_holds_the_signal_until_it_ends() -> None:
    """Inside a shield the body finishes; the signal is raised as the outermost shield ends."""
    finished = []
    with pytest.raises(Interrupted, match="SIGINT"), interruptible(), shielded():
        with shielded():
            _signal_self(signal.SIGINT)
            finished.append("inner")
        finished.append("outer")  # nested shields do not raise
    assert finished == ["inner", "outer"]


def test_a_teardown_shield_drops_the_signal() -> None:
    """With then_raise=False (teardown) a second Ctrl-C is swallowed and cleanup completes."""
    with interruptible(), shielded(then_raise=False):
        _signal_self(signal.SIGINT)
    with interruptible(), shielded():
        pass  # nothing left pending from before


def test_handlers_are_restored() -> None:
    """After a run the previous handlers are back."""
    before = signal.getsignal(signal.SIGTERM)
    with interruptible():
        assert signal.getsignal(signal.SIGTERM) is not before
    assert signal.getsignal(signal.SIGTERM) is before


def test_a_closed_terminal_interrupts_the_run() -> None:
    """SIGHUP (the terminal went away) ends a run as cleanly as Ctrl-C, not by the default kill."""
    with pytest.raises(Interrupted, match="SIGHUP"), interruptible():
        _signal_self(signal.SIGHUP)
