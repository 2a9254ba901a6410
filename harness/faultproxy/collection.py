"""The set of proxies and the operations Toxiproxy's API performs on it: create, update,
delete, populate, reset, and the toxic operations.

Every operation raises ApiError with Toxiproxy's status and message. Mutations are serialised
by one lock, as Toxiproxy serialises them with a mutex. This module must not parse HTTP; it
receives decoded values.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from harness.faultproxy.address import AddressError, resolve, resolved_text
from harness.faultproxy.proxy import LinkTraffic, Proxy, ToxicEntry
from harness.faultproxy.toxics import Toxic


class ApiError(Exception):
    """An API failure: HTTP status and Toxiproxy's error string."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


PROXY_NOT_FOUND = (404, "proxy not found")
PROXY_EXISTS = (409, "proxy already exists")
TOXIC_NOT_FOUND = (404, "toxic not found")
TOXIC_EXISTS = (409, "toxic already exists")


@dataclass(frozen=True)
class ProxyConfig:
    """A proxy as a create or populate body describes it."""

    name: str
    listen: str
    upstream: str
    enabled: bool


class ProxyCollection:
    """All proxies of one server, by name."""

    def __init__(
        self,
        *,
        seed: int,
        loop: asyncio.AbstractEventLoop,
        on_traffic: Callable[[LinkTraffic], None] | None = None,
    ) -> None:
        self.proxies: dict[str, Proxy] = {}
        self.lock = asyncio.Lock()
        self._seed = seed
        self._loop = loop
        self._on_traffic = on_traffic

    def get(self, name: str) -> Proxy:
        """The proxy, or 404."""
        proxy = self.proxies.get(name)
        if proxy is None:
            raise ApiError(*PROXY_NOT_FOUND)
        return proxy

    def _new(self, config: ProxyConfig) -> Proxy:
        return Proxy(
            config.name,
            config.listen,
            config.upstream,
            seed=self._seed,
            loop=self._loop,
            on_traffic=self._on_traffic,
        )

    async def create(self, config: ProxyConfig) -> Proxy:
        """Create (and start when enabled); 409 on a taken name, 500 on a bind failure."""
        if config.name in self.proxies:
            raise ApiError(*PROXY_EXISTS)
        proxy = self._new(config)
        if config.enabled:
            await _start(proxy)
        self.proxies[config.name] = proxy
        return proxy

    async def update(self, proxy: Proxy, listen: str, upstream: str, enabled: bool) -> None:
        """Toxiproxy's Proxy.Update: restart only if the resolved listen or upstream changed."""
        try:
            resolved = resolved_text(await resolve(listen, self._loop))
        except AddressError as exc:
            raise ApiError(500, str(exc)) from None
        if proxy.listen != resolved or proxy.upstream != upstream:
            proxy.stop()
            proxy.listen = listen
            proxy.upstream = upstream
        if enabled != proxy.enabled:
            if enabled:
                await _start(proxy)
            else:
                proxy.stop()

    def delete(self, name: str) -> None:
        """Stop and forget the proxy."""
        proxy = self.get(name)
        proxy.stop()
        del self.proxies[name]

    async def populate(self, configs: list[ProxyConfig]) -> list[Proxy]:
        """Create or replace each proxy in order; stop at the first failure (no rollback).

        Raises PopulateError carrying the proxies processed before the failure.
        """
        done: list[Proxy] = []
        for config in configs:
            try:
                done.append(await self._add_or_replace(config))
            except ApiError as exc:
                raise PopulateError(exc.status, exc.message, done) from None
        return done

    async def _add_or_replace(self, config: ProxyConfig) -> Proxy:
        existing = self.proxies.get(config.name)
        if existing is None:
            return await self.create(config)
        try:
            resolved = resolved_text(await resolve(config.listen, self._loop))
        except AddressError as exc:
            raise ApiError(500, str(exc)) from None
        if existing.listen == resolved and existing.upstream == config.upstream:
            return existing
        existing.stop()
        proxy = self._new(config)
        if config.enabled:
            await _start(proxy)
        self.proxies[config.name] = proxy
        return proxy

    async def reset(self) -> None:
        """Re-enable every proxy and remove every toxic; 500 at the first bind failure."""
        for proxy in list(self.proxies.values()):
            await _start(proxy)
            proxy.remove_all_toxics()

    def stop_all(self) -> None:
        """Close every listener and connection (server shutdown)."""
        for proxy in self.proxies.values():
            proxy.stop()

    # -- toxics -----------------------------------------------------------------------------

    def add_toxic(self, proxy: Proxy, entry: ToxicEntry) -> None:
        """Add a toxic; names are unique across both streams."""
        if proxy.find_toxic(entry.name) is not None:
            raise ApiError(*TOXIC_EXISTS)
        proxy.add_toxic(entry)

    def toxic(self, proxy: Proxy, name: str) -> ToxicEntry:
        """The toxic, or 404."""
        entry = proxy.find_toxic(name)
        if entry is None:
            raise ApiError(*TOXIC_NOT_FOUND)
        return entry

    def update_toxic(self, proxy: Proxy, name: str, toxic: Toxic, toxicity: float) -> ToxicEntry:
        """Replace attributes and toxicity of an existing toxic."""
        self.toxic(proxy, name)
        return proxy.update_toxic(name, toxic, toxicity)

    def remove_toxic(self, proxy: Proxy, name: str) -> None:
        """Remove a toxic, or 404."""
        self.toxic(proxy, name)
        proxy.remove_toxic(name)


class PopulateError(ApiError):
    """A populate failure, with the proxies created or kept before it."""

    def __init__(self, status: int, message: str, done: list[Proxy]) -> None:
        super().__init__(status, message)
        self.done = done


async def _start(proxy: Proxy) -> None:
    try:
        await proxy.start()
    except AddressError as exc:
        raise ApiError(500, str(exc)) from None
