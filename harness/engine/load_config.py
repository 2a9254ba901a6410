"""The load settings of one run, built from the experiment, its schedule and the placement.

The offered rate and mix (with the experiment's stages at the run's time scale), the pool and
the customers come from `experiment.load`; the edge, status page and contact centre URLs from
the placement's proxies (`edge-mobile`, `edge-status`, `edge-contact`). A bank without the
people-facing links gets no status or contact URL: the load then skips `status_check` and
`contact` intents and nobody calls (said once in the log). Pure but for that log line: it
starts nothing.
"""

from __future__ import annotations

import structlog

from harness.load.config import LoadConfig
from harness.spec.model import Experiment
from harness.spec.schedule import Schedule
from harness.spec.stages import resolve_stages
from harness.topology import Placement

log = structlog.get_logger()

PEOPLE_LINKS = {"status_check": "edge-status", "contact": "edge-contact"}
"""Mix journeys that need a people-facing service, and the link the load reaches it through."""


def load_config(
    experiment: Experiment, placement: Placement, schedule: Schedule, seed: int
) -> LoadConfig:
    """What the load process runs for `experiment` on the bank at `placement`."""
    spec = experiment.load
    status = placement.proxies.get("edge-status")
    contact = placement.proxies.get("edge-contact")
    named = set(spec.mix) | {j for s in spec.stages for j in (s.mix or {})}
    missing = sorted(
        j for j, lk in PEOPLE_LINKS.items() if j in named and lk not in placement.proxies
    )
    if missing:
        log.warning("load_people_journeys_skipped", journeys=missing, reason="no such link")
    return LoadConfig(
        edge_url=placement.edge_url,
        rate_per_s=spec.rate_per_s,
        users=spec.users,
        duration_s=schedule.total_s,
        mix=tuple(spec.mix.items()),
        customers=spec.customers,
        client_timeout_s=spec.client_timeout_s,
        seed=seed,
        stages=resolve_stages(spec.stages, experiment.phases.lengths_s, schedule.time_scale),
        status_url=None if status is None else status.url,
        contact_url=None if contact is None else contact.url,
    )
