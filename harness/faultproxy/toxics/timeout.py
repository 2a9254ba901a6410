"""The `timeout` toxic: drops all data of its direction; closes the connection after
`timeout_ms` without data (0 = never), and always when the toxic is removed.

The timer starts when the toxic begins on the connection and restarts with every dropped
chunk, as in Toxiproxy. Removal closes the connection because dropped bytes would otherwise
leave a corrupt stream.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from harness.faultproxy.toxics.base import Chunk, Emit, IntAttributes, Stub


@dataclass(frozen=True)
class Timeout(IntAttributes):
    """Blackholes the direction; `timeout_ms` > 0 closes the connection when it expires."""

    type_name: ClassVar[str] = "timeout"
    go_name: ClassVar[str] = "TimeoutToxic"

    timeout_ms: int = field(default=0, metadata={"json": "timeout"})

    def start(self, stub: Stub) -> None:
        """Arm the close timer."""
        self._arm(stub)

    async def pipe(self, stub: Stub, chunk: Chunk, emit: Emit) -> None:
        """Drop the chunk and restart the close timer."""
        self._arm(stub)

    def remove(self, stub: Stub) -> None:
        """Close the connection: data has been lost in this direction."""
        stub.control.close_link(reset=False)

    def _arm(self, stub: Stub) -> None:
        if self.timeout_ms > 0:
            control = stub.control
            stub.set_alarm(self.timeout_ms / 1000.0, lambda: control.close_link(reset=False))
