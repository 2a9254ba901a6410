"""The registry of toxic types: an explicit name -> class table, as Toxiproxy names them.

Adding a toxic is one new module in this package and one line here. This module must not
import anything with side effects.
"""

from __future__ import annotations

from harness.faultproxy.toxics.bandwidth import Bandwidth
from harness.faultproxy.toxics.base import (
    Chunk,
    Emit,
    LinkControl,
    Stub,
    Toxic,
    ToxicAttributeError,
)
from harness.faultproxy.toxics.latency import Latency
from harness.faultproxy.toxics.limit_data import LimitData
from harness.faultproxy.toxics.noop import Noop
from harness.faultproxy.toxics.reset_peer import ResetPeer
from harness.faultproxy.toxics.slicer import Slicer
from harness.faultproxy.toxics.slow_close import SlowClose
from harness.faultproxy.toxics.timeout import Timeout

TOXIC_TYPES: dict[str, type[Toxic]] = {
    "noop": Noop,
    "latency": Latency,
    "bandwidth": Bandwidth,
    "slow_close": SlowClose,
    "timeout": Timeout,
    "reset_peer": ResetPeer,
    "slicer": Slicer,
    "limit_data": LimitData,
}


class UnknownToxicTypeError(KeyError):
    """No toxic type has this name."""


def new_toxic(type_name: str) -> Toxic:
    """A toxic of this type with every attribute at its zero value."""
    try:
        return TOXIC_TYPES[type_name]()
    except KeyError:
        valid = ", ".join(sorted(TOXIC_TYPES))
        raise UnknownToxicTypeError(f"unknown toxic type {type_name!r}; valid: {valid}") from None


__all__ = [
    "TOXIC_TYPES",
    "Chunk",
    "Emit",
    "LinkControl",
    "Stub",
    "Toxic",
    "ToxicAttributeError",
    "UnknownToxicTypeError",
    "new_toxic",
]
