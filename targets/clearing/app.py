"""HTTP face of the scheme mock: pacs.008, pacs.028, admin config/export, flags and health.

A pacs.008 is answered after the processing time (the sender waits, as on a real scheme);
the outcome is recorded at receipt, so a sender that hangs up cannot change it.
This module must not decide outcomes itself: `scheme.Scheme` does.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from harness.limits import FRACTION, PROCESSING_MS
from harness.seeds import stream
from targets.access import Credentials, require_admin
from targets.clearing.scheme import Pacs008, Scheme, SchemeAnswer, SchemeConfig
from targets.flags import install_flags
from targets.formats import iso_utc
from targets.inputs import ID_PATTERN
from targets.profiles import Profile
from targets.service import create_app


class Pacs008Body(BaseModel):
    """A credit transfer; `expires_at_s` is the sender's acceptance deadline (epoch s)."""

    msg_id: str = Field(pattern=ID_PATTERN)
    end_to_end_id: str = Field(pattern=ID_PATTERN)
    debtor_account: str = Field(pattern=ID_PATTERN)
    creditor: str = Field(pattern=ID_PATTERN)
    amount: str = Field(pattern=r"^[0-9]{1,10}\.[0-9]{2}$")  # ASCII digits, as payments sends
    currency: str = Field(default="PEN", pattern=r"^[A-Z]{3}$")
    expires_at_s: float | None = None


class Pacs028Body(BaseModel):
    """A status inquiry for one end-to-end id."""

    end_to_end_id: str = Field(pattern=ID_PATTERN)


class ConfigBody(BaseModel):
    """POST /admin/config: only the given fields change, within `harness.limits`' ranges."""

    model_config = ConfigDict(allow_inf_nan=False)

    processing_ms: int | None = Field(default=None, ge=PROCESSING_MS.low, le=PROCESSING_MS.high)
    reject_rate: float | None = Field(default=None, ge=FRACTION.low, le=FRACTION.high)


def answer_json(answer: SchemeAnswer) -> dict[str, object]:
    """The wire shape of a scheme answer."""
    body: dict[str, object] = {
        "end_to_end_id": answer.end_to_end_id,
        "status": answer.status,
        "reason_code": answer.reason_code,
    }
    if answer.msg_id is not None:
        body["msg_id"] = answer.msg_id
    return body


def export_json(scheme: Scheme) -> dict[str, object]:
    """Every distinct message with its status now, in arrival order."""
    rows = []
    for message in scheme.messages():
        status, reason = scheme.status_of(message)
        t = message.transfer
        rows.append(
            {
                "msg_id": t.msg_id,
                "end_to_end_id": t.end_to_end_id,
                "debtor_account": t.debtor_account,
                "creditor": t.creditor,
                "amount": t.amount,
                "currency": t.currency,
                "status": status,
                "reason_code": reason,
                "received_at": iso_utc(message.received_at_s),
                "received_at_s": message.received_at_s,
                "duplicate": message.duplicate,
                "receipts": message.receipts,
            }
        )
    return {"config": dataclasses.asdict(scheme.config), "messages": rows}


async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    """A malformed body: 422 with the contract's error shape, naming the bad fields."""
    fields = ", ".join(".".join(map(str, e["loc"][1:])) or "body" for e in exc.errors())
    return JSONResponse(
        {"error": "invalid_request", "detail": f"invalid or missing fields: {fields}"},
        status_code=422,
    )


def build_app(
    config: SchemeConfig, seed: int, credentials: Credentials, profile: Profile
) -> FastAPI:
    """The clearing FastAPI app around a fresh in-memory scheme.

    `seed` is the run's: the scheme's rejects draw from the stream `clearing:scheme`, the fault
    flags from `clearing`.
    """
    app = create_app("clearing", credentials)
    scheme = Scheme(config, stream(seed, "clearing:scheme"), time.time)
    app.state.scheme = scheme
    install_flags(app, stream(seed, "clearing"), profile.retry_after_s)
    app.add_exception_handler(RequestValidationError, invalid_request)  # type: ignore[arg-type]

    @app.get("/health/ready")
    async def ready() -> dict[str, str]:
        return {"status": "ready"}

    @app.post("/v1/pacs008")
    async def pacs008(body: Pacs008Body) -> dict[str, object]:
        first = scheme.receive(Pacs008(**body.model_dump()))
        if first.settles_at_s is not None:
            # asyncio's timer may wake a hair before the wall clock reaches settlement (its
            # clock is monotonic and it rounds to its resolution): sleep again until it has
            while (left_s := first.settles_at_s - time.time()) > 0:
                await asyncio.sleep(left_s)
        return answer_json(scheme.outcome(body.msg_id))

    @app.post("/v1/pacs028")
    async def pacs028(body: Pacs028Body) -> dict[str, object]:
        return answer_json(scheme.inquire(body.end_to_end_id))

    @app.post("/admin/config", dependencies=[Depends(require_admin)])
    async def configure(body: ConfigBody, request: Request) -> dict[str, object]:
        changes = {k: v for k, v in body.model_dump().items() if v is not None}
        scheme.config = dataclasses.replace(scheme.config, **changes)
        return dataclasses.asdict(scheme.config)

    @app.get("/admin/export", dependencies=[Depends(require_admin)])
    async def export() -> dict[str, object]:
        return export_json(scheme)

    @app.get("/internal/export")
    async def export_for_reconciliation() -> dict[str, object]:
        return export_json(scheme)

    return app
