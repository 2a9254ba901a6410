"""The load's record stream: samples are buffered in memory and written as JSON lines in batches.

Customers call `add` (O(1), no I/O in the request path); the runner calls `flush` on a short
period and once more at the end. Each flush writes whole lines only, so a reader tailing the
file (`process.tail_samples`) never sees half a record unless the writer is killed mid-write.
This module must not import locust/gevent or decide anything about outcomes.
"""

from __future__ import annotations

import json
from typing import IO

from harness.load.samples import Sample

_ENCODER = json.JSONEncoder(separators=(",", ":"))


def sample_line(sample: Sample) -> str:
    """One sample as a JSON line, the same text `samples.write_sample` produces (all fields
    are flat scalars, so the instance dict equals `asdict` without its deep copy)."""
    return _ENCODER.encode(vars(sample))


class SampleSink:
    """Buffers samples as JSON lines and appends them to `stream` on `flush`.

    Samples are encoded as they arrive: the buffer then holds plain strings, which the
    garbage collector does not track, instead of thousands of live objects per second.
    """

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._lines: list[str] = []
        self.written = 0

    def add(self, sample: Sample) -> None:
        self._lines.append(sample_line(sample))

    def flush(self) -> int:
        """Write and flush what is buffered; returns how many samples were written."""
        batch, self._lines = self._lines, []
        if batch:
            self._stream.write("\n".join(batch) + "\n")
        self._stream.flush()
        self.written += len(batch)
        return len(batch)
