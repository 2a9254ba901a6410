"""One proxied TCP connection: the client socket, the upstream socket and the two Directions
between them.

The client's reads are held until the upstream is connected (bytes that arrive earlier are
kept by the upstream Direction, never dropped); the upstream dial runs in its own task, so a
slow or black-holed upstream never blocks the proxy's accept loop. A failed dial closes the client
at once. When either side ends, both directions drain and both sockets end fully closed (no
half-close propagation, as in Toxiproxy). This module must not know about the HTTP API.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
from collections.abc import Callable
from typing import Protocol, cast

import structlog

from harness.faultproxy.direction import Direction
from harness.faultproxy.toxics import Stub, Toxic

log = structlog.get_logger()

WRITE_BUFFER_HIGH_BYTES = 1024 * 1024
LINGER_ZERO = struct.pack("ii", 1, 0)


class LinkOwner(Protocol):
    """What a link needs from its proxy."""

    name: str

    def link_closed(self, link: Link) -> None:
        """The link has closed both sockets."""


class Link:
    """A client connection proxied to the upstream, with its two directions."""

    def __init__(
        self,
        owner: LinkOwner,
        index: int,
        seed_key: str,
        loop: asyncio.AbstractEventLoop,
        on_closed: Callable[[Link], None],
    ) -> None:
        self.owner = owner
        self.index = index
        self.seed_key = seed_key
        self.loop = loop
        self.client: asyncio.Transport | None = None
        self.server: asyncio.Transport | None = None
        self.upstream = Direction("upstream", loop, self._direction_ended)
        self.downstream = Direction("downstream", loop, self._direction_ended)
        self.closed = False
        self._on_closed = on_closed
        self._dial_task: asyncio.Task[None] | None = None

    # -- lifecycle --------------------------------------------------------------------------

    def client_connected(self, transport: asyncio.Transport, host: str, port: int) -> None:
        """The client is accepted: hold its reads and dial the upstream in a task."""
        self.client = transport
        transport.set_write_buffer_limits(high=WRITE_BUFFER_HIGH_BYTES)
        self.upstream.source = transport
        self.downstream.dest = transport
        self.upstream.refresh_reading()
        self._dial_task = self.loop.create_task(self._dial(host, port))

    async def _dial(self, host: str, port: int) -> None:
        try:
            await self.loop.create_connection(lambda: ServerSide(self), host, port)
        except (OSError, ValueError) as exc:
            log.debug("upstream_dial_failed", proxy=self.owner.name, error=str(exc))
            self.close(reset=False)
        finally:
            self._dial_task = None

    def server_connected(self, transport: asyncio.Transport) -> None:
        """The upstream answered: wire both directions and let the client's bytes flow."""
        if self.closed:
            transport.close()
            return
        self.server = transport
        transport.set_write_buffer_limits(high=WRITE_BUFFER_HIGH_BYTES)
        self.downstream.source = transport
        self.upstream.connect_dest(transport)

    def _direction_ended(self, direction: Direction) -> None:
        dest = direction.dest
        if dest is not None:
            dest.close()
        other = self.downstream if direction is self.upstream else self.upstream
        other.feed_end()
        if self.upstream.ended and self.downstream.ended:
            self.close(reset=False)

    def close(self, *, reset: bool) -> None:
        """Close both sockets now (flushing what is written unless `reset`)."""
        if self.closed:
            return
        self.closed = True
        self.upstream.stop()
        self.downstream.stop()
        if self._dial_task is not None:
            self._dial_task.cancel()
        for transport in (self.client, self.server):
            if transport is None or (transport.is_closing() and not reset):
                continue
            if reset:
                _abort_with_rst(transport)
            else:
                transport.close()
        self._on_closed(self)

    def close_link(self, *, reset: bool) -> None:
        """LinkControl for toxics: close the whole connection."""
        self.close(reset=reset)

    # -- toxics -----------------------------------------------------------------------------

    def direction(self, stream: str) -> Direction:
        """The direction for `upstream` or `downstream`."""
        return self.upstream if stream == "upstream" else self.downstream

    def attach(self, stream: str, name: str, toxic: Toxic, toxicity: float) -> None:
        """Start a toxic on this connection (live if bytes are already flowing)."""
        key = f"{self.seed_key}:{stream}:{name}"
        stub = Stub(
            name,
            toxic,
            toxicity,
            control=self,
            draw_rng=random.Random(f"{key}:toxicity"),
            effect_rng=random.Random(f"{key}:effect"),
            loop=self.loop,
        )
        self.direction(stream).attach(stub)

    def update(self, stream: str, name: str, toxic: Toxic, toxicity: float) -> None:
        """Apply new attributes and toxicity to the running stub (re-draws toxicity)."""
        stub = self.direction(stream).find(name)
        if stub is not None:
            stub.update(toxic, toxicity)

    def detach(self, stream: str, name: str) -> None:
        """Remove a toxic from this connection."""
        self.direction(stream).detach(name)


def _abort_with_rst(transport: asyncio.Transport) -> None:
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_ZERO)
    transport.abort()


class ClientSide(asyncio.Protocol):
    """The accepted client socket's protocol."""

    __slots__ = ("link", "upstream_host", "upstream_port")

    def __init__(self, link: Link, upstream_host: str, upstream_port: int) -> None:
        self.link = link
        self.upstream_host = upstream_host
        self.upstream_port = upstream_port

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Accepted: start the link."""
        self.link.client_connected(
            cast(asyncio.Transport, transport), self.upstream_host, self.upstream_port
        )

    def data_received(self, data: bytes) -> None:
        """Client bytes go upstream."""
        self.link.upstream.feed(data)

    def eof_received(self) -> bool:
        """Client sent FIN: end the upstream direction, keep the socket for the drain."""
        self.link.upstream.feed_end()
        return True

    def connection_lost(self, exc: Exception | None) -> None:
        """Client socket is gone."""
        link = self.link
        if link.server is None:
            link.close(reset=False)
        else:
            link.upstream.feed_end()
            link.downstream.feed_end()

    def pause_writing(self) -> None:
        """Client write buffer full: hold the downstream source."""
        self.link.downstream.pause_dest()

    def resume_writing(self) -> None:
        """Client write buffer drained."""
        self.link.downstream.resume_dest()


class ServerSide(asyncio.Protocol):
    """The upstream socket's protocol."""

    __slots__ = ("link",)

    def __init__(self, link: Link) -> None:
        self.link = link

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Dialled: wire the link."""
        self.link.server_connected(cast(asyncio.Transport, transport))

    def data_received(self, data: bytes) -> None:
        """Server bytes go downstream."""
        self.link.downstream.feed(data)

    def eof_received(self) -> bool:
        """Server sent FIN: end the downstream direction."""
        self.link.downstream.feed_end()
        return True

    def connection_lost(self, exc: Exception | None) -> None:
        """Upstream socket is gone."""
        self.link.downstream.feed_end()
        self.link.upstream.feed_end()

    def pause_writing(self) -> None:
        """Server write buffer full: hold the upstream source."""
        self.link.upstream.pause_dest()

    def resume_writing(self) -> None:
        """Server write buffer drained."""
        self.link.upstream.resume_dest()
