"""The `slicer` toxic: splits each chunk into pieces of about `average_size` bytes
(± `size_variation`) and waits `delay_us` microseconds after each piece.

Data and order are kept. Sizes that make Toxiproxy recurse forever or panic
(`average_size + size_variation < 1`, `size_variation > average_size`) are rejected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from harness.faultproxy.toxics.base import Chunk, Emit, IntAttributes, Stub, ToxicAttributeError


@dataclass(frozen=True)
class Slicer(IntAttributes):
    """Cuts chunks into smaller writes to exercise a peer's partial-read handling."""

    type_name: ClassVar[str] = "slicer"
    go_name: ClassVar[str] = "SlicerToxic"

    average_size: int = field(default=0, metadata={"json": "average_size"})
    size_variation: int = field(default=0, metadata={"json": "size_variation"})
    delay_us: int = field(default=0, metadata={"json": "delay"})

    def validate(self) -> None:
        """Refuse the sizes that crash Toxiproxy."""
        if self.average_size + self.size_variation < 1:
            raise ToxicAttributeError(
                "slicer average_size + size_variation must be >= 1, got "
                f"{self.average_size} + {self.size_variation}"
            )
        if self.size_variation > self.average_size:
            raise ToxicAttributeError(
                f"slicer size_variation ({self.size_variation}) must not exceed "
                f"average_size ({self.average_size})"
            )

    def cut_points(self, stub: Stub, length: int) -> list[int]:
        """End offsets of the pieces: halve around the middle until pieces are small enough."""
        ends: list[int] = []
        pending = [(0, length)]
        while pending:
            start, end = pending.pop()
            if (end - start) - self.average_size <= self.size_variation:
                ends.append(end)
                continue
            mid = start + (end - start) // 2
            if self.size_variation > 0:
                variation = self.size_variation
                mid += stub.effect_rng.randrange(2 * variation) - variation
            pending.append((mid, end))
            pending.append((start, mid))
        return ends

    async def pipe(self, stub: Stub, chunk: Chunk, emit: Emit) -> None:
        """Emit the pieces in order with the delay after each; the rest goes at once if cut."""
        data = chunk.data
        start = 0
        for end in self.cut_points(stub, len(data)):
            if stub.interrupted:
                break
            await emit(Chunk(data[start:end], chunk.read_at))
            start = end
            if self.delay_us > 0:
                await stub.sleep_until(stub.now() + self.delay_us / 1_000_000)
        if start < len(data):
            await emit(Chunk(data[start:], chunk.read_at))
