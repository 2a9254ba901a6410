"""The `bandwidth` toxic: limits one direction of one connection to `rate_kbps` KB/s.

KB = 1000 bytes. Large chunks go out in pieces worth 100 ms each; the pacing clock carries
over between chunks (timer lateness is not lost) so the long-run rate is exact. A rate of 0
stalls the direction until the toxic is updated or removed (Toxiproxy's partition idiom); a
negative rate is rejected.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar

from harness.faultproxy.toxics.base import Chunk, Emit, IntAttributes, Stub, ToxicAttributeError


@dataclass(frozen=True)
class Bandwidth(IntAttributes):
    """Paces bytes at `rate_kbps` * 1000 bytes per second."""

    type_name: ClassVar[str] = "bandwidth"
    go_name: ClassVar[str] = "BandwidthToxic"

    rate_kbps: int = field(default=0, metadata={"json": "rate"})

    def validate(self) -> None:
        """A negative rate crashes Toxiproxy; refuse it."""
        if self.rate_kbps < 0:
            raise ToxicAttributeError(f"bandwidth rate must be >= 0 KB/s, got {self.rate_kbps}")

    async def pipe(self, stub: Stub, chunk: Chunk, emit: Emit) -> None:
        """Emit the chunk in 100 ms slices, each when the pacing clock allows it."""
        if self.rate_kbps == 0:
            await stub.sleep_until(math.inf)
            await emit(chunk)
            return
        bytes_per_s = self.rate_kbps * 1000
        slice_bytes = max(1, bytes_per_s // 10)
        data = chunk.data
        stub.pace_at = max(stub.pace_at, chunk.read_at)
        while data:
            piece, data = data[:slice_bytes], data[slice_bytes:]
            stub.pace_at += len(piece) / bytes_per_s
            if not await stub.sleep_until(stub.pace_at):
                stub.pace_at = stub.now()
                await emit(Chunk(piece + data, chunk.read_at))
                return
            await emit(Chunk(piece, chunk.read_at))
