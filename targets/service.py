"""What every mock-bank service shares: the app skeleton, request ids, admin auth and serving.

- Every request gets an `X-Request-Id` (taken from the caller or made here), bound into the
  structlog context and echoed in the response; `outbound_headers()` forwards it (and the
  remaining deadline, `X-Deadline`, as absolute epoch seconds) on every hop. Inner hops take
  the `X-Deadline` of their caller (one of the bank's services) as sent; the customers' edge
  sets its own with `start_edge_deadline` (`targets.resilience.deadline`: a customer's deadline
  may only shorten the bank's budget, to no less than the floor).
- Who may call what (the admin listener, the admin token, the service credential) is
  `targets.access`; `serve` binds the public and the admin listener.
- Errors never leak a stack trace or an internal address: unhandled ones become
  `{"error": "internal_error", "request_id": ...}` with status 500.
- `--seed` is the run's seed (default `harness.seeds.DEFAULT_SEED`, as the harness's). A
  service never draws from it directly: each of its parts draws from its own stream,
  `harness.seeds.stream(seed, name)`, named `<service>` for the fault flags (e.g. `payments`,
  `core-banking:dc-a`) and `<service>:<part>` for the rest (e.g. `clearing:scheme`), so two
  services never follow the same sequence and a rerun with the same seed repeats every draw.
This module must not know about any particular service's domain.
"""

from __future__ import annotations

import argparse
import contextvars
import os
import secrets
import socket
import sys
import time
from collections.abc import Awaitable, Callable, Sequence

import structlog
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from harness.flags import LOG_LEVELS, seed_value, tcp_port
from harness.logs import configure_logging
from harness.seeds import DEFAULT_SEED
from targets.access import Credentials, install_access
from targets.inputs import RequestGuard, body_limit_for
from targets.profiles import Profile, profile_from_env
from targets.resilience.deadline import (
    CallBudget,
    call_budget,
    effective_deadline,
    parse_deadline,
)

REQUEST_ID = contextvars.ContextVar[str]("request_id", default="")
DEADLINE = contextvars.ContextVar[float | None]("deadline", default=None)
OWN_DEADLINE = contextvars.ContextVar[float | None]("own_deadline", default=None)
"""The deadline from the bank's own budget at the edge, before the customer's shortened it."""

log = structlog.get_logger()


def outbound_headers(profile: Profile) -> dict[str, str]:
    """Headers for a call to another service: request id, and the deadline when propagated."""
    headers = {"X-Request-Id": REQUEST_ID.get() or secrets.token_hex(8)}
    deadline = DEADLINE.get()
    if profile.propagate_deadline and deadline is not None:
        headers["X-Deadline"] = f"{deadline:.3f}"
    return headers


def remaining_s(default: float | None) -> float | None:
    """Seconds left before this request's deadline, or `default` when it has none."""
    deadline = DEADLINE.get()
    if deadline is None:
        return default
    left = max(0.0, deadline - time.time())
    return left if default is None else min(left, default)


def start_edge_deadline(profile: Profile) -> None:
    """At the customers' edge: the request's deadline from the bank's own `deadline_s`, which
    the customer's `X-Deadline` may shorten, to no less than `client_deadline_floor_s`."""
    now_s = time.time()
    own_s = None if profile.deadline_s is None else now_s + profile.deadline_s
    OWN_DEADLINE.set(own_s)
    given_s = DEADLINE.get()
    floor_s = profile.client_deadline_floor_s
    DEADLINE.set(effective_deadline(now_s, given_s, profile.deadline_s, floor_s))


def outbound_budget(call_timeout_s: float | None) -> CallBudget:
    """How long a call made now may wait (`call_timeout_s`: the bank's per-call timeout, None
    for none), and whether that is the caller's deadline rather than the bank's own limit."""
    return call_budget(time.time(), DEADLINE.get(), OWN_DEADLINE.get(), call_timeout_s)


def create_app(service: str, credentials: Credentials, *, inner: bool = True) -> FastAPI:
    """A FastAPI app with request-id/deadline middleware, access rules and /health/live.

    `inner` services (all but the customers' edge) take `/v1/` calls only from the bank's own
    services (`targets.access`)."""
    app = FastAPI(title=service, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.service = service
    app.add_middleware(RequestGuard, body_limit_bytes=body_limit_for(service))  # inputs.py
    install_access(app, credentials, inner=inner)

    @app.middleware("http")
    async def bind_request(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request_id = request.headers.get("x-request-id") or secrets.token_hex(8)
        REQUEST_ID.set(request_id)
        DEADLINE.set(parse_deadline(request.headers.get("x-deadline")))  # inner hops trust it
        structlog.contextvars.bind_contextvars(request_id=request_id, service=service)
        try:
            response = await call_next(request)
        except Exception:
            log.exception("unhandled_error", path=request.url.path)
            response = JSONResponse(
                {"error": "internal_error", "request_id": request_id}, status_code=500
            )
        finally:
            structlog.contextvars.unbind_contextvars("request_id")
        response.headers["X-Request-Id"] = request_id
        return response

    @app.get("/health/live")
    async def live() -> dict[str, str]:
        return {"status": "up", "service": service}

    return app


def base_parser(service: str, description: str) -> argparse.ArgumentParser:
    """Flags every service takes; each also reads an environment variable."""
    parser = argparse.ArgumentParser(prog=f"python -m targets.{service}", description=description)
    parser.add_argument("--host", default=os.environ.get("BANK_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=tcp_port, default=os.environ.get("BANK_PORT", "8000"))
    parser.add_argument("--profile", default=None, help="hardened | fragile (env BANK_PROFILE)")
    parser.add_argument(
        "--set", action="append", default=[], metavar="KNOB=VALUE", help="override one knob"
    )
    parser.add_argument(
        "--admin-port",
        type=tcp_port,
        default=os.environ.get("BANK_ADMIN_PORT"),
        help="port of the admin listener, the only one that answers /admin (env BANK_ADMIN_PORT)",
    )
    parser.add_argument(
        "--seed",
        type=seed_value,
        default=os.environ.get("BANK_SEED", str(DEFAULT_SEED)),
        help="the run's seed; each part draws from its own stream of it (env BANK_SEED)",
    )
    parser.add_argument(
        "--log-level",
        type=str.lower,
        default=os.environ.get("BANK_LOG_LEVEL", "warning"),
        choices=LOG_LEVELS,
    )
    return parser


def parse_profile(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Profile:
    """The profile asked for on the command line; a bad one is a one-line usage error."""
    try:
        return profile_from_env(args.profile, args.set)
    except ValueError as exc:
        parser.error(str(exc))
        raise  # unreachable: parser.error exits


def serve(
    app: FastAPI, host: str, port: int, admin_port: int | None, log_level: str = "warning"
) -> None:
    """Run `app` with uvicorn (uvloop when installed) until SIGINT/SIGTERM, on the public port
    and, when given, the admin port (the only listener that then answers `/admin/...`)."""
    import uvicorn

    configure_logging(log_level, json=True, stream=sys.stderr)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        loop="auto",
        timeout_graceful_shutdown=2,
    )
    ports = [port] if admin_port is None else [port, admin_port]
    app.state.admin_port = admin_port
    uvicorn.Server(config).run(sockets=[_listener(host, p) for p in ports])


def _listener(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


def run_main(
    build: Callable[[argparse.Namespace, Profile], FastAPI],
    parser: argparse.ArgumentParser,
    argv: Sequence[str] | None = None,
) -> None:
    """Parse flags, read the tokens from the environment, build the app and serve it: the body
    of every `targets.<service>.__main__` (the builder finds the tokens in `args.credentials`)."""
    args = parser.parse_args(argv)
    profile = parse_profile(args, parser)
    if args.admin_port is not None and args.admin_port == args.port:
        parser.error("--admin-port must differ from --port")
    try:
        args.credentials = Credentials.from_env(os.environ)
    except ValueError as exc:
        parser.error(str(exc))
    serve(build(args, profile), args.host, args.port, args.admin_port, args.log_level)
