"""A Toxiproxy-compatible fault proxy server (asyncio), faithful to Toxiproxy 2.12's HTTP API.

Run it with `python -m harness.faultproxy`; embed it with `FaultProxyServer`. Modules: `api`
(routes and handlers), `wire` (the HTTP layer), `codec` (Go-style JSON), `bodies` (request
bodies as the Go handlers read them), `collection` and `proxy` (proxies and their
operations), `link` and `direction` (the TCP data path), `toxics/` (one file per toxic),
`metrics`, `log_level` (Toxiproxy's LOG_LEVEL), `server` (process wiring). This package must
not import the rest of the harness beyond `harness.logs`.
"""

from __future__ import annotations

VERSION = "2.12.0"

__all__ = ["VERSION"]
