"""The breach detector's edge: watch logins go by, send its alerts to the status service.

`BreachWatch` (pure ASGI middleware) keeps a copy of each login body and, when the answer
starts with 200 (so before the client has it), hands the customer and the `X-Device-Id`
header to the `breach.BreachDetector`; each alert it raises is kept in `AlertLog` and posted
to the status service's `/internal/security-alerts` (the `mobile-status` link; the app's
client carries the service credential) in the background: `SEND_ATTEMPTS` tries of
`SEND_TIMEOUT_S` each, never blocking the login. `GET /admin/security-alerts` lists what was
raised and whether it reached the status service.
This module must not judge what is a breach (`breach.py`) nor change any request or answer.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import httpx
from fastapi import APIRouter, Depends, FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from targets.access import require_admin
from targets.mobile_api.breach import BreachDetector, SecurityAlert
from targets.mobile_api.sli import login_customer

LOGIN_PATH = "/v1/auth/login"
DEVICE_HEADER = b"x-device-id"
KEPT_BODY_BYTES = 16 * 1024
SEND_ATTEMPTS = 3
SEND_TIMEOUT_S = 2.0
MAX_KEPT_ALERTS = 1_000

Delivery = Literal["pending", "sent", "failed", "no_status_url"]


@dataclass
class _Entry:
    alert: SecurityAlert
    delivery: Delivery


@dataclass
class AlertLog:
    """The alerts raised (the newest `MAX_KEPT_ALERTS`), and the tasks still sending some."""

    entries: list[_Entry] = field(default_factory=list)
    sending: set[asyncio.Task[None]] = field(default_factory=set)
    raised: int = 0

    def json(self) -> dict[str, Any]:
        return {
            "raised": self.raised,
            "alerts": [
                {**asdict(e.alert), "customers": list(e.alert.customers), "delivery": e.delivery}
                for e in self.entries
            ],
        }


class BreachWatch:
    """Feeds every successful login to `detector`; sends what it raises."""

    def __init__(
        self,
        app: ASGIApp,
        detector: BreachDetector,
        log: AlertLog,
        client: httpx.AsyncClient,
        status_url: str | None,
    ) -> None:
        self.app = app
        self.detector = detector
        self.log = log
        self.client = client
        self.alerts_url = (
            None if status_url is None else status_url.rstrip("/") + "/internal/security-alerts"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") != LOGIN_PATH:
            await self.app(scope, receive, send)
            return
        kept = bytearray()

        async def keeping_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                room = KEPT_BODY_BYTES - len(kept)
                kept.extend(message.get("body", b"")[: max(0, room)])
            return message

        async def watching_send(message: Message) -> None:
            if message["type"] == "http.response.start" and int(message["status"]) == 200:
                self._observe(bytes(kept), _device(scope))
            await send(message)

        await self.app(scope, keeping_receive, watching_send)

    def _observe(self, body: bytes, device_id: str | None) -> None:
        customer = login_customer(body)
        if customer is None:
            return
        for alert in self.detector.observe_login(customer, device_id):
            entry = _Entry(alert, "pending" if self.alerts_url else "no_status_url")
            self.log.raised += 1
            self.log.entries.append(entry)
            del self.log.entries[:-MAX_KEPT_ALERTS]
            if self.alerts_url is not None:
                task = asyncio.get_running_loop().create_task(self._send(entry, self.alerts_url))
                self.log.sending.add(task)
                task.add_done_callback(self.log.sending.discard)

    async def _send(self, entry: _Entry, url: str) -> None:
        alert = entry.alert
        body = {"at_s": alert.at_s, "kind": alert.kind, "detail": alert.detail,
                "customers": list(alert.customers)}  # fmt: skip
        for _ in range(SEND_ATTEMPTS):
            with contextlib.suppress(TimeoutError, httpx.HTTPError):
                async with asyncio.timeout(SEND_TIMEOUT_S):
                    answer = await self.client.post(url, json=body)
                if answer.status_code == 202:
                    entry.delivery = "sent"
                    return
        entry.delivery = "failed"


def _device(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == DEVICE_HEADER:
            return value.decode("latin-1").strip() or None
    return None


def install_breach_watch(
    app: FastAPI, detector: BreachDetector, client: httpx.AsyncClient, status_url: str | None
) -> AlertLog:
    """Watch `app`'s logins with `detector`; alerts go to `status_url` (None: kept only)."""
    log = AlertLog()
    router = APIRouter(prefix="/admin", dependencies=[Depends(require_admin)])

    @router.get("/security-alerts")
    async def security_alerts() -> dict[str, Any]:
        return {"detection": detector.enabled, **log.json()}

    app.include_router(router)
    app.add_middleware(
        BreachWatch, detector=detector, log=log, client=client, status_url=status_url
    )
    return log
