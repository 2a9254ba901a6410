"""The request guard every mock-bank service runs first: what a request body and path may hold.

Before a route sees a request, `RequestGuard` (pure ASGI, installed by `service.create_app`)
refuses with one clear 4xx `{"error": code, "detail": ...}`:

- 413 `body_too_large`: a body over the service's limit (`body_limit_bytes`; paths under
  `/internal/`, the DC-to-DC replication batches, get `INTERNAL_BODY_BYTES`), judged from
  `Content-Length` before reading and counted while reading a chunked body;
- 400 `invalid_encoding`: a body that is not UTF-8;
- 400 `json_too_deep`: JSON nested deeper than `MAX_JSON_DEPTH`;
- 400 `invalid_unicode`: a JSON string (key or value) holding a lone surrogate (`"\\ud800"`),
  which no store and no answer can encode;
- 400 `invalid_character`: a JSON string holding NUL;
- 400 `invalid_number`: NaN, Infinity, a float that overflows, or an integer outside SQLite's
  64 bits;
- 400 `invalid_path`: a decoded path holding a control character (NUL, CR, LF...).

A body that is not JSON at all passes: each route answers it in its own contract's words.
The pure functions (`check_body`, `check_path`, `is_valid_id`) are the rules; the middleware
only reads, asks them and replays the body. Identifiers (transfer, payment, customer and
account ids, idempotency keys) come from `ID_ALPHABET`; routes check them with `is_valid_id`
(or `ID_PATTERN` in a pydantic field) before using them, above all before putting one into
an upstream URL.
This module must not know any service's routes or domain, and must not alter a body it lets by.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

ID_ALPHABET = "A-Za-z0-9._:-"
MAX_ID_CHARS = 64
ID_PATTERN = rf"^[{ID_ALPHABET}]{{1,{MAX_ID_CHARS}}}$"
"""An identifier: 1-64 characters of ASCII letters, digits, `.`, `_`, `:` and `-`."""

MAX_JSON_DEPTH = 32
DEFAULT_BODY_BYTES = 64 * 1024
INTERNAL_BODY_BYTES = 32 * 1024 * 1024
"""Replication batches (500 journal entries) between the core's data centres."""
INTERNAL_PREFIX = "/internal/"
SQLITE_INT_MAX = 2**63 - 1
SERVICE_BODY_BYTES = {"mobile-api": 16 * 1024}
"""Services whose bodies are smaller than `DEFAULT_BODY_BYTES` (a transfer is ~200 bytes)."""

_ID = re.compile(rf"[{ID_ALPHABET}]+", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class InputRefusal:
    """Why a request was refused before any route saw it."""

    status: int
    code: str
    detail: str

    def body_bytes(self) -> bytes:
        return json.dumps({"error": self.code, "detail": self.detail}).encode()


def body_limit_for(service: str) -> int:
    """The body limit of a service's public routes, in bytes."""
    return SERVICE_BODY_BYTES.get(service, DEFAULT_BODY_BYTES)


def is_valid_id(text: object, max_chars: int = MAX_ID_CHARS) -> bool:
    """True for a string of 1..max_chars characters from `ID_ALPHABET`."""
    return isinstance(text, str) and len(text) <= max_chars and _ID.fullmatch(text) is not None


def check_path(path: str) -> InputRefusal | None:
    """A refusal when the decoded path holds a control character or a lone surrogate."""
    if _CONTROL.search(path) or not _encodable(path):
        return InputRefusal(400, "invalid_path", "the path holds a control or invalid character")
    return None


def check_body(raw: bytes, max_depth: int = MAX_JSON_DEPTH) -> InputRefusal | None:
    """A refusal for a body no route can safely read; None for one it can (or non-JSON)."""
    if not raw:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return InputRefusal(400, "invalid_encoding", "the body is not valid UTF-8")
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        return None  # not JSON: the route answers it in its own contract's words
    except RecursionError:
        return _too_deep(max_depth)
    except ValueError:  # an integer literal longer than Python will convert
        return InputRefusal(400, "invalid_number", "a number in the body is too long")
    return check_document(document, max_depth)


def check_document(document: Any, max_depth: int = MAX_JSON_DEPTH) -> InputRefusal | None:
    """A refusal for parsed JSON that is too deep or holds text or numbers no store can keep."""
    pending: list[tuple[Any, int]] = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict | list):
            if depth > max_depth:
                return _too_deep(max_depth)
            children = value.values() if isinstance(value, dict) else value
            pending.extend((child, depth + 1) for child in children)
            if isinstance(value, dict):
                pending.extend((key, depth) for key in value)
        elif isinstance(value, str):
            refusal = _check_text(value)
            if refusal is not None:
                return refusal
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int) and not -SQLITE_INT_MAX - 1 <= value <= SQLITE_INT_MAX:
            return InputRefusal(400, "invalid_number", "an integer is outside 64 bits")
        elif isinstance(value, float) and not math.isfinite(value):
            return InputRefusal(400, "invalid_number", "NaN and infinite numbers are not JSON")
    return None


def _check_text(text: str) -> InputRefusal | None:
    if not _encodable(text):
        return InputRefusal(400, "invalid_unicode", "a string holds a lone surrogate")
    if "\x00" in text:
        return InputRefusal(400, "invalid_character", "a string holds a NUL character")
    return None


def _encodable(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _too_deep(max_depth: int) -> InputRefusal:
    return InputRefusal(400, "json_too_deep", f"JSON nested deeper than {max_depth} levels")


def _too_large(limit: int) -> InputRefusal:
    return InputRefusal(413, "body_too_large", f"the body is larger than {limit} bytes")


class RequestGuard:
    """Pure-ASGI middleware: refuses what `check_path`/`check_body` refuse, else replays."""

    def __init__(
        self,
        app: ASGIApp,
        body_limit_bytes: int = DEFAULT_BODY_BYTES,
        max_depth: int = MAX_JSON_DEPTH,
    ) -> None:
        self.app = app
        self.body_limit_bytes = body_limit_bytes
        self.max_depth = max_depth

    def limit_for(self, path: str) -> int:
        return INTERNAL_BODY_BYTES if path.startswith(INTERNAL_PREFIX) else self.body_limit_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        limit = self.limit_for(path)
        refusal = check_path(path) or _declared_too_large(scope, limit)
        body: bytes | None = b""
        if refusal is None:
            body, refusal = await _read_body(receive, limit)
        if body is None:
            return  # the client left before sending its body: nobody to answer
        if refusal is None:
            refusal = check_body(body, self.max_depth)
        if refusal is not None:
            await _refuse(send, refusal)
            return
        await self.app(scope, _replay(body, receive), send)


def _declared_too_large(scope: Scope, limit: int) -> InputRefusal | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            if not value.isdigit():
                return InputRefusal(400, "invalid_length", "Content-Length is not a number")
            if int(value) > limit:
                return _too_large(limit)
    return None


async def _read_body(receive: Receive, limit: int) -> tuple[bytes | None, InputRefusal | None]:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None, None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", _too_large(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), None


def _replay(body: bytes, receive: Receive) -> Receive:
    delivered = False

    async def replayed() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed


async def _refuse(send: Send, refusal: InputRefusal) -> None:
    payload = refusal.body_bytes()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
    ]
    if refusal.status == 413:
        headers.append((b"connection", b"close"))  # the rest of the body is left unread
    await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
