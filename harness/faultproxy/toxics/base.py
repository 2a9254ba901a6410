"""The toxic contract: a Chunk of bytes, the per-connection Stub that runs one toxic, the Toxic
protocol and the typed decoding of a toxic's integer attributes.

Toxics never touch sockets: they receive chunks, wait through their Stub (so that an update or
a removal can interrupt them) and pass chunks on through `emit`; closing the connection is
asked of the Stub's link. This module must not hold global state or draw from the global
random module.
"""

from __future__ import annotations

import asyncio
import dataclasses
import math
import random
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, ClassVar, Protocol, Self

from harness.faultproxy.codec import number_text
from harness.limits import INT64_MAX, INT64_MIN


class Chunk:
    """Bytes read from one socket in one read, stamped with the loop time of that read."""

    __slots__ = ("data", "read_at")

    def __init__(self, data: bytes, read_at: float) -> None:
        self.data = data
        self.read_at = read_at


Emit = Callable[[Chunk], Awaitable[None]]


class LinkControl(Protocol):
    """What a toxic may ask of the connection it runs on."""

    def close_link(self, *, reset: bool) -> None:
        """Close both sockets of the connection; `reset` sends RST instead of FIN."""


class ToxicAttributeError(ValueError):
    """A toxic's attributes could not be decoded or would make the toxic misbehave."""


class Toxic(Protocol):
    """One fault applied to the chunks of one direction of one connection."""

    type_name: ClassVar[str]
    go_name: ClassVar[str]

    def pipe(self, stub: Stub, chunk: Chunk, emit: Emit) -> Awaitable[None]:
        """Handle one chunk: pass it on through `emit` (changed, split, late) or drop it."""

    def start(self, stub: Stub) -> None:
        """Called when the toxic begins (or restarts) on a connection and applies there."""

    def finish(self, stub: Stub) -> Awaitable[None]:
        """Called when the source reached EOF, before the destination is closed."""

    def remove(self, stub: Stub) -> None:
        """Called when the toxic is removed from a connection, whatever the toxicity draw."""

    def attributes(self) -> dict[str, int]:
        """The attributes as the API shows them, in Toxiproxy's order."""

    def merged(self, raw: Mapping[str, Any]) -> Self:
        """A copy with the JSON attributes in `raw` decoded over this one (a merge)."""


class Stub:
    """Runs one toxic on one direction of one connection: toxicity draw, waits, alarm, state."""

    __slots__ = (
        "_alarm",
        "_waiter",
        "active",
        "control",
        "draw_rng",
        "effect_rng",
        "emitted_bytes",
        "interrupted",
        "loop",
        "name",
        "pace_at",
        "removed",
        "toxic",
        "toxicity",
    )

    def __init__(
        self,
        name: str,
        toxic: Toxic,
        toxicity: float,
        *,
        control: LinkControl,
        draw_rng: random.Random,
        effect_rng: random.Random,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        self.name = name
        self.toxic = toxic
        self.toxicity = toxicity
        self.control = control
        self.draw_rng = draw_rng
        self.effect_rng = effect_rng
        self.loop = loop
        self.active = False
        self.interrupted = False
        self.removed = False
        self.emitted_bytes = 0
        self.pace_at = 0.0
        self._waiter: asyncio.Future[None] | None = None
        self._alarm: asyncio.TimerHandle | None = None

    def begin(self) -> None:
        """Draw toxicity for this connection and direction, then start the toxic if it applies."""
        self.active = self.draw_rng.random() < self.toxicity
        self.pace_at = 0.0
        if self.active:
            self.toxic.start(self)

    def update(self, toxic: Toxic, toxicity: float) -> None:
        """Swap in new attributes: interrupt the running chunk, re-draw and restart."""
        self.interrupt()
        self.cancel_alarm()
        self.toxic = toxic
        self.toxicity = toxicity
        self.begin()

    def drop(self) -> None:
        """Take the toxic off the connection: interrupt it and run its removal hook."""
        self.removed = True
        self.interrupt()
        self.cancel_alarm()
        self.toxic.remove(self)

    def interrupt(self) -> None:
        """Cut the current wait short; the chunk in hand is passed on without further delay."""
        self.interrupted = True
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def now(self) -> float:
        """The loop clock, in seconds."""
        return self.loop.time()

    async def sleep_until(self, deadline: float) -> bool:
        """Wait until loop time `deadline` (inf = until interrupted); False if interrupted."""
        if self.interrupted:
            return False
        delay_s = deadline - self.loop.time()
        if delay_s <= 0:
            return True
        waiter: asyncio.Future[None] = self.loop.create_future()
        self._waiter = waiter
        timer = None if math.isinf(delay_s) else self.loop.call_later(delay_s, _wake, waiter)
        try:
            await waiter
        finally:
            self._waiter = None
            if timer is not None:
                timer.cancel()
        return not self.interrupted

    def set_alarm(self, delay_s: float, callback: Callable[[], None]) -> None:
        """(Re-)arm the stub's one alarm; it is cancelled on update, removal and close."""
        self.cancel_alarm()
        self._alarm = self.loop.call_later(max(delay_s, 0.0), callback)

    def cancel_alarm(self) -> None:
        """Disarm the alarm if it is set."""
        if self._alarm is not None:
            self._alarm.cancel()
            self._alarm = None


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


class IntAttributes:
    """Mixin for frozen dataclass toxics whose attributes are Go int64 fields.

    Each dataclass field carries `metadata={"json": "<attribute name>"}` (plus `"go_type":
    "int"` where Toxiproxy's field is an int, not an int64); `go_name` is the Go struct name
    used in decode error messages.
    """

    type_name: ClassVar[str]
    go_name: ClassVar[str]

    def attributes(self) -> dict[str, int]:
        """The attributes as the API shows them, in declaration order."""
        return {
            f.metadata["json"]: getattr(self, f.name)
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
        }

    def merged(self, raw: Mapping[str, Any]) -> Self:
        """Decode `raw` over this toxic: case-insensitive keys, null keeps, ints only."""
        by_key = {f.metadata["json"]: f for f in dataclasses.fields(self)}  # type: ignore[arg-type]
        changes: dict[str, int] = {}
        for key, value in raw.items():
            field = by_key.get(key.lower())
            if field is None or value is None:
                continue
            where = f"{self.go_name}.attributes.{field.metadata['json']}"
            changes[field.name] = _go_int(value, where, field.metadata.get("go_type", "int64"))
        updated = dataclasses.replace(self, **changes)  # type: ignore[type-var]
        updated.validate()
        return updated

    def validate(self) -> None:
        """Reject values that would make the toxic misbehave; the default accepts all."""

    def start(self, stub: Stub) -> None:
        """Nothing to do when the toxic begins."""

    async def finish(self, stub: Stub) -> None:
        """Nothing to do at EOF."""

    def remove(self, stub: Stub) -> None:
        """Nothing to clean up."""


def _go_int(value: object, where: str, go_type: str) -> int:
    """A Go int/int64 attribute (both 64-bit on Toxiproxy's platforms), or Go's error."""
    if isinstance(value, bool):
        kind = "bool"
    elif isinstance(value, int):
        if INT64_MIN <= value <= INT64_MAX:
            return value
        kind = f"number {value}"
    elif isinstance(value, float):
        kind = f"number {number_text(value)}"
    elif isinstance(value, str):
        kind = "string"
    elif isinstance(value, list):
        kind = "array"
    else:
        kind = "object"
    raise ToxicAttributeError(
        f"json: cannot unmarshal {kind} into Go struct field {where} of type {go_type}"
    )
