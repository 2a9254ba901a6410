"""One direction of a proxied connection (client->server `upstream` or server->client
`downstream`): a fast write-through path when no toxic is attached, and a toxic chain run by
one task when toxics are attached.

Fast path: `feed` writes straight to the destination transport; flow control pauses the source
while the destination's write buffer is above its high-water mark. Toxic path: chunks queue
(bounded; the source is paused when full) and one task passes each chunk through the stubs in
the order the toxics were added. Switching between the two never loses or reorders bytes: the
task hands back to the fast path only when its queue is empty and no stub is left.

Bytes may arrive before the destination is connected (a client sends its request right after
connecting, while the upstream dial is still running; uvloop starts reading an accepted socket
after `connection_made` whatever that callback paused). On either path they are held, the
source is paused, and they go out, in order and through the toxics, once `connect_dest` runs.
This module must not know about the HTTP API or the proxy's listener.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from functools import partial

from harness.faultproxy.toxics import Chunk, Stub

QUEUE_LIMIT_BYTES = 4 * 1024 * 1024


class Direction:
    """Moves bytes from `source` to `dest` through the stubs of this direction."""

    __slots__ = (
        "_dest_ready",
        "_early",
        "_on_ended",
        "_queue",
        "_queued_bytes",
        "_task",
        "_wakeup",
        "dest",
        "dest_paused",
        "end_requested",
        "ended",
        "fast",
        "loop",
        "received_bytes",
        "sent_bytes",
        "source",
        "stream",
        "stubs",
    )

    def __init__(
        self, stream: str, loop: asyncio.AbstractEventLoop, on_ended: Callable[[Direction], None]
    ) -> None:
        self.stream = stream
        self.loop = loop
        self.source: asyncio.Transport | None = None
        self.dest: asyncio.Transport | None = None
        self.stubs: list[Stub] = []
        self.fast = True
        self.dest_paused = False
        self.received_bytes = 0
        self.sent_bytes = 0
        self._on_ended = on_ended
        self.ended = False
        self.end_requested = False
        self._queue: deque[Chunk | None] = deque()
        self._queued_bytes = 0
        self._task: asyncio.Task[None] | None = None
        self._wakeup: asyncio.Future[None] | None = None
        self._dest_ready: asyncio.Future[None] | None = None
        self._early: list[bytes] = []

    def connect_dest(self, dest: asyncio.Transport) -> None:
        """The destination is connected: send what arrived before it, then read on."""
        self.dest = dest
        early, self._early = self._early, []
        for data in early:
            self.received_bytes -= len(data)
            self.feed(data)
        if self.end_requested:
            self.end_requested = False
            self.feed_end()
        self.refresh_reading()

    # -- bytes in ---------------------------------------------------------------------------

    def feed(self, data: bytes) -> None:
        """Bytes read from the source; held (source paused) until the destination is connected."""
        self.received_bytes += len(data)
        dest = self.dest
        if dest is None:
            self._early.append(data)
            self.refresh_reading()
            return
        if self.fast:
            self.sent_bytes += len(data)
            dest.write(data)
            return
        self._queue.append(Chunk(data, self.loop.time()))
        self._queued_bytes += len(data)
        if self._queued_bytes > QUEUE_LIMIT_BYTES:
            self.refresh_reading()
        self._wake()

    def feed_end(self) -> None:
        """The source reached EOF or failed: drain what is queued, then end."""
        if self.ended or self.end_requested:
            return
        self.end_requested = True
        if self.dest is None:
            return
        if self.fast:
            self._finish()
            return
        self._queue.append(None)
        self._wake()

    # -- flow control -----------------------------------------------------------------------

    def pause_dest(self) -> None:
        """The destination's write buffer is full."""
        self.dest_paused = True
        self.refresh_reading()

    def resume_dest(self) -> None:
        """The destination's write buffer drained below its low-water mark."""
        self.dest_paused = False
        ready = self._dest_ready
        if ready is not None and not ready.done():
            ready.set_result(None)
        self.refresh_reading()

    def refresh_reading(self) -> None:
        """Pause the source while the destination is missing or full, resume it otherwise.

        Decided from the transport's own reading state, so a pause that the event loop did
        not honour (uvloop, inside `connection_made`) is simply asked for again.
        """
        source = self.source
        if source is None or self.ended or source.is_closing():
            return
        if self.dest is None:
            want_pause = True
        elif self.fast:
            want_pause = self.dest_paused
        else:
            want_pause = self._queued_bytes > QUEUE_LIMIT_BYTES
        if want_pause == source.is_reading():
            if want_pause:
                source.pause_reading()
            else:
                source.resume_reading()

    # -- toxics -----------------------------------------------------------------------------

    def attach(self, stub: Stub) -> None:
        """Append a stub to the chain and begin it; leaves the fast path if needed."""
        self.stubs.append(stub)
        stub.begin()
        if self.fast and not self.ended:
            self.fast = False
            self.refresh_reading()
            self._task = self.loop.create_task(self._run())

    def find(self, name: str) -> Stub | None:
        """The stub running the toxic of this name, if any."""
        for stub in self.stubs:
            if stub.name == name:
                return stub
        return None

    def detach(self, name: str) -> None:
        """Remove the stub of this name; the chunk it holds is passed on, nothing is lost."""
        stub = self.find(name)
        if stub is not None:
            self.stubs.remove(stub)
            stub.drop()
            self._wake()

    def stop(self) -> None:
        """The connection is closing: cancel the chain task and every stub's timers."""
        self.ended = True
        for stub in self.stubs:
            stub.cancel_alarm()
        if self._task is not None and self._task is not asyncio.current_task():
            self._task.cancel()
        self._task = None

    # -- the toxic chain --------------------------------------------------------------------

    def _wake(self) -> None:
        wakeup = self._wakeup
        if wakeup is not None and not wakeup.done():
            wakeup.set_result(None)

    async def _run(self) -> None:
        queue = self._queue
        while not self.ended:
            if not queue:
                if not self.stubs:
                    self.fast = True
                    self._task = None
                    self.refresh_reading()
                    return
                self._wakeup = self.loop.create_future()
                await self._wakeup
                self._wakeup = None
                continue
            chunk = queue.popleft()
            if chunk is None:
                await self._end_through(tuple(self.stubs))
                self._finish()
                return
            self._queued_bytes -= len(chunk.data)
            self.refresh_reading()
            await self._through(tuple(self.stubs), 0, chunk)

    async def _through(self, stubs: tuple[Stub, ...], index: int, chunk: Chunk) -> None:
        if index == len(stubs):
            await self._deliver(chunk)
            return
        stub = stubs[index]
        emit = partial(self._through, stubs, index + 1)
        if stub.active and not stub.removed:
            stub.interrupted = False
            await stub.toxic.pipe(stub, chunk, emit)
        else:
            await emit(chunk)

    async def _end_through(self, stubs: tuple[Stub, ...]) -> None:
        for stub in stubs:
            if stub.active and not stub.removed:
                stub.interrupted = False
                await stub.toxic.finish(stub)

    async def _deliver(self, chunk: Chunk) -> None:
        dest = self.dest
        if self.ended or dest is None or dest.is_closing():
            return
        self.sent_bytes += len(chunk.data)
        dest.write(chunk.data)
        if self.dest_paused:
            self._dest_ready = self.loop.create_future()
            await self._dest_ready
            self._dest_ready = None

    def _finish(self) -> None:
        if not self.ended:
            self.ended = True
            self._on_ended(self)
