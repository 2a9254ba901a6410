"""Who may call what on a mock-bank service: the two listeners and the two credentials.

- **Admin listener.** A served bank answers `/admin/...` only on its admin port (given with
  `--admin-port`), which no proxy points at: the edge cannot reach it. The admin port answers
  nothing but `/admin/...` and `/health/...`; the public port answers `/admin/...` with 404.
  An app with no admin port (one built in-process by a test) serves both on one listener.
- **Admin token** (`X-Admin-Token`): every `/admin/...` route checks it (`require_admin`).
- **Service credential** (`X-Service-Token`): the bank's own services call each other with it,
  and the inner services (core-banking, payments, clearing) refuse a `/v1/...` or
  `/internal/...` call without it (401 `service_credential_required`): a customer-side caller
  that reaches them gets nothing. The mobile API is the customers' door and needs none.

Both tokens reach a process through its environment (`BANK_ADMIN_TOKEN`,
`BANK_SERVICE_TOKEN`), never its command line, which every local user can read in `ps`.
This module must not know about any service's domain.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.responses import JSONResponse

ADMIN_HEADER = "X-Admin-Token"
SERVICE_HEADER = "X-Service-Token"
ADMIN_TOKEN_ENV = "BANK_ADMIN_TOKEN"
SERVICE_TOKEN_ENV = "BANK_SERVICE_TOKEN"
MIN_TOKEN_CHARS = 16
SERVICE_PREFIXES = ("/v1/", "/internal/")


@dataclass(frozen=True)
class Credentials:
    """The bank's two secrets as one service holds them. `service_token` None (an in-process
    test app only) skips the service-credential check; a served bank always has both."""

    admin_token: str
    service_token: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Credentials:
        """Both tokens from the environment; ValueError (one line) when one is missing or short."""
        tokens = []
        for name in (ADMIN_TOKEN_ENV, SERVICE_TOKEN_ENV):
            value = environ.get(name, "")
            if len(value) < MIN_TOKEN_CHARS:
                problem = "is not set" if not value else f"is shorter than {MIN_TOKEN_CHARS}"
                raise ValueError(
                    f"environment variable {name} {problem}: give every service the bank's "
                    "tokens through the environment (the harness makes random ones per bank)"
                )
            tokens.append(value)
        return cls(tokens[0], tokens[1])

    @classmethod
    def generate(cls) -> Credentials:
        """Fresh random tokens for one bank."""
        return cls(secrets.token_urlsafe(24), secrets.token_urlsafe(24))

    def outbound(self) -> dict[str, str]:
        """Headers every call to another service of the bank carries."""
        return {SERVICE_HEADER: self.service_token} if self.service_token else {}


def _matches(given: str, expected: str) -> bool:
    return secrets.compare_digest(given.encode(), expected.encode())


def require_admin(request: Request) -> None:
    """FastAPI dependency guarding `/admin/...`: 401 unless X-Admin-Token matches."""
    credentials: Credentials = request.app.state.credentials
    if not _matches(request.headers.get(ADMIN_HEADER, ""), credentials.admin_token):
        raise HTTPException(status_code=401, detail="admin token missing or wrong")


def _refusal(status: int, error: str, detail: str) -> Response:
    return JSONResponse({"error": error, "detail": detail}, status_code=status)


def install_access(app: FastAPI, credentials: Credentials, *, inner: bool) -> None:
    """Add the listener split and (for an `inner` service) the service-credential check.

    The admin port is read from `app.state.admin_port` at request time (`serve` sets it when
    it binds the admin listener); None keeps admin routes on the one listener."""
    app.state.credentials = credentials
    app.state.admin_port = None

    @app.middleware("http")
    async def guard(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        path = request.url.path
        admin_port: int | None = request.app.state.admin_port
        if admin_port is not None and not path.startswith("/health/"):
            server = request.scope.get("server") or (None, None)
            on_admin_listener = server[1] == admin_port
            if on_admin_listener != path.startswith("/admin/"):
                return _refusal(404, "not_found", f"no route {path} on this listener")
        token = credentials.service_token
        checked = inner and token is not None and path.startswith(SERVICE_PREFIXES)
        if checked and not _matches(request.headers.get(SERVICE_HEADER, ""), token or ""):
            return _refusal(
                401,
                "service_credential_required",
                f"{SERVICE_HEADER} missing or wrong: only the bank's own services call this",
            )
        return await call_next(request)
