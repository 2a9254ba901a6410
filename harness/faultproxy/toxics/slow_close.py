"""The `slow_close` toxic: when the source closes, the destination's close waits `delay_ms`.

Data passes unchanged. If the toxic is updated or removed during the wait, the close goes
ahead at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from harness.faultproxy.toxics.base import Chunk, Emit, IntAttributes, Stub


@dataclass(frozen=True)
class SlowClose(IntAttributes):
    """Delays the FIN of this direction by `delay_ms`."""

    type_name: ClassVar[str] = "slow_close"
    go_name: ClassVar[str] = "SlowCloseToxic"

    delay_ms: int = field(default=0, metadata={"json": "delay"})

    async def pipe(self, stub: Stub, chunk: Chunk, emit: Emit) -> None:
        """Pass data through unchanged."""
        await emit(chunk)

    async def finish(self, stub: Stub) -> None:
        """Hold the close for `delay_ms` (cut short by an update or removal)."""
        await stub.sleep_until(stub.now() + self.delay_ms / 1000.0)
