"""The `slicer` toxic: splits each chunk into pieces of about `average_size` bytes
(± `size_variation`) and waits `delay_us` microseconds after each piece.

Data and order are kept. Every size Toxiproxy accepts is accepted, including none at all
(all zero). Deliberate improvement: sizes that make Toxiproxy 2.8.0 recurse forever and crash
the whole server (`average_size + size_variation < 1`, e.g. a slicer created without
attributes) cut chunks into 1-byte pieces here, and a `size_variation` above `average_size`
(which can make Toxiproxy split outside the chunk and panic) never moves a split point outside
the piece being cut.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from harness.faultproxy.toxics.base import Chunk, Emit, IntAttributes, Stub

SMALLEST_PIECE_BYTES = 1


@dataclass(frozen=True)
class Slicer(IntAttributes):
    """Cuts chunks into smaller writes to exercise a peer's partial-read handling."""

    type_name: ClassVar[str] = "slicer"
    go_name: ClassVar[str] = "SlicerToxic"

    average_size: int = field(default=0, metadata={"json": "average_size", "go_type": "int"})
    size_variation: int = field(default=0, metadata={"json": "size_variation", "go_type": "int"})
    delay_us: int = field(default=0, metadata={"json": "delay", "go_type": "int"})

    def cut_points(self, stub: Stub, length: int) -> list[int]:
        """End offsets of the pieces: halve around the middle until pieces are small enough."""
        ends: list[int] = []
        pending = [(0, length)]
        while pending:
            start, end = pending.pop()
            size = end - start
            if size - self.average_size <= self.size_variation or size <= SMALLEST_PIECE_BYTES:
                ends.append(end)
                continue
            mid = start + size // 2
            if self.size_variation > 0:
                variation = self.size_variation
                mid += stub.effect_rng.randrange(2 * variation) - variation
                mid = min(max(mid, start + 1), end - 1)
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
