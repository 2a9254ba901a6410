"""The `reset_peer` toxic: the first chunk of its direction is dropped, and `timeout_ms` later
both sockets are reset (RST through SO_LINGER 0).

The reset is triggered by data, not by the connect. The wait is not cut short by an update or
removal, as in Toxiproxy. Unlike Toxiproxy, SO_LINGER 0 is set only on the connection being
reset, so toxicity 0 really has no effect.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import ClassVar

from harness.faultproxy.toxics.base import Chunk, Emit, IntAttributes, Stub


@dataclass(frozen=True)
class ResetPeer(IntAttributes):
    """Resets the connection `timeout_ms` after the first data in this direction."""

    type_name: ClassVar[str] = "reset_peer"
    go_name: ClassVar[str] = "ResetToxic"

    timeout_ms: int = field(default=0, metadata={"json": "timeout"})

    async def pipe(self, stub: Stub, chunk: Chunk, emit: Emit) -> None:
        """Drop the chunk, wait, then reset both sockets."""
        if self.timeout_ms > 0:
            await asyncio.sleep(self.timeout_ms / 1000.0)
        stub.control.close_link(reset=True)
