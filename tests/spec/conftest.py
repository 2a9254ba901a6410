"""Fixtures for the experiment-file tests: a valid experiment and a way to write variants."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

VALID_YAML = """\
name: sample
title: A sample experiment
incident:
  org: Example Bank
  date: 2024-10-30
  summary: The core crashed at peak.
  sources:
    - https://example.org/incident
profiles:
  hardened:
    verdict: pass
  fragile:
    verdict: fail
    because: [slo:balance:fault:availability, invariant:exactly_once]
    set: {retry_attempts: 1}
load:
  users: 10
  rate_per_s: 20
  mix: {balance: 3, transfer: 1}
  # no think time: requests fall due at rate_per_s whatever the bank does
  client_timeout_s: 5
  customers: 50
phases:
  baseline: 20s
  fault: 1m
  recovery: 30s
timeline:
  - at: fault
    action: crash
    service: core-dc-a
    duration: 30s
  - at: fault+5s
    action: toxic
    link: payments-clearing
    toxic:
      type: latency
      stream: downstream
      toxicity: 0.5
      attributes: {latency: 300, jitter: 20}
    duration: 20s
  - at: 50s
    action: toxic_remove
    link: payments-clearing
    name: latency_downstream
  - at: recovery
    action: migrate
    to: dc-b
    fault_during:
      action: link_down
      link: core-replication
slo:
  balance:
    baseline: {availability_pct: 99.5, p99_ms: 800}
    fault: {availability_pct: 95}
recovery:
  journeys: [balance, transfer]
  max_time_to_recover_s: 10
abort:
  - journey: any
    error_rate_above: 0.9
    for_s: 10
invariants: [money_conserved, exactly_once]
seed: 7
"""

WriteExperiment = Callable[[str], Path]


@pytest.fixture
def valid_yaml() -> str:
    """The text of a valid experiment named `sample`."""
    return VALID_YAML


@pytest.fixture
def write_experiment(tmp_path: Path) -> WriteExperiment:
    """Write text to `<tmp>/sample.yaml` (the file name the sample's `name` expects)."""

    def write(text: str) -> Path:
        path = tmp_path / "sample.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return write
