"""One script of API requests sent to our server and to the reference Toxiproxy 2.8.0, and the
two transcripts compared exchange by exchange: status, Content-Type, request-id presence and
the body (as JSON where it parses, byte for byte otherwise).

Only what must differ is normalised: bound ports (numbered in order of appearance), the
version string, and Date/request-id values. Deliberate differences are left out of the script
(they have their own marked tests).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.faultproxy.conftest import ApiClient
from tests.faultproxy.servers import OURS, REFERENCE, ServerPool, reference_missing_reason

pytestmark = pytest.mark.integration

Step = tuple[str, str, Any]

PROXY_SCRIPT: list[Step] = [
    ("GET", "/proxies", None),
    ("GET", "/version", None),
    ("POST", "/proxies", {"name": "db", "listen": "127.0.0.1:0", "upstream": "{upstream}"}),
    ("POST", "/proxies", {"name": "db", "listen": "127.0.0.1:0", "upstream": "x:1"}),
    (
        "POST",
        "/proxies",
        {"name": "off", "listen": "localhost:0", "upstream": "x:1", "enabled": False},
    ),
    ("POST", "/proxies", {"upstream": "x:1"}),
    ("POST", "/proxies", {"name": "n"}),
    ("POST", "/proxies", {"name": "n", "upstream": "x:1", "listen": "local373"}),
    ("POST", "/proxies", {"name": "n", "upstream": "x:1", "listen": "127.0.0.1:99999"}),
    ("POST", "/proxies", ""),
    ("POST", "/proxies", "nonsense"),
    ("POST", "/proxies", '{"name": "x"'),
    ("POST", "/proxies", '{"name": 5, "upstream": "x:1"}'),
    ("POST", "/proxies", '{"name": "x", "upstream": "x:1", "enabled": "yes"}'),
    ("POST", "/proxies", "[1, 2]"),
    *(
        ("POST", "/proxies", body)
        for body in (
            '{"a" 1}',
            '{"a":1 "b":2}',
            "[1 2]",
            "{1:2}",
            '{"a":"x\ny"}',
            '{"a":"\\q"}',
            '{"a":tru}',
            '{"a":nulx}',
            "falsy",
            "-x",
            '{"a":-}',
            '{"a":[1,]}',
            "{,}",
            '{"a":"\\"}',
            '{"a":1,}',
            '{"a":"\\"", "b" 1}',
        )
    ),
    ("POST", "/proxies", '{"NAME": "ci", "Upstream": "x:1", "Listen": "127.0.0.1:0"} trailing'),
    ("GET", "/proxies", None),
    ("GET", "/proxies/db", None),
    ("GET", "/proxies/nope", None),
    ("PATCH", "/proxies/db", {"enabled": False, "name": "ignored"}),
    ("POST", "/proxies/db", {"enabled": True}),
    ("PATCH", "/proxies/db", {"upstream": "127.0.0.1:1"}),
    ("PATCH", "/proxies/db", {"upstream": "{upstream}"}),
    ("PATCH", "/proxies/db", "nonsense"),
    ("PATCH", "/proxies/nope", {"enabled": False}),
    ("POST", "/proxies/off", {"enabled": True}),
    ("DELETE", "/proxies/ci", None),
    ("DELETE", "/proxies/ci", None),
    ("GET", "/proxies", None),
    ("POST", "/reset", "ignored"),
    ("GET", "/proxies", None),
]

TOXIC_SCRIPT: list[Step] = [
    ("POST", "/proxies", {"name": "p", "listen": "127.0.0.1:0", "upstream": "{upstream}"}),
    ("GET", "/proxies/p/toxics", None),
    ("POST", "/proxies/p/toxics", {"type": "latency"}),
    ("POST", "/proxies/p/toxics", {"type": "latency"}),
    ("POST", "/proxies/p/toxics", {"type": "latency", "stream": "upstream"}),
    ("POST", "/proxies/p/toxics", {"name": "latency_downstream", "type": "noop", "stream": "up"}),
    ("POST", "/proxies/p/toxics", {"name": "latency_upstream", "type": "noop"}),
    ("POST", "/proxies/p/toxics", {"type": "noop", "stream": "walrustream"}),
    ("POST", "/proxies/p/toxics", {"type": "noop", "stream": ""}),
    ("POST", "/proxies/p/toxics", {"type": "Latency"}),
    ("POST", "/proxies/p/toxics", {"type": "nope"}),
    ("POST", "/proxies/p/toxics", {}),
    ("POST", "/proxies/p/toxics", ""),
    ("POST", "/proxies/p/toxics", {"type": "latency", "attributes": {"latency": 100.5}}),
    ("POST", "/proxies/p/toxics", {"type": "latency", "attributes": {"latency": "100"}}),
    ("POST", "/proxies/p/toxics", {"type": "latency", "attributes": "fast"}),
    ("POST", "/proxies/p/toxics", {"type": "noop", "toxicity": "high"}),
    ("POST", "/proxies/nope/toxics", {"type": "noop"}),
    (
        "POST",
        "/proxies/p/toxics",
        {"type": "bandwidth", "stream": "UpStream", "toxicity": 0.2, "attributes": {"Rate": 100}},
    ),
    (
        "POST",
        "/proxies/p/toxics",
        {"name": "cut", "type": "slicer", "attributes": {"average_size": 64}},
    ),
    (
        "POST",
        "/proxies/p/toxics",
        {"type": "slow_close", "toxicity": 2.5, "attributes": {"delay": 1}},
    ),
    (
        "POST",
        "/proxies/p/toxics",
        {"type": "timeout", "toxicity": -1, "attributes": {"timeout": 9}},
    ),
    (
        "POST",
        "/proxies/p/toxics",
        {"type": "reset_peer", "toxicity": 0, "attributes": {"timeout": 3}},
    ),
    ("POST", "/proxies/p/toxics", {"type": "limit_data", "attributes": {"bytes": 7, "extra": 1}}),
    ("GET", "/proxies/p/toxics", None),
    ("GET", "/proxies/p/toxics/cut", None),
    ("GET", "/proxies/p/toxics/nope", None),
    ("GET", "/proxies/nope/toxics/cut", None),
    ("PATCH", "/proxies/p/toxics/latency_downstream", {"attributes": {"latency": 10, "jitter": 5}}),
    (
        "POST",
        "/proxies/p/toxics/latency_downstream",
        {"attributes": {"latency": 1000}, "type": "x"},
    ),
    ("PATCH", "/proxies/p/toxics/latency_downstream", {"toxicity": 0.25}),
    ("PATCH", "/proxies/p/toxics/latency_downstream", {"toxicity": None}),
    ("PATCH", "/proxies/p/toxics/cut", {"attributes": {"delay": 5}}),
    ("PATCH", "/proxies/p/toxics/nope", {}),
    ("PATCH", "/proxies/p/toxics/cut", "nonsense"),
    ("PATCH", "/proxies/p/toxics/cut", {"attributes": "fast"}),
    ("PATCH", "/proxies/p/toxics/cut", {"attributes": {"delay": "1"}}),
    ("PATCH", "/proxies/p/toxics/cut", {"attributes": {"delay": 1.5}}),
    ("PATCH", "/proxies/p/toxics/cut", {"toxicity": "x"}),
    ("PATCH", "/proxies/p/toxics/cut", ""),
    ("PATCH", "/proxies/p/toxics/cut", [1]),
    ("POST", "/proxies/p/toxics", [1]),
    ("POST", "/proxies/p/toxics", {"type": "slicer", "attributes": {"delay": 2**63}}),
    ("GET", "/proxies/p", None),
    ("DELETE", "/proxies/p/toxics/cut", None),
    ("DELETE", "/proxies/p/toxics/cut", None),
    ("DELETE", "/proxies/nope/toxics/cut", None),
    ("POST", "/reset", None),
    ("GET", "/proxies/p/toxics", None),
]

ROUTING_SCRIPT: list[Step] = [
    ("GET", "/nope", None),
    ("GET", "/proxies/", None),
    ("GET", "/", None),
    ("GET", "/metrics", None),
    ("PUT", "/proxies", None),
    ("HEAD", "/version", None),
    ("GET", "/reset", None),
    ("DELETE", "/populate", None),
    ("POST", "/populate", [{"name": "a", "upstream": "x:1", "listen": ":0"}, {"upstream": "x:1"}]),
    ("POST", "/populate", {"name": "x"}),
    ("POST", "/populate", []),
    ("POST", "/populate", "null"),
    ("POST", "/populate", [{"name": "one", "listen": "127.0.0.1:0", "upstream": "{upstream}"}]),
    ("POST", "/populate", [{"name": "two", "listen": "local373", "upstream": "x:1"}]),
    ("GET", "/proxies", None),
]

SCRIPTS = {"proxies": PROXY_SCRIPT, "toxics": TOXIC_SCRIPT, "routing": ROUTING_SCRIPT}


@dataclass(frozen=True)
class Exchange:
    """One request and what a server answered, normalised for comparison."""

    request: str
    status: int
    content_type: str | None
    has_request_id: bool
    body: Any


class PortNames:
    """Replaces bound ports with P1, P2, … in order of first appearance."""

    def __init__(self, fixed: dict[str, str]) -> None:
        self.names = dict(fixed)

    def __call__(self, text: str) -> str:
        def name(match: re.Match[str]) -> str:
            port = match.group(2)
            if port != "0":
                port = self.names.setdefault(port, f"P{len(self.names) + 1}")
            return f"{match.group(1)}:{port}"

        return re.sub(r"(127\.0\.0\.1|\[::\]|localhost):(\d+)", name, text)


def _run(api: ApiClient, script: list[Step], upstream: str) -> list[Exchange]:
    ports = PortNames({upstream.rsplit(":", 1)[1]: "UPSTREAM"})
    exchanges = []
    for method, path, raw in script:
        body = raw
        if isinstance(raw, dict | list):
            body = json.loads(json.dumps(raw).replace("{upstream}", upstream))
        reply = api.call(method, path, body)
        text = ports(reply.body.decode()).replace(api.version, "VERSION")
        try:
            parsed: Any = json.loads(text) if text.strip() else text
        except ValueError:
            parsed = text
        exchanges.append(
            Exchange(
                f"{method} {path} {body!r}",
                reply.status,
                reply.headers.get("content-type"),
                "x-toxiproxy-request-id" in reply.headers,
                parsed,
            )
        )
    return exchanges


@pytest.fixture
def both(server_pool: ServerPool) -> Iterator[tuple[ApiClient, ApiClient]]:
    """Clients for our server and the reference one (skipped without the reference)."""
    missing = reference_missing_reason()
    if missing is not None:
        pytest.skip(missing)
    servers = [server_pool.get(kind) for kind in (OURS, REFERENCE)]
    yield (
        ApiClient("127.0.0.1", servers[0].port, OURS),
        ApiClient("127.0.0.1", servers[1].port, REFERENCE),
    )
    for server in servers:
        if server.alive():
            server.delete_all_proxies()


@pytest.mark.parametrize("script", list(SCRIPTS))
def test_transcripts_agree(both, echo_upstream, script):
    """Every exchange of the script is the same on both servers."""
    ours, reference = (_run(api, SCRIPTS[script], echo_upstream) for api in both)
    differing = [
        f"{mine.request}\n  ours:      {mine}\n  toxiproxy: {theirs}"
        for mine, theirs in zip(ours, reference, strict=True)
        if mine != theirs
    ]
    assert not differing, "\n".join(differing)
