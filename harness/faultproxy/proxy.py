"""One named proxy: its listener, its upstream, its toxics and its live connections.

Start binds the listen address (the resolved, bound address is stored back, so re-enabling
re-binds the same port); stop closes the listener and every connection. Toxic changes are
applied live to every open connection. This module must not parse HTTP or JSON.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace

from harness.faultproxy.address import AddressError, open_listener, split_host_port
from harness.faultproxy.link import ClientSide, Link
from harness.faultproxy.toxics import Toxic


@dataclass(frozen=True)
class ToxicEntry:
    """A toxic as configured on a proxy; `stream_text` is echoed as the client sent it."""

    name: str
    type_name: str
    stream_text: str
    stream: str
    toxicity: float
    toxic: Toxic


@dataclass(frozen=True)
class LinkTraffic:
    """Bytes a finished connection moved in one direction, for the proxy metrics."""

    proxy: str
    listener: str
    upstream: str
    direction: str
    received_bytes: int
    sent_bytes: int


class Proxy:
    """A listener that forwards every accepted connection to `upstream` through the toxics."""

    def __init__(
        self,
        name: str,
        listen: str,
        upstream: str,
        *,
        seed: int,
        loop: asyncio.AbstractEventLoop,
        on_traffic: Callable[[LinkTraffic], None] | None = None,
    ) -> None:
        self.name = name
        self.listen = listen
        self.upstream = upstream
        self.enabled = False
        self.toxics: list[ToxicEntry] = []
        self.links: set[Link] = set()
        self._seed = seed
        self._loop = loop
        self._on_traffic = on_traffic
        self._server: asyncio.Server | None = None
        self._counter = itertools.count()
        self._target = _upstream_target(upstream)

    # -- listener ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Bind and accept; no-op when already enabled. Raises AddressError (Go's text)."""
        if self.enabled:
            return
        sock, bound = await open_listener(self.listen, self._loop)
        self._target = _upstream_target(self.upstream)
        try:
            self._server = await self._loop.create_server(self._accept, sock=sock, backlog=4096)
        except OSError as exc:
            sock.close()
            raise AddressError(f"listen tcp {self.listen}: {exc}") from None
        self.listen = bound
        self.enabled = True

    def stop(self) -> None:
        """Close the listener and every connection through this proxy."""
        if self._server is not None:
            self._server.close()
            self._server = None
        self.enabled = False
        for link in list(self.links):
            link.close(reset=False)
        self.links.clear()

    def _accept(self) -> ClientSide:
        index = next(self._counter)
        link = Link(self, index, f"{self._seed}:{self.name}:{index}", self._loop, self.link_closed)
        self.links.add(link)
        for entry in self.toxics:
            link.attach(entry.stream, entry.name, entry.toxic, entry.toxicity)
        host, port = self._target
        return ClientSide(link, host, port)

    def link_closed(self, link: Link) -> None:
        """A connection finished: forget it and report its traffic."""
        self.links.discard(link)
        if self._on_traffic is None:
            return
        for direction in (link.upstream, link.downstream):
            self._on_traffic(
                LinkTraffic(
                    proxy=self.name,
                    listener=self.listen,
                    upstream=self.upstream,
                    direction=direction.stream,
                    received_bytes=direction.received_bytes,
                    sent_bytes=direction.sent_bytes,
                )
            )

    # -- toxics -----------------------------------------------------------------------------

    def find_toxic(self, name: str) -> ToxicEntry | None:
        """The toxic of this name in either stream."""
        return next((entry for entry in self.toxics if entry.name == name), None)

    def ordered_toxics(self) -> list[ToxicEntry]:
        """Upstream toxics first, then downstream, each in the order they were added."""
        ups = [entry for entry in self.toxics if entry.stream == "upstream"]
        return ups + [entry for entry in self.toxics if entry.stream != "upstream"]

    def add_toxic(self, entry: ToxicEntry) -> None:
        """Append the toxic to its stream's chain and start it on every connection."""
        self.toxics.append(entry)
        for link in list(self.links):
            link.attach(entry.stream, entry.name, entry.toxic, entry.toxicity)

    def update_toxic(self, name: str, toxic: Toxic, toxicity: float) -> ToxicEntry:
        """Swap the attributes and toxicity of a toxic, live on every connection."""
        index, old = next((i, e) for i, e in enumerate(self.toxics) if e.name == name)
        entry = replace(old, toxic=toxic, toxicity=toxicity)
        self.toxics[index] = entry
        for link in list(self.links):
            link.update(entry.stream, name, toxic, toxicity)
        return entry

    def remove_toxic(self, name: str) -> None:
        """Take the toxic out of the chain and off every connection."""
        entry = self.find_toxic(name)
        if entry is None:
            return
        self.toxics.remove(entry)
        for link in list(self.links):
            link.detach(entry.stream, name)

    def remove_all_toxics(self) -> None:
        """Remove every toxic, as `/reset` does."""
        for entry in list(self.toxics):
            self.remove_toxic(entry.name)


def _upstream_target(upstream: str) -> tuple[str, int]:
    """Host and port to dial; an unparsable upstream dials port 0, which fails at once."""
    try:
        host, port_text = split_host_port(upstream)
        return host or "127.0.0.1", int(port_text)
    except (AddressError, ValueError):
        return "127.0.0.1", 0
