"""The outside-in synthetic probe: the bank's app as a customer reaches it, through the edge.

Every `status_probe_interval_s` it GETs `<probe-url>/health/ready` (the `edge-mobile` link)
with a short timeout and records the result in a `detection.ProbeRecord`: a timeout, a refused
connection or a 5xx is a failure. It judges nothing itself (`detection.py` does).
"""

from __future__ import annotations

import asyncio
import contextlib

import httpx

from targets.status.detection import ProbeRecord

PROBE_TIMEOUT_S = 1.0
SERVER_ERROR = 500


async def probe_once(client: httpx.AsyncClient, url: str) -> bool:
    """One probe of the edge: whether it answered ready."""
    try:
        async with asyncio.timeout(PROBE_TIMEOUT_S):
            answer = await client.get(url.rstrip("/") + "/health/ready")
        return answer.status_code < SERVER_ERROR
    except (TimeoutError, httpx.HTTPError):
        return False


async def run_probe(
    client: httpx.AsyncClient,
    url: str,
    record: ProbeRecord,
    interval_s: float,
    stop: asyncio.Event,
) -> None:
    """Probe every `interval_s` until `stop` is set."""
    while not stop.is_set():
        record.record(await probe_once(client, url))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval_s)
