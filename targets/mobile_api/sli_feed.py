"""The mobile API's detection feed: count each customer request, post the counts to status.

`SliRecorder` (pure ASGI, the outermost middleware, so the edge's own shedding counts too)
watches a request go by without changing it: it keeps a copy of the first bytes of a body that
says which product or customer it is (login, transfers), reads the answer's status, and
records the outcome in an `sli.SliTally`, with the customer from the login body or the bearer
token (`customer_of`). `feed_status` posts the tally to the status service's
`/internal/observations` about every `FEED_INTERVAL_S` (the app's client carries the service
credential); a batch the status service does not take in time is dropped, never resent.
This module must not decide what counts as failed or which product a route is (`sli.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

import httpx
import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from targets.mobile_api.sli import (
    SliTally,
    components_of,
    failed,
    is_customer_request,
    login_customer,
)

log = structlog.get_logger()

FEED_INTERVAL_S = 0.5
FEED_TIMEOUT_S = 1.0
KEPT_BODY_BYTES = 16 * 1024
BODY_ROUTES = ("/v1/auth/login", "/v1/transfers")


class SliRecorder:
    """Counts every customer request's outcome into `tally`."""

    def __init__(
        self, app: ASGIApp, tally: SliTally, customer_of: Callable[[str], str | None]
    ) -> None:
        self.app = app
        self.tally = tally
        self.customer_of = customer_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not is_customer_request(path):
            await self.app(scope, receive, send)
            return
        kept = bytearray()
        status: list[int] = []
        customer = self._bearer_customer(scope)

        async def keeping_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request" and path in BODY_ROUTES:
                room = KEPT_BODY_BYTES - len(kept)
                kept.extend(message.get("body", b"")[: max(0, room)])
            return message

        async def watching_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
            await send(message)

        try:
            await self.app(scope, keeping_receive, watching_send)
        finally:
            body = bytes(kept)
            components = components_of(scope.get("method", "GET"), path, body)
            if path == "/v1/auth/login":
                customer = login_customer(body)
            answer = status[0] if status else None
            self.tally.record(components, not failed(answer), customer)

    def _bearer_customer(self, scope: Scope) -> str | None:
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                kind, _, token = value.decode("latin-1").partition(" ")
                if kind.lower() == "bearer" and token.strip():
                    return self.customer_of(token.strip())
        return None


async def feed_status(
    client: httpx.AsyncClient,
    status_url: str,
    tally: SliTally,
    clock: Callable[[], float],
    stop: asyncio.Event,
) -> None:
    """Post a batch every FEED_INTERVAL_S until `stop` is set (one last batch then)."""
    url = status_url.rstrip("/") + "/internal/observations"
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), FEED_INTERVAL_S)
        batch = {"at_s": clock(), "observations": tally.drain()}
        with contextlib.suppress(TimeoutError, httpx.HTTPError):
            async with asyncio.timeout(FEED_TIMEOUT_S):
                await client.post(url, json=batch)
        if stop.is_set():
            return


async def announce_reset(client: httpx.AsyncClient, status_url: str, at_s: float) -> None:
    """Tell the status service that every customer must set a new password (it announces the
    reset and, hardened, notifies every customer); a failure is logged, never raised."""
    url = status_url.rstrip("/") + "/internal/resets"
    try:
        async with asyncio.timeout(FEED_TIMEOUT_S):
            await client.post(url, json={})
    except (TimeoutError, httpx.HTTPError) as exc:
        log.warning("reset_announcement_failed", error=type(exc).__name__)
