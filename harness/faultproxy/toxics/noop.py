"""The `noop` toxic: passes every chunk through unchanged (useful for tests and as a marker)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from harness.faultproxy.toxics.base import Chunk, Emit, IntAttributes, Stub


@dataclass(frozen=True)
class Noop(IntAttributes):
    """No attributes; data flows as if the toxic were absent."""

    type_name: ClassVar[str] = "noop"
    go_name: ClassVar[str] = "NoopToxic"

    async def pipe(self, stub: Stub, chunk: Chunk, emit: Emit) -> None:
        """Pass the chunk on."""
        await emit(chunk)
