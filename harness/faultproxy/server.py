"""The fault proxy server: the API listener, the proxy collection and their lifecycle.

`FaultProxyServer.start()` binds the API (port 0 picks a free port) and optionally loads a
populate-format config file; `close()` stops the API and every proxy with its connections.
This module must not install signal handlers or parse command lines (see `__main__`).
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass
from pathlib import Path

import structlog

from harness.faultproxy.api import Api
from harness.faultproxy.collection import ProxyCollection
from harness.faultproxy.metrics import ProxyMetrics
from harness.faultproxy.wire import Request, Response, serve_connection

log = structlog.get_logger()

STREAM_LIMIT_BYTES = 64 * 1024


@dataclass(frozen=True)
class ServerOptions:
    """How to run the server; `seed` None draws one at random (still per-connection derived)."""

    host: str = "127.0.0.1"
    port: int = 8474
    seed: int | None = None
    config_path: Path | None = None
    proxy_metrics: bool = False
    runtime_metrics: bool = False


class FaultProxyServer:
    """One Toxiproxy-compatible server on the running event loop."""

    def __init__(self, options: ServerOptions) -> None:
        self.options = options
        self.seed = options.seed if options.seed is not None else int.from_bytes(os.urandom(6))
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.StreamWriter] = set()
        self.collection: ProxyCollection | None = None
        self.api: Api | None = None
        self.address: tuple[str, int] = (options.host, options.port)

    async def start(self) -> tuple[str, int]:
        """Bind the API, load the config file if any; returns the bound (host, port)."""
        loop = asyncio.get_running_loop()
        metrics = ProxyMetrics() if self.options.proxy_metrics else None
        self.collection = ProxyCollection(
            seed=self.seed, loop=loop, on_traffic=metrics.record if metrics else None
        )
        self.api = Api(self.collection, metrics, self.options.runtime_metrics)
        self._server = await asyncio.start_server(
            self._serve, self.options.host, self.options.port, limit=STREAM_LIMIT_BYTES
        )
        host, port = self._server.sockets[0].getsockname()[:2]
        self.address = (str(host), int(port))
        if self.options.config_path is not None:
            await self._load_config(self.options.config_path)
        return self.address

    async def _load_config(self, path: Path) -> None:
        assert self.api is not None
        try:
            body = path.read_bytes()
        except OSError as exc:
            log.error("faultproxy_config_unreadable", path=str(path), error=str(exc))
            return
        response = await self.api.handle(Request("POST", "/populate", "HTTP/1.1", {}, body))
        if response.status != 201:
            log.error(
                "faultproxy_config_failed",
                path=str(path),
                error=_error_text(response),
            )
        else:
            log.info("faultproxy_config_loaded", path=str(path))

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        assert self.api is not None
        self._connections.add(writer)
        try:
            await serve_connection(reader, writer, self.api.handle)
        finally:
            self._connections.discard(writer)

    async def close(self) -> None:
        """Stop the API listener, its connections, every proxy and every proxied connection."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._connections):
            writer.close()
        if self.collection is not None:
            self.collection.stop_all()
        await asyncio.sleep(0)


def _error_text(response: Response) -> str:
    try:
        return str(json.loads(response.body).get("error"))
    except (ValueError, AttributeError):
        return response.body.decode("utf-8", errors="replace")
