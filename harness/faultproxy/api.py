"""Toxiproxy 2.12's HTTP API: routing, middleware (request id, browser block) and handlers.

Routes, methods, status codes and bodies follow the Go server: unknown paths are 404
`404 page not found`, a wrong method on a known path is an empty 405, browsers get 403,
errors are `{"error","status"}` plus a newline as text/plain. Bad input of any kind gets an
answer; nothing here may let an exception escape to the connection.
"""

from __future__ import annotations

import base64
import itertools
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any

import structlog

from harness.faultproxy import VERSION
from harness.faultproxy.bodies import (
    populate_configs,
    proxy_config,
    proxy_fields,
    toxic_fields,
    toxic_update_fields,
)
from harness.faultproxy.codec import BodyError
from harness.faultproxy.collection import ApiError, PopulateError, ProxyCollection
from harness.faultproxy.metrics import ProxyMetrics, runtime_lines
from harness.faultproxy.proxy import ToxicEntry
from harness.faultproxy.representation import (
    JSON,
    PLAIN,
    error_json,
    populate_error_json,
    populate_json,
    proxies_json,
    proxy_json,
    toxic_json,
    toxics_json,
)
from harness.faultproxy.toxics import TOXIC_TYPES, Toxic, ToxicAttributeError
from harness.faultproxy.wire import Request, Response

log = structlog.get_logger()

NOT_FOUND_BODY = b"404 page not found\n"
Params = tuple[str, ...]
Handler = Callable[[Request, Params], Awaitable[Response]]


class RequestIds:
    """20-character xid-style ids: time, process and a counter in base32hex."""

    def __init__(self) -> None:
        self._process = os.urandom(5)
        self._counter = itertools.count(int.from_bytes(os.urandom(3), "big"))

    def next_id(self) -> str:
        """A fresh id."""
        raw = (
            int(time.time()).to_bytes(4, "big")
            + self._process
            + (next(self._counter) & 0xFFFFFF).to_bytes(3, "big")
        )
        return base64.b32hexencode(raw).decode().lower().rstrip("=")


class Api:
    """Dispatches requests to handlers over one ProxyCollection."""

    def __init__(
        self, collection: ProxyCollection, metrics: ProxyMetrics | None, runtime_metrics: bool
    ) -> None:
        self.collection = collection
        self.metrics = metrics
        self.runtime_metrics = runtime_metrics
        self.started_at_s = time.time()
        self._ids = RequestIds()
        self._routes = self._route_table()

    def _route_table(self) -> dict[tuple[str, ...], dict[str, Handler]]:
        routes: dict[tuple[str, ...], dict[str, Handler]] = {
            ("proxies",): {"GET": self.list_proxies, "POST": self.create_proxy},
            ("proxies", "{}"): {
                "GET": self.get_proxy,
                "POST": self.update_proxy,
                "PATCH": self.update_proxy,
                "DELETE": self.delete_proxy,
            },
            ("proxies", "{}", "toxics"): {"GET": self.list_toxics, "POST": self.create_toxic},
            ("proxies", "{}", "toxics", "{}"): {
                "GET": self.get_toxic,
                "POST": self.update_toxic,
                "PATCH": self.update_toxic,
                "DELETE": self.delete_toxic,
            },
            ("populate",): {"POST": self.populate},
            ("reset",): {"POST": self.reset},
            ("version",): {"GET": self.version},
        }
        if self.metrics is not None or self.runtime_metrics:
            routes[("metrics",)] = {"*": self.metrics_text}
        return routes

    async def handle(self, request: Request) -> Response:
        """Route, apply the middleware, run the handler and turn errors into responses."""
        methods, params = self._route(request.path)
        if methods is None:
            return _plain(404, NOT_FOUND_BODY)
        handler = methods.get(request.method) or methods.get("*")
        if handler is None:
            return Response(405)
        request_id = ("X-Toxiproxy-Request-Id", self._ids.next_id())
        if request.headers.get("user-agent", "").startswith("Mozilla/"):
            response = _plain(403, b"User agent not allowed\n")
        else:
            response = await self._run(handler, request, params)
        return Response(response.status, response.body, [*response.headers, request_id])

    async def _run(self, handler: Handler, request: Request, params: Params) -> Response:
        try:
            return await handler(request, params)
        except ApiError as exc:
            return _error(exc.status, exc.message)
        except BodyError as exc:
            return _error(400, f"bad request body: {exc}")
        except Exception as exc:
            log.exception("api_handler_failed", path=request.path, method=request.method)
            return _error(500, f"internal error: {type(exc).__name__}")

    def _route(self, path: str) -> tuple[dict[str, Handler] | None, Params]:
        parts = path.split("/")[1:]
        if any(part == "" for part in parts):
            return None, ()
        shape = tuple(p if i % 2 == 0 else "{}" for i, p in enumerate(parts))
        methods = self._routes.get(shape)
        return methods, tuple(parts[1::2])

    # -- proxies ----------------------------------------------------------------------------

    async def list_proxies(self, request: Request, params: Params) -> Response:
        """GET /proxies."""
        return _json(200, proxies_json(self.collection.proxies))

    async def create_proxy(self, request: Request, params: Params) -> Response:
        """POST /proxies."""
        config = proxy_config(proxy_fields(request.body))
        async with self.collection.lock:
            proxy = await self.collection.create(config)
        return _json(201, proxy_json(proxy))

    async def get_proxy(self, request: Request, params: Params) -> Response:
        """GET /proxies/{proxy}."""
        return _json(200, proxy_json(self.collection.get(params[0])))

    async def update_proxy(self, request: Request, params: Params) -> Response:
        """POST or PATCH /proxies/{proxy}: a partial update."""
        async with self.collection.lock:
            proxy = self.collection.get(params[0])
            fields = proxy_fields(request.body)
            await self.collection.update(
                proxy,
                fields.get("listen", proxy.listen),
                fields.get("upstream", proxy.upstream),
                fields.get("enabled", proxy.enabled),
            )
        return _json(200, proxy_json(proxy))

    async def delete_proxy(self, request: Request, params: Params) -> Response:
        """DELETE /proxies/{proxy}."""
        async with self.collection.lock:
            self.collection.delete(params[0])
        return Response(204)

    async def populate(self, request: Request, params: Params) -> Response:
        """POST /populate: validate all, then create or replace in order, no rollback."""
        try:
            configs = populate_configs(request.body)
        except BodyError as exc:
            return _json(400, populate_error_json(400, f"bad request body: {exc}", None))
        except ApiError as exc:
            return _json(exc.status, populate_error_json(exc.status, exc.message, None))
        async with self.collection.lock:
            try:
                proxies = await self.collection.populate(configs)
            except PopulateError as exc:
                body = populate_error_json(exc.status, exc.message, exc.done)
                return _json(exc.status, body)
        return _json(201, populate_json(proxies))

    async def reset(self, request: Request, params: Params) -> Response:
        """POST /reset: enable every proxy, remove every toxic."""
        async with self.collection.lock:
            await self.collection.reset()
        return Response(204)

    async def version(self, request: Request, params: Params) -> Response:
        """GET /version."""
        body = f'{{"version": "{VERSION}"}}\n'.encode()
        return Response(200, body, [("Content-Type", "application/json;charset=utf-8")])

    async def metrics_text(self, request: Request, params: Params) -> Response:
        """/metrics: Prometheus text exposition."""
        lines = self.metrics.render() if self.metrics is not None else []
        if self.runtime_metrics:
            lines += runtime_lines(self.started_at_s)
        body = ("\n".join(lines) + "\n").encode()
        return Response(200, body, [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")])

    # -- toxics -----------------------------------------------------------------------------

    async def list_toxics(self, request: Request, params: Params) -> Response:
        """GET /proxies/{proxy}/toxics."""
        return _json(200, toxics_json(self.collection.get(params[0])))

    async def create_toxic(self, request: Request, params: Params) -> Response:
        """POST /proxies/{proxy}/toxics."""
        async with self.collection.lock:
            proxy = self.collection.get(params[0])
            fields = toxic_fields(request.body)
            stream_text = fields.get("stream", "downstream")
            stream = stream_text.lower()
            if stream not in ("upstream", "downstream"):
                raise ApiError(400, "stream was invalid, can be either upstream or downstream")
            type_name = fields.get("type", "")
            name = fields.get("name") or f"{type_name}_{stream_text}"
            toxic_type = TOXIC_TYPES.get(type_name)
            if toxic_type is None:
                raise ApiError(400, "invalid toxic type")
            if proxy.find_toxic(name) is not None:
                raise ApiError(409, "toxic already exists")
            toxic = _merge(toxic_type(), fields.get("attributes", {}))
            entry = ToxicEntry(
                name, type_name, stream_text, stream, fields.get("toxicity", 1.0), toxic
            )
            self.collection.add_toxic(proxy, entry)
        return _json(200, toxic_json(entry))

    async def get_toxic(self, request: Request, params: Params) -> Response:
        """GET /proxies/{proxy}/toxics/{toxic}."""
        proxy = self.collection.get(params[0])
        return _json(200, toxic_json(self.collection.toxic(proxy, params[1])))

    async def update_toxic(self, request: Request, params: Params) -> Response:
        """POST or PATCH /proxies/{proxy}/toxics/{toxic}: merge attributes, maybe toxicity."""
        async with self.collection.lock:
            proxy = self.collection.get(params[0])
            current = self.collection.toxic(proxy, params[1])
            fields = toxic_update_fields(request.body, current.toxic.go_name)
            toxic = _merge(current.toxic, fields.get("attributes", {}))
            toxicity = fields.get("toxicity", current.toxicity)
            entry = self.collection.update_toxic(proxy, current.name, toxic, toxicity)
        return _json(200, toxic_json(entry))

    async def delete_toxic(self, request: Request, params: Params) -> Response:
        """DELETE /proxies/{proxy}/toxics/{toxic}."""
        async with self.collection.lock:
            proxy = self.collection.get(params[0])
            self.collection.remove_toxic(proxy, params[1])
        return Response(204)


def _merge(toxic: Toxic, attributes: dict[str, Any]) -> Toxic:
    try:
        return toxic.merged(attributes)
    except ToxicAttributeError as exc:
        raise BodyError(str(exc)) from None


def _json(status: int, text: str) -> Response:
    return Response(status, text.encode("utf-8", errors="replace"), [("Content-Type", JSON)])


def _plain(status: int, body: bytes) -> Response:
    return Response(status, body, [("Content-Type", PLAIN), ("X-Content-Type-Options", "nosniff")])


def _error(status: int, message: str) -> Response:
    return _plain(status, error_json(status, message).encode("utf-8", errors="replace"))
