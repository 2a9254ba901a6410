"""A small HTTP/1.1 server on asyncio streams, enough for Toxiproxy's API.

Reads one request at a time per connection (keep-alive, Content-Length or chunked bodies,
`Expect: 100-continue`), hands it to a handler and writes the response. Malformed requests get
400 and the connection is closed; header and body sizes are bounded. This module must not know
about proxies or routes.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from urllib.parse import unquote

MAX_HEADER_BYTES = 1024 * 1024
MAX_BODY_BYTES = 8 * 1024 * 1024
IDLE_TIMEOUT_S = 60.0
READ_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class Request:
    """One parsed request; `path` is percent-decoded, header names are lower case."""

    method: str
    path: str
    version: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Response:
    """A response to write; `headers` excludes Date, Content-Length and Connection."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)


class HttpError(Exception):
    """The request cannot be read; answered with `status` and the connection closed."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status


Handler = Callable[[Request], Awaitable[Response]]


async def read_request(reader: asyncio.StreamReader) -> Request | None:
    """The next request, or None when the client closed between requests."""
    async with asyncio.timeout(IDLE_TIMEOUT_S):
        line = await reader.readline()
        while line in (b"\r\n", b"\n"):
            line = await reader.readline()
    if not line:
        return None
    async with asyncio.timeout(READ_TIMEOUT_S):
        method, target, version = _request_line(line)
        headers = await _headers(reader, len(line))
        return Request(method, _path(target), version, headers, b"")


def _request_line(line: bytes) -> tuple[str, str, str]:
    parts = line.decode("latin-1").strip().split(" ")
    if len(parts) != 3 or not parts[0].isalpha() or not parts[2].startswith("HTTP/1."):
        raise HttpError(400)
    return parts[0], parts[1], parts[2]


async def _headers(reader: asyncio.StreamReader, used: int) -> dict[str, str]:
    headers: dict[str, str] = {}
    while True:
        line = await reader.readline()
        used += len(line)
        if used > MAX_HEADER_BYTES:
            raise HttpError(431)
        if not line.endswith(b"\n"):
            raise HttpError(400)
        text = line.decode("latin-1").rstrip("\r\n")
        if not text:
            return headers
        name, sep, value = text.partition(":")
        if not sep or not name or name != name.strip():
            raise HttpError(400)
        key = name.lower()
        value = value.strip()
        headers[key] = f"{headers[key]},{value}" if key in headers else value


def _path(target: str) -> str:
    raw = target.split("?", 1)[0]
    if not raw.startswith("/"):
        raise HttpError(400)
    return unquote(raw, errors="replace")


async def read_body(reader: asyncio.StreamReader, request: Request) -> bytes:
    """The request body per Content-Length or chunked encoding, bounded in size."""
    encoding = request.headers.get("transfer-encoding", "").lower()
    async with asyncio.timeout(READ_TIMEOUT_S):
        if encoding == "chunked":
            return await _chunked(reader)
        if encoding:
            raise HttpError(501)
        length_text = request.headers.get("content-length", "0").strip()
        if not length_text.isdigit():
            raise HttpError(400)
        length = int(length_text)
        if length > MAX_BODY_BYTES:
            raise HttpError(413)
        return await reader.readexactly(length) if length else b""


async def _chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        size_line = (await reader.readline()).split(b";", 1)[0].strip()
        try:
            size = int(size_line, 16)
        except ValueError:
            raise HttpError(400) from None
        if size < 0:
            raise HttpError(400)
        total += size
        if total > MAX_BODY_BYTES:
            raise HttpError(413)
        if size == 0:
            while (await reader.readline()).strip():
                pass
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        if (await reader.readline()).strip():
            raise HttpError(400)


def render(response: Response, *, keep_alive: bool, head: bool) -> bytes:
    """The wire bytes of a response."""
    status = response.status
    lines = [f"HTTP/1.1 {status} {_reason(status)}"]
    lines += [f"{name}: {value}" for name, value in response.headers]
    lines.append(f"Date: {formatdate(usegmt=True)}")
    if status != 204:
        lines.append(f"Content-Length: {len(response.body)}")
    if not keep_alive:
        lines.append("Connection: close")
    head_bytes = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", errors="replace")
    return head_bytes if head or status == 204 else head_bytes + response.body


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _keep_alive(request: Request) -> bool:
    connection = request.headers.get("connection", "").lower()
    if request.version == "HTTP/1.0":
        return "keep-alive" in connection
    return "close" not in connection


async def serve_connection(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, handler: Handler
) -> None:
    """Answer requests on one connection until it closes or must be closed."""
    try:
        while True:
            request = await read_request(reader)
            if request is None:
                return
            if request.headers.get("expect", "").lower() == "100-continue":
                writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            body = await read_body(reader, request)
            request = Request(request.method, request.path, request.version, request.headers, body)
            response = await handler(request)
            keep_alive = _keep_alive(request)
            writer.write(render(response, keep_alive=keep_alive, head=request.method == "HEAD"))
            await writer.drain()
            if not keep_alive:
                return
    except (HttpError, ValueError) as exc:
        status = exc.status if isinstance(exc, HttpError) else 400
        text = f"{status} {_reason(status)}".encode()
        plain = [("Content-Type", "text/plain; charset=utf-8"), ("Connection", "close")]
        writer.write(render(Response(status, text, plain[:1]), keep_alive=False, head=False))
        with contextlib.suppress(ConnectionError):
            await writer.drain()
    except (ConnectionError, TimeoutError, asyncio.IncompleteReadError):
        return
    finally:
        writer.close()
