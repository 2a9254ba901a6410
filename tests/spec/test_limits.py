"""One source of caps: the schema refuses past each range, the services accept all of it.

A file that validates must never be refused by a service mid-run, so every value the schema
accepts (each range's ends) must be accepted by the service that receives it: the flags API,
clearing's config API, core's seeding, the fault proxy's toxic decoder, the load's pool cap.
And every range is documented in docs/experiments.md.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from harness import limits
from harness.faultproxy.toxics import TOXIC_TYPES
from harness.load.config import MAX_POOL
from harness.spec import check_file
from targets.clearing.app import ConfigBody
from targets.core_banking.admin import MAX_SEED_CUSTOMERS
from targets.flags import parse_update
from tests.spec.conftest import VALID_YAML, WriteExperiment

DOC = Path(__file__).resolve().parents[2] / "docs" / "experiments.md"


def doc_row(field: str, accepted: limits.Range) -> str:
    low, _, rest = str(accepted).partition(" .. ")
    high, _, unit = rest.partition(" ")
    return f"| `{field} | {low} .. {high} | {unit} |"


def test_every_range_is_finite_and_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    rows = [doc_row(f"{field}`", r) for field, r in limits.FIELDS.items()]
    rows += [
        doc_row(f"timeline[].toxic.attributes.{name}` ({kind})", r)
        for kind, attributes in limits.TOXIC_ATTRIBUTES.items()
        for name, r in attributes.items()
    ]
    for row in rows:
        assert row in text, row
    every = [
        *limits.FIELDS.values(),
        *(r for a in limits.TOXIC_ATTRIBUTES.values() for r in a.values()),
    ]
    assert all(math.isfinite(r.low) and math.isfinite(r.high) and r.low < r.high for r in every)


def test_the_flags_api_takes_every_value_the_schema_takes() -> None:
    for value in (limits.EXTRA_LATENCY_MS.low, limits.EXTRA_LATENCY_MS.high):
        assert not isinstance(parse_update({"extra_latency_ms": int(value)}), str)
    for rate in (limits.FRACTION.low, limits.FRACTION.high):
        assert not isinstance(parse_update({"error_rate": rate}), str)
    for bad in ({"extra_latency_ms": int(limits.EXTRA_LATENCY_MS.high) + 1},
                {"error_rate": math.nan}, {"error_rate": math.inf}):  # fmt: skip
        assert isinstance(parse_update(bad), str), bad


def test_clearing_takes_every_processing_time_the_schema_takes() -> None:
    for value in (limits.PROCESSING_MS.low, limits.PROCESSING_MS.high):
        ConfigBody.model_validate({"processing_ms": int(value), "reject_rate": 1.0})
    for bad in ({"processing_ms": int(limits.PROCESSING_MS.high) + 1}, {"reject_rate": math.nan}):
        with pytest.raises(ValueError):
            ConfigBody.model_validate(bad)


def test_core_seeds_and_the_load_runs_as_many_as_the_schema_allows() -> None:
    assert limits.CUSTOMERS.high <= MAX_SEED_CUSTOMERS
    assert limits.USERS.high <= MAX_POOL


@pytest.mark.parametrize("kind", sorted(limits.TOXIC_ATTRIBUTES))
def test_the_fault_proxy_decodes_every_toxic_attribute_the_schema_takes(kind: str) -> None:
    attributes = limits.TOXIC_ATTRIBUTES[kind]
    assert set(attributes) == set(TOXIC_TYPES[kind]().attributes())
    for pick in ("low", "high"):
        raw = {name: int(getattr(r, pick)) for name, r in attributes.items()}
        assert TOXIC_TYPES[kind]().merged(raw).attributes() == raw


FLAG_STEP = """\
  - at: fault
    action: flag
    service: payments
    flags: {{extra_latency_ms: {latency}}}
  - at: fault
    action: clearing
    processing_ms: {processing}
"""

AT_THE_CAP = [
    ("rate_per_s: 20", "rate_per_s: 10000", "rate_per_s: 10000.5"),
    ("users: 10", "users: 1000", "users: 1001"),
    ("customers: 50", "customers: 100000", "customers: 100001"),
    ("client_timeout_s: 5", "client_timeout_s: 600", "client_timeout_s: .inf"),
    ("balance: 3", "balance: 1000000", "balance: 1.0e+309"),
    ("latency: 300", "latency: 86400000", "latency: 9223372036854775808"),
    ("toxicity: 0.5", "toxicity: 1", "toxicity: .nan"),
    ("seed: 7", "seed: 9223372036854775807", "seed: 9223372036854775808"),
    ("p99_ms: 800", "p99_ms: 3600000", "p99_ms: 3600001"),
    ("max_time_to_recover_s: 10", "max_time_to_recover_s: 86400", "max_time_to_recover_s: 1e6"),
    ("for_s: 10", "for_s: 86400", "for_s: -.inf"),
    ("  baseline: 20s", "  baseline: 20s", "  baseline: 200h"),
    ("  baseline: 20s", "  baseline: 20s", "  baseline: \uff11\uff10s"),  # full-width digits
    (
        "timeline:\n",
        "timeline:\n" + FLAG_STEP.format(latency=60000, processing=600000),
        "timeline:\n" + FLAG_STEP.format(latency=60001, processing=600000),
    ),
    (
        "timeline:\n",
        "timeline:\n" + FLAG_STEP.format(latency=0, processing=600000),
        "timeline:\n" + FLAG_STEP.format(latency=0, processing=600001),
    ),
]


@pytest.mark.parametrize(("old", "at_cap", "past_cap"), AT_THE_CAP)
def test_the_schema_takes_each_range_to_its_end_and_refuses_past_it(
    write_experiment: WriteExperiment, old: str, at_cap: str, past_cap: str
) -> None:
    assert old in VALID_YAML
    experiment, problems = check_file(write_experiment(VALID_YAML.replace(old, at_cap, 1)))
    assert problems == [] and experiment is not None, problems
    experiment, problems = check_file(write_experiment(VALID_YAML.replace(old, past_cap, 1)))
    assert experiment is None and len(problems) == 1, problems
