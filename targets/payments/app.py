"""HTTP routes of the payments service (see docs/bank-api.md, section payments).

POST /v1/payments claims the Idempotency-Key (400 missing, 422 reused with another body, 409
in flight, the first answer replayed afterwards), starts the payment's flow as a background
task and waits for it until shortly before the request's deadline: 201 ACSC/RJCT when decided,
else 202 ACSP. A refusal before anything happened answers 503 + Retry-After and frees the key.
This module must not move money or talk to the scheme itself; `flow` does.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from harness.seeds import DEFAULT_SEED, stream
from targets.access import Credentials, require_admin
from targets.flags import install_flags
from targets.formats import fingerprint
from targets.inputs import ID_ALPHABET, MAX_ID_CHARS, is_valid_id
from targets.payments.background import SettlementWorker
from targets.payments.dependency import Dependency
from targets.payments.flow import FlowTiming, PaymentFlow, PaymentRefusedError
from targets.payments.interbank import Interbank
from targets.payments.ledger import Ledger
from targets.payments.lifecycle import is_terminal
from targets.payments.reconciliation import find_breaks
from targets.payments.store import Claim, Payment, PaymentStore
from targets.payments.wire import (
    PaymentBody,
    amount_cents,
    break_view,
    error,
    payment_export,
    payment_view,
    submit_answer,
)
from targets.profiles import Profile
from targets.service import DEADLINE, create_app, remaining_s

ANSWER_MARGIN_S = 0.1
"""Answer 202 this long before the request's deadline, so the answer still arrives in time."""


@dataclass(frozen=True)
class PaymentsConfig:
    core_url: str
    clearing_url: str
    db_path: Path
    credentials: Credentials
    seed: int = DEFAULT_SEED
    """The run's seed: streams `payments` (fault flags), `payments:core` and `payments:clearing`
    (each dependency's retry jitter)."""
    timing: FlowTiming = field(default_factory=FlowTiming)


class PaymentsService:
    """The service's parts, built once per process."""

    def __init__(self, config: PaymentsConfig, profile: Profile) -> None:
        self.profile = profile
        self.store = PaymentStore(config.db_path, time.time)
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=64)
        self.clients = [
            httpx.AsyncClient(base_url=url, limits=limits, headers=config.credentials.outbound())
            for url in (config.core_url, config.clearing_url)
        ]
        self.core, self.clearing = (
            Dependency(
                name,
                client,
                profile,
                clock=time.monotonic,
                rng=stream(config.seed, f"payments:{name}"),
            )
            for name, client in zip(("core", "clearing"), self.clients, strict=True)
        )
        self.ledger = Ledger(self.core)
        self.interbank = Interbank(self.clearing)
        self.flow = PaymentFlow(
            self.store, self.ledger, self.interbank, profile, clock=time.time, timing=config.timing
        )
        self.worker = SettlementWorker(self.flow)

    async def start(self) -> None:
        """Give crashed requests an answer, then resume unfinished payments."""
        for key, payment_id in self.store.unanswered_keys():
            payment = self.store.get(payment_id)
            if payment is not None:
                self.store.record_answer(key, payment_id, 202, submit_answer(payment))
        self.worker.begin_sweeping()

    async def stop(self) -> None:
        await self.worker.stop()
        for client in self.clients:
            await client.aclose()
        self.store.close()

    def new_payment(self, key: str, body: PaymentBody, cents: int) -> Payment:
        now = time.time()
        return Payment(
            payment_id=f"pay_{secrets.token_hex(10)}",
            idempotency_key=key,
            end_to_end_id=body.end_to_end_id or f"E2E{secrets.token_hex(14).upper()}",
            debtor_account=body.debtor_account,
            creditor_account=body.creditor_account,
            amount_cents=cents,
            currency=body.currency,
            scheme=body.scheme,
            remittance=body.remittance,
            status="RCVD",
            created_at_s=now,
            settle_by_s=now + self.profile.clearing_deadline_s,
        )

    def settle_answer(self, key: str, payment_id: str, task: asyncio.Task[Payment]) -> None:
        """When a flow ends after its request gave up, store the answer it would have had."""
        if task.cancelled():
            return
        if isinstance(task.exception(), PaymentRefusedError):
            self.store.release_key(key, payment_id)
            return
        payment = self.store.get(payment_id)
        if payment is not None:
            code = 201 if is_terminal(payment.status) else 202
            self.store.record_answer(key, payment_id, code, submit_answer(payment))


async def submit(service: PaymentsService, request: Request) -> Response:
    """POST /v1/payments."""
    key = request.headers.get("idempotency-key", "").strip()
    if not key:
        return error(400, "idempotency_key_missing", "header Idempotency-Key is required")
    if not is_valid_id(key):
        detail = f"Idempotency-Key must be 1-{MAX_ID_CHARS} of [{ID_ALPHABET}]"
        return error(400, "idempotency_key_invalid", detail)
    try:
        body = PaymentBody.model_validate(await request.json())
    except (ValueError, ValidationError) as exc:
        return error(422, "invalid_request", _fields(exc))
    cents = amount_cents(body.amount)
    if cents is None:
        return error(422, "invalid_request", f"amount {body.amount!r} is not a positive 0.00")
    if DEADLINE.get() is None and service.profile.deadline_s:
        DEADLINE.set(time.time() + service.profile.deadline_s)
    digest = fingerprint(body.model_dump())  # the request as sent: a replay or a reused key
    claim = service.store.claim(key, digest, service.new_payment(key, body, cents))
    if claim.outcome == "new":
        return await _run(service, key, claim.payment_id)
    return _answer_taken_key(claim)


def _answer_taken_key(claim: Claim) -> Response:
    if claim.outcome == "mismatch":
        return error(422, "idempotency_key_reused", "this key was used with another body")
    if claim.outcome == "in_flight":
        return error(
            409,
            "idempotency_key_in_flight",
            "the first request with this key is still being processed",
            payment_id=claim.payment_id,
        )
    return JSONResponse(
        claim.body, claim.status_code or 200, headers={"Idempotent-Replayed": "true"}
    )


async def _run(service: PaymentsService, key: str, payment_id: str) -> Response:
    task = service.worker.start(payment_id)
    task.add_done_callback(lambda done: service.settle_answer(key, payment_id, done))
    left_s = remaining_s(None)
    wait_s = None if left_s is None else max(0.0, left_s - ANSWER_MARGIN_S)
    done, _ = await asyncio.wait({task}, timeout=wait_s)
    if task in done and isinstance(task.exception(), PaymentRefusedError):
        refused = task.exception()
        assert isinstance(refused, PaymentRefusedError)
        service.store.release_key(key, payment_id)
        return error(
            503,
            "dependency_unavailable",
            str(refused),
            payment_id=payment_id,
            retry_after_s=refused.retry_after_s,
        )
    payment = service.store.get(payment_id)
    assert payment is not None
    code = 201 if is_terminal(payment.status) else 202
    answer = submit_answer(payment)
    service.store.record_answer(key, payment_id, code, answer)
    return JSONResponse(answer, code)


def _fields(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        names = ", ".join(".".join(map(str, e["loc"])) or "body" for e in exc.errors())
        return f"invalid or missing fields: {names}"
    return "body is not JSON"


def build_app(config: PaymentsConfig, profile: Profile) -> FastAPI:
    """The payments FastAPI app."""
    app = create_app("payments", config.credentials)
    service = PaymentsService(config, profile)
    app.state.payments = service
    install_flags(app, stream(config.seed, "payments"), profile.retry_after_s)
    app.router.lifespan_context = _lifespan_for(service)

    @app.get("/health/ready")
    async def ready() -> dict[str, Any]:
        return {
            "status": "ready",
            "breakers": {
                "core": service.core.breaker.state,
                "clearing": service.clearing.breaker.state,
            },
        }

    @app.post("/v1/payments")
    async def create(request: Request) -> Response:
        return await submit(service, request)

    @app.get("/v1/payments/{payment_id}")
    async def read(payment_id: str) -> Response:
        payment = service.store.get(payment_id)
        if payment is None:
            return error(404, "payment_not_found", f"no payment {payment_id}")
        return JSONResponse(payment_view(payment))

    @app.post("/v1/payments/{payment_id}/inquiry")
    async def inquiry(payment_id: str) -> Response:
        return await inquire(service, payment_id)

    @app.get("/v1/reconciliation/breaks")
    async def breaks(stuck_after_s: float = 60.0) -> Response:
        try:
            ledger_export = await service.ledger.export()
            scheme_export = await service.interbank.export()
        except Exception as exc:
            return error(
                503,
                "reconciliation_source_unavailable",
                str(exc),
                retry_after_s=profile.retry_after_s,
            )
        found = find_breaks(
            service.store.all(), ledger_export, scheme_export, time.time(), stuck_after_s
        )
        return JSONResponse({"breaks": [break_view(b) for b in found]})

    @app.get("/admin/export", dependencies=[Depends(require_admin)])
    async def export() -> dict[str, Any]:
        return {"payments": [payment_export(p) for p in service.store.all()]}

    return app


def _lifespan_for(service: PaymentsService) -> Any:
    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await service.start()
        try:
            yield
        finally:
            await service.stop()

    return lifespan


async def inquire(service: PaymentsService, payment_id: str) -> Response:
    """POST /v1/payments/{id}/inquiry: a pacs.028 now; an unfinished payment is resumed."""
    payment = service.store.get(payment_id)
    if payment is None:
        return error(404, "payment_not_found", f"no payment {payment_id}")
    try:
        answer = await service.interbank.inquire(payment.end_to_end_id)
        scheme: dict[str, Any] = {"status": answer.status, "reason_code": answer.reason_code}
    except Exception as exc:
        scheme = {"error": "scheme_unreachable", "detail": str(exc)}
    if payment in service.store.unfinished() and not service.worker.busy(payment_id):
        service.worker.start(payment_id)
    return JSONResponse({**payment_view(payment), "scheme": scheme})
