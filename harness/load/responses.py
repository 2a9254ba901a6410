"""Reading a geventhttpclient response (through Locust's FastHttpSession) into an `Answer`.

Transport failures are named (timeout, connection refused or reset) the way
`outcome.classify` expects; a body that breaks off mid-read counts as a transport failure.
It must not decide outcomes (outcome.py does). Imports locust/gevent: runner child only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import gevent
from locust.contrib.fasthttp import FastResponse

from harness.load.outcome import Answer, TransportError


def transport_error(error: BaseException | None) -> TransportError:
    """Name a geventhttpclient/socket failure the way `outcome.classify` expects."""
    if isinstance(error, TimeoutError | gevent.Timeout) or "timed out" in str(error):
        return "timeout"
    if isinstance(error, ConnectionRefusedError):
        return "connection_refused"
    return "connection_reset"


def read_answer(response: FastResponse) -> Answer:
    """An `Answer` from a FastResponse, a body that breaks off mid-read counting as transport."""
    if response.status_code == 0:
        return Answer(0, error=transport_error(getattr(response, "error", None)))
    try:
        content = response.content
    except (OSError, gevent.Timeout) as exc:
        return Answer(0, error=transport_error(exc))
    body: Mapping[str, object] | None = None
    if content:
        try:
            parsed = json.loads(content)  # bytes: json detects the UTF encoding itself
        except ValueError:  # includes UnicodeDecodeError
            parsed = None
        body = parsed if isinstance(parsed, dict) else None
    headers = response.headers
    retry_after = None
    if response.status_code >= 400 and headers is not None:  # only errors carry Retry-After
        retry_after = headers.get("Retry-After")
    return Answer(
        response.status_code,
        body=body,
        retry_after=None if retry_after is None else str(retry_after),
    )


def session_lost(answer: Answer) -> bool:
    """401, or 403 `password_change_required` after a forced reset: log in again."""
    code = (answer.body or {}).get("error")
    return answer.status == 401 or (answer.status == 403 and code == "password_change_required")
