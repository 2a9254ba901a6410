"""The known, deliberate differences between our fault proxy and the reference Toxiproxy 2.8.0.

A differential test that exercises one of them is marked `@pytest.mark.differs("<key>")`: it
still runs against our server, and against the reference server it is skipped (when running
it would crash or wedge the shared reference process) or expected to fail, strictly, so that
the table stays true. Entries tested on ours only (a feature the reference lacks) say so.
Anything not listed here must behave the same on both servers.
This module must not start servers or hold test logic.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Difference:
    """Why our server differs on purpose; `harms_reference` means do not even try it there."""

    reason: str
    harms_reference: bool = False


DELIBERATE_DIFFERENCES: dict[str, Difference] = {
    "zero_size_slicer": Difference(
        "a slicer with average_size + size_variation < 1 (e.g. no attributes) is accepted by "
        "both, but Toxiproxy 2.8.0 recurses forever and the whole server dies on the first "
        "data; ours cuts such chunks into 1-byte pieces and data flows",
        harms_reference=True,
    ),
    "oversized_slicer_variation": Difference(
        "a slicer with size_variation > average_size is accepted by both; Toxiproxy can pick "
        "split points outside the chunk and panic; ours keeps every split inside the chunk",
        harms_reference=True,
    ),
    "negative_bandwidth": Difference(
        "bandwidth rate < 0: Toxiproxy 2.8.0 accepts it and panics on the first data; ours "
        "refuses it with 400 `bad request body: …`"
    ),
    "resolved_listen": Difference(
        "ours implements Toxiproxy 2.12: an update or populate resolves the listen address "
        "first and compares the result, so `localhost:PORT` for a proxy on 127.0.0.1:PORT "
        "changes nothing and an unresolvable one is `address …` (500); 2.8.0 compares strings, "
        "restarts the proxy (closing its connections) and reports `listen tcp: address …`"
    ),
    "slow_upstream_dial": Difference(
        "Toxiproxy dials the upstream inside the proxy's accept loop, so a black-holed "
        "upstream stalls that proxy and its DELETE for up to ~2 min; ours dials in a task per "
        "connection (DESIGN.md §4)",
        harms_reference=True,
    ),
    "seeded_randomness": Difference(
        "ours takes `-seed` and derives jitter, toxicity and slicer draws from it per "
        "connection, so runs repeat; Toxiproxy discards its seed (DESIGN.md §4). Tested on "
        "ours only (test_toxic_latency, test_toxic_live)",
    ),
    "body_size_limit": Difference(
        "ours refuses request bodies over 8 MiB with 413; Toxiproxy reads any size. Tested on "
        "ours only (test_server_resilience)"
    ),
    "reset_peer_linger": Difference(
        "Toxiproxy sets SO_LINGER=0 on every connection opened while a reset_peer toxic "
        "exists, whatever its toxicity, so a reset_peer that never fires still turns closes "
        "into RSTs (issue #603); ours resets only when the toxic fires"
    ),
}
