"""Test fixture: a tiny stand-in for mobile-api's customer routes, with scripted misbehaviour.

Run as `python -m tests.load.mobile_stub --port P` on 127.0.0.1. Deterministic by counters:
balance answers 503 + Retry-After every 5th call, stale every 7th, 401 every 13th; the n-th
new transfer (by first sight of its Idempotency-Key) is ACSC, except n%10==3 (first attempt
hangs, the retry is answered), n%10==7 (every attempt hangs), n%10==5 (ACSP, then ACSC on the
second look) and n%10==9 (RJCT AM04). Even-numbered customers must change their password at
their first login (then only the new one works). POST /stub/stall {"seconds": s} makes every
customer route hang for s seconds, POST /stub/shed-logins {"seconds": s} makes logins answer
503 + Retry-After: 1 for s seconds from the first login after it (so a slow-starting client
still meets the whole window); GET /stub/keys lists attempts per Idempotency-Key and
GET /stub/in-flight counts customer requests being answered. POST /stub/password-min
{"length": n} sets the shortest new password taken (default 12). Old tokens replayed after a
password change (GET /v1/me/accounts, POST /v1/auth/refresh: the load sends nothing else
there) are refused (401) unless POST /stub/old-tokens {"live": true} says they stay valid.
Under /stub-status and /stub-contact it also plays a status page (GET /v1/status: one open
incident on `balances` once POST /stub/incident {"open": true}) and a contact centre whose
answer to a customer's n-th dial is scripted by customer number % 4: 1 busy twice, then
answered; 2 always busy; 3 queued at position 19, answered at the second look; 0 queued at
position 5 and never answered (the caller must hang up: DELETE, counted in GET /stub/calls).
It is not the real mobile-api and must never grow business logic.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable

import uvicorn
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

HANG_S = 1.5

app = FastAPI()
calls: Counter[str] = Counter()
attempts: Counter[str] = Counter()
first_seen: dict[str, int] = {}
polls: Counter[str] = Counter()
stall_until = [0.0]
shed_logins_until = [0.0]
shed_logins_armed_s = [0.0]
in_flight = [0]
passwords: dict[str, str] = {}
holders: dict[str, str] = {}
password_min = [12]
incident_open = [False]
old_tokens_live = [False]
dials: Counter[str] = Counter()
looks: Counter[str] = Counter()
hang_ups: list[str] = []


@app.middleware("http")
async def stall(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    if request.url.path.startswith(("/stub", "/health")):
        return await call_next(request)
    in_flight[0] += 1
    try:
        await asyncio.sleep(max(0.0, stall_until[0] - time.monotonic()))
        return await call_next(request)
    finally:
        in_flight[0] -= 1


@app.get("/health/live")
async def live() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/stub/stall")
async def set_stall(body: dict[str, float]) -> dict[str, float]:
    stall_until[0] = time.monotonic() + body["seconds"]
    return body


@app.post("/stub/shed-logins")
async def shed_logins(body: dict[str, float]) -> dict[str, float]:
    shed_logins_armed_s[0] = body["seconds"]
    return body


@app.get("/stub/in-flight")
async def requests_in_flight() -> dict[str, int]:
    return {"in_flight": in_flight[0]}


@app.get("/stub/keys")
async def keys() -> dict[str, int]:
    return dict(attempts)


@app.post("/v1/auth/login")
async def login(body: dict[str, str]) -> Response:
    calls["login"] += 1
    if shed_logins_armed_s[0]:
        shed_logins_until[0] = time.monotonic() + shed_logins_armed_s[0]
        shed_logins_armed_s[0] = 0.0
    if time.monotonic() < shed_logins_until[0]:
        return JSONResponse({"error": "overloaded"}, status_code=503, headers={"Retry-After": "1"})
    customer, password = body["customer_id"], body["password"]
    if password != passwords.get(customer, f"{customer.lower()}-correct-horse"):
        return JSONResponse({"error": "wrong_password"}, status_code=401)
    token = f"tok-{calls['login']}"
    holders[token] = customer
    forced = int(customer[-4:]) % 2 == 0 and customer not in passwords
    answer = {"access_token": token, "refresh_token": "r", "expires_in": 300}
    return JSONResponse({**answer, "password_change_required": forced})


@app.post("/v1/auth/password")
async def change_password(request: Request, body: dict[str, str]) -> Response:
    customer = holders[request.headers["authorization"].removeprefix("Bearer ")]
    if len(body["new_password"]) < password_min[0]:
        return JSONResponse({"error": "password_too_short"}, status_code=400)
    passwords[customer] = body["new_password"]
    return Response(status_code=204)


@app.post("/stub/old-tokens")
async def set_old_tokens(body: dict[str, bool]) -> dict[str, bool]:
    old_tokens_live[0] = body["live"]
    return body


@app.get("/v1/me/accounts")
async def my_accounts() -> Response:
    if old_tokens_live[0]:
        return JSONResponse({"accounts": []})
    return JSONResponse({"error": "invalid_token"}, status_code=401)


@app.post("/v1/auth/refresh")
async def refresh() -> Response:
    if old_tokens_live[0]:
        return JSONResponse({"access_token": "tok-refreshed", "refresh_token": "r2"})
    return JSONResponse({"error": "invalid_token"}, status_code=401)


@app.get("/v1/accounts/{account_id}/balance")
async def balance(account_id: str) -> Response:
    calls["balance"] += 1
    n = calls["balance"]
    if n % 5 == 4:
        return JSONResponse({"error": "shedding"}, status_code=503, headers={"Retry-After": "1"})
    if n % 13 == 12:
        return JSONResponse({"error": "unauthorized"}, status_code=401)
    body = {"account_id": account_id, "available": "1000.00", "booked": "1000.00"}
    return JSONResponse({**body, "currency": "PEN", "stale": n % 7 == 6, "mode": "live"})


@app.get("/v1/accounts/{account_id}/movements")
async def movements(account_id: str) -> dict[str, object]:
    return {"movements": []}


@app.post("/v1/transfers")
async def transfer(request: Request) -> Response:
    key = request.headers.get("idempotency-key", "")
    attempts[key] += 1
    n = first_seen.setdefault(key, len(first_seen) + 1)
    if (n % 10 == 3 and attempts[key] == 1) or n % 10 == 7:
        await asyncio.sleep(HANG_S)
    status, code, reason = {5: ("ACSP", 202, None), 9: ("RJCT", 201, "AM04")}.get(
        n % 10, ("ACSC", 201, None)
    )
    return JSONResponse({"transfer_id": f"T{n}", "status": status, "reason_code": reason}, code)


@app.get("/v1/transfers/{transfer_id}")
async def transfer_status(transfer_id: str) -> dict[str, object]:
    polls[transfer_id] += 1
    status = "ACSP" if polls[transfer_id] == 1 else "ACSC"
    return {"transfer_id": transfer_id, "status": status, "reason_code": None}


@app.post("/stub/password-min")
async def set_password_min(body: dict[str, int]) -> dict[str, int]:
    password_min[0] = body["length"]
    return body


@app.post("/stub/incident")
async def set_incident(body: dict[str, bool]) -> dict[str, bool]:
    incident_open[0] = body["open"]
    return body


@app.get("/stub/calls")
async def call_log() -> dict[str, object]:
    return {"dials": dict(dials), "hang_ups": hang_ups}


@app.get("/stub-status/v1/status")
async def status_page() -> dict[str, object]:
    incident = {"incident_id": "INC-1", "kind": "availability", "status": "investigating",
                "components": ["balances"], "updates": []}  # fmt: skip
    return {"page": "degraded" if incident_open[0] else "operational",
            "incidents": [incident] if incident_open[0] else []}  # fmt: skip


@app.post("/stub-contact/v1/calls")
async def place_call(body: dict[str, object]) -> dict[str, object]:
    customer = str(body["customer_id"])
    dials[customer] += 1
    script = int(customer[-4:]) % 4
    call_id = f"{customer}-{dials[customer]}"
    if script == 2 or (script == 1 and dials[customer] <= 2):
        return {"call_id": call_id, "outcome": "busy", "position": None}
    if script == 1:
        return {"call_id": call_id, "outcome": "answered", "position": None}
    return {"call_id": call_id, "outcome": "queued", "position": 19 if script == 3 else 5}


@app.get("/stub-contact/v1/calls/{call_id}")
async def look_at_call(call_id: str) -> dict[str, object]:
    looks[call_id] += 1
    answered = int(call_id.split("-")[1]) % 4 == 3 and looks[call_id] >= 2
    return {"call_id": call_id, "outcome": "answered" if answered else "queued"}


@app.delete("/stub-contact/v1/calls/{call_id}")
async def hang_up(call_id: str) -> dict[str, object]:
    hang_ups.append(call_id)
    return {"call_id": call_id, "outcome": "abandoned"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=1,
    )


if __name__ == "__main__":
    main()
