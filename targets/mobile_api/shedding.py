"""Load shedding at the edge: refuse cheaply with 503 + Retry-After above `shed_max_inflight`.

An ASGI middleware counts customer requests (`/v1/...`; the status page is its own service and
stays readable during an overload) in flight; when the limit is reached a new one is refused at once
with `{"error": "overloaded"}` and `Retry-After: retry_after_s`. With no limit (fragile) every
request queues, however long that takes.

This module must not look at request bodies or do anything slower than a counter.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send


class LoadShedder:
    """ASGI middleware bounding in-flight customer requests."""

    def __init__(
        self,
        app: ASGIApp,
        max_inflight: int | None,
        retry_after_s: int,
        on_shed: Callable[[str], None],
    ) -> None:
        self.app = app
        self.max_inflight = max_inflight
        self.retry_after_s = retry_after_s
        self.on_shed = on_shed
        self.inflight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or not path.startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        if self.max_inflight is not None and self.inflight >= self.max_inflight:
            self.on_shed(path)
            await self._refuse(send)
            return
        self.inflight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.inflight -= 1

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(
            {"error": "overloaded", "detail": "too many requests in flight; retry later"}
        ).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", str(self.retry_after_s).encode()),
        ]
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": body})
