"""The `limit_data` toxic: forwards at most `bytes` bytes in its direction, then closes the
connection. The chunk that crosses the limit is truncated; with 0 (or less) nothing passes and
the connection closes on the first chunk. The count survives updates of the toxic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from harness.faultproxy.toxics.base import Chunk, Emit, IntAttributes, Stub


@dataclass(frozen=True)
class LimitData(IntAttributes):
    """Closes the connection once `limit_bytes` have gone through this direction."""

    type_name: ClassVar[str] = "limit_data"
    go_name: ClassVar[str] = "LimitDataToxic"

    limit_bytes: int = field(default=0, metadata={"json": "bytes"})

    async def pipe(self, stub: Stub, chunk: Chunk, emit: Emit) -> None:
        """Forward what the allowance permits, then close when it is used up."""
        allowance = self.limit_bytes - stub.emitted_bytes
        if allowance > 0:
            piece = chunk.data[:allowance]
            stub.emitted_bytes += len(piece)
            await emit(chunk if len(piece) == len(chunk.data) else Chunk(piece, chunk.read_at))
        if stub.emitted_bytes >= self.limit_bytes:
            stub.control.close_link(reset=False)
