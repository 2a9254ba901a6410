"""The `latency` toxic: each chunk leaves `latency_ms ± jitter_ms` after it was read.

The delay is measured from the chunk's read time, so latency is a pipeline delay and does not
throttle throughput; order is kept. Jitter is drawn from the stub's seeded generator only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from harness.faultproxy.toxics.base import Chunk, Emit, IntAttributes, Stub


@dataclass(frozen=True)
class Latency(IntAttributes):
    """Adds `latency_ms` plus a uniform integer jitter in [-jitter_ms, +jitter_ms)."""

    type_name: ClassVar[str] = "latency"
    go_name: ClassVar[str] = "LatencyToxic"

    latency_ms: int = field(default=0, metadata={"json": "latency"})
    jitter_ms: int = field(default=0, metadata={"json": "jitter"})

    def delay_ms(self, stub: Stub) -> int:
        """This chunk's delay: latency plus a jitter draw when jitter is positive."""
        if self.jitter_ms > 0:
            return self.latency_ms + stub.effect_rng.randrange(2 * self.jitter_ms) - self.jitter_ms
        return self.latency_ms

    async def pipe(self, stub: Stub, chunk: Chunk, emit: Emit) -> None:
        """Hold the chunk until read time + delay, then pass it on with its clock advanced."""
        delay_ms = self.delay_ms(stub)
        if delay_ms > 0:
            before = stub.now()
            await stub.sleep_until(chunk.read_at + delay_ms / 1000.0)
            chunk.read_at += stub.now() - before
        await emit(chunk)
