"""The request guard's rules (`targets.inputs`): ids, paths, bodies, and the ASGI guard itself.

The guard is exercised as a real ASGI app through httpx's ASGI transport (no sockets needed:
it is pure ASGI); the running-bank test is `test_hostile_inputs.py`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from hypothesis import given
from hypothesis import strategies as st
from starlette.types import Message, Receive, Scope, Send

from targets.inputs import (
    DEFAULT_BODY_BYTES,
    INTERNAL_BODY_BYTES,
    MAX_JSON_DEPTH,
    RequestGuard,
    body_limit_for,
    check_body,
    check_path,
    is_valid_id,
)


@pytest.mark.parametrize("text", ["ACC-0001", "pay_0a1b", "E2E.1:2", "a", "x" * 64])
def test_ids_from_the_alphabet_pass(text: str) -> None:
    assert is_valid_id(text)


@pytest.mark.parametrize(
    "text",
    ["", "x" * 65, "ACC 1", "a\x00b", "a\r\nHost: x", "a/b", "a?b", "\u0661", "a\ud800", "é", 7],
)
def test_ids_outside_the_alphabet_fail(text: object) -> None:
    assert not is_valid_id(text)


def test_a_longer_bound_is_honoured() -> None:
    assert is_valid_id("k" * 128, 128) and not is_valid_id("k" * 129, 128)


@pytest.mark.parametrize("path", ["/v1/transfers/a\x00b", "/v1/x/a\r\nHost: evil", "/a\x7f"])
def test_paths_with_control_characters_are_refused(path: str) -> None:
    refusal = check_path(path)
    assert refusal is not None and (refusal.status, refusal.code) == (400, "invalid_path")


def test_plain_paths_pass() -> None:
    assert check_path("/v1/payments/pay_0a1b/inquiry") is None


def _code(raw: bytes) -> str | None:
    refusal = check_body(raw)
    return None if refusal is None else refusal.code


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b'{"password": "\\ud800"}', "invalid_unicode"),
        (b'{"\\udfff": 1}', "invalid_unicode"),
        (b'{"a": ["x", {"b": "\\udc00z"}]}', "invalid_unicode"),
        (b'{"id": "a\\u0000b"}', "invalid_character"),
        (b"[" * 50_000 + b"]" * 50_000, "json_too_deep"),
        (b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1), "json_too_deep"),
        (b'{"epoch": 9223372036854775808}', "invalid_number"),
        (b'{"epoch": -9223372036854775809}', "invalid_number"),
        (b'{"n": ' + b"9" * 5000 + b"}", "invalid_number"),
        (b'{"n": NaN}', "invalid_number"),
        (b'{"n": -Infinity}', "invalid_number"),
        (b'{"n": 1e999}', "invalid_number"),
        (b'{"a": "\xff"}', "invalid_encoding"),
        (b'{"a": "\xed\xa0\x80"}', "invalid_encoding"),  # a surrogate encoded raw
        (b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH, None),
        (b'{"epoch": 9223372036854775807, "ok": "\\u00e9\\ud83d\\ude00"}', None),
        (b"", None),
        (b"not json at all", None),  # each route answers it in its own contract's words
    ],
)
def test_bodies_are_judged(raw: bytes, code: str | None) -> None:
    assert _code(raw) == code


_TEXT = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"))
_DOCUMENTS = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=20,
)


@given(_DOCUMENTS)
def test_any_well_formed_document_passes(document: Any) -> None:
    assert check_body(json.dumps(document).encode()) is None


@given(_DOCUMENTS, st.integers(min_value=0xD800, max_value=0xDFFF))
def test_a_lone_surrogate_anywhere_is_refused(document: Any, surrogate: int) -> None:
    hostile = json.dumps({"wrapped": document, "x": [chr(surrogate)]})  # ensure_ascii: \udXXX
    assert _code(hostile.encode()) == "invalid_unicode"


def test_limits_differ_per_service() -> None:
    assert body_limit_for("mobile-api") < body_limit_for("payments") == DEFAULT_BODY_BYTES


def _echo_app(limit: int) -> FastAPI:
    app = FastAPI()
    app.add_middleware(RequestGuard, body_limit_bytes=limit)

    @app.post("/{path:path}")
    async def echo(request: Request) -> dict[str, int]:
        return {"bytes": len(await request.body())}

    return app


async def _post(app: FastAPI, path: str, content: bytes | AsyncIterator[bytes]) -> httpx.Response:
    transport = httpx.ASGITransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bank") as client:
        return await client.post(path, content=content)


def _answer(path: str, content: bytes | AsyncIterator[bytes], limit: int = 1000) -> tuple[int, Any]:
    response = asyncio.run(_post(_echo_app(limit), path, content))
    return response.status_code, response.json()


def test_a_body_within_the_limit_reaches_the_route_unchanged() -> None:
    assert _answer("/v1/x", b'{"a": "' + b"x" * 900 + b'"}') == (200, {"bytes": 909})


def test_a_declared_body_over_the_limit_is_413() -> None:
    status, body = _answer("/v1/x", b"x" * 1001)
    assert (status, body["error"]) == (413, "body_too_large")


def test_a_chunked_body_over_the_limit_is_413_as_it_is_counted() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b"x" * 100

    status, body = _answer("/v1/x", chunks())
    assert (status, body["error"]) == (413, "body_too_large")


def test_internal_paths_take_replication_batches() -> None:
    assert INTERNAL_BODY_BYTES > DEFAULT_BODY_BYTES
    assert _answer("/internal/replication/entries", b"[" + b"1," * 1000 + b"1]")[0] == 200


def test_a_hostile_body_never_reaches_the_route() -> None:
    status, body = _answer("/v1/x", b'{"password": "\\ud800"}')
    assert (status, body["error"]) == (400, "invalid_unicode")
    assert set(body) == {"error", "detail"}


def test_a_declared_body_over_the_limit_is_refused_before_a_byte_is_read() -> None:
    """A client announcing 1 GB gets its 413 at once: the guard never starts reading."""
    sent: list[Message] = []

    async def no_read() -> Message:
        raise AssertionError("the guard read a body it should have refused unread")

    async def record(message: Message) -> None:
        sent.append(message)

    async def route(scope: Scope, receive: Receive, send: Send) -> None:
        raise AssertionError("the route saw a refused request")

    scope: Scope = {
        "type": "http",
        "method": "POST",
        "path": "/v1/journals",
        "headers": [(b"content-length", str(10**9).encode())],
    }
    asyncio.run(RequestGuard(route, body_limit_bytes=1000)(scope, no_read, record))
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"])["error"] == "body_too_large"
