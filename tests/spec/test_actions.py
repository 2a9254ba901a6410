"""Timeline actions: every kind has a valid form, and each refuses what makes no sense."""

from __future__ import annotations

from typing import Any, get_args

import pytest
from pydantic import TypeAdapter, ValidationError

from harness import spec
from harness.spec import ACTION_KINDS, TOXIC_ATTRIBUTES, Action
from harness.spec.actions import ToxicAction, ToxicType

ADAPTER: TypeAdapter[Any] = TypeAdapter(Action)

EXAMPLES: dict[str, dict[str, Any]] = {
    "toxic": {
        "link": "payments-core",
        "duration": "10s",
        "toxic": {"type": "latency", "attributes": {"latency": 3000}, "toxicity": 0.5},
    },
    "toxic_remove": {"link": "payments-core", "name": "latency_downstream"},
    "link_down": {"link": "core-replication", "duration": "5s"},
    "link_up": {"link": "core-replication"},
    "crash": {"service": "core-dc-a", "duration": "1m"},
    "freeze": {"service": "payments", "duration": "3s"},
    "restart": {"service": "mobile-api"},
    "slow_start": {"service": "payments", "duration": "10s"},
    "isolate": {"service": "clearing", "duration": "20s"},
    "migrate": {"to": "dc-b", "fault_during": {"action": "link_down", "link": "core-replication"}},
    "promote": {"dc": "dc-b"},
    "fence": {"dc": "dc-a"},
    "flag": {"service": "payments", "flags": {"error_rate": 0.2, "extra_latency_ms": 400}},
    "clearing": {"processing_ms": 4000, "reject_rate": 0.1, "duration": "30s"},
    "revoke_sessions": {"force_password_change": True},
    "exfiltrate": {"duration": "60s", "customers": 20, "reads_per_s": 2, "honeytokens": False},
}


def test_every_kind_has_an_example() -> None:
    """The examples here cover exactly the registered kinds."""
    assert sorted(EXAMPLES) == sorted(ACTION_KINDS)


@pytest.mark.parametrize("kind", ACTION_KINDS)
def test_each_kind_parses_to_its_model(kind: str) -> None:
    """Each kind's example parses to a model whose `action` is that kind."""
    action = ADAPTER.validate_python({"action": kind, "at": "fault", **EXAMPLES[kind]})
    assert action.action == kind
    assert str(action.at) == "fault"


@pytest.mark.parametrize(
    ("kind", "params", "reason"),
    [
        (
            "toxic",
            {"link": "payments-core", "toxic": {"type": "noop", "attributes": {"x": 1}}},
            "a noop toxic takes no attributes",
        ),
        (
            "toxic",
            {"link": "payments-core", "toxic": {"type": "bandwidth", "attributes": {"latency": 1}}},
            "unknown attribute of a bandwidth toxic 'latency'",
        ),
        ("flag", {"service": "payments", "flags": {}}, "set at least one of"),
        ("clearing", {}, "set at least one of processing_ms, reject_rate"),
        ("crash", {"service": "core-dc-a", "duration": "0s"}, "greater than zero"),
        ("restart", {"service": "core-dc-a", "duration": "5s"}, "unknown key 'duration'"),
        (
            "migrate",
            {"to": "dc-b", "fault_during": {"action": "crash", "service": "payments"}},
            "does not match any of the expected tags: 'toxic', 'link_down'",
        ),
        ("revoke_sessions", {"force_password_change": "yes"}, "valid boolean"),
        ("exfiltrate", {"customers": 5}, "duration\n  Field required"),
        ("exfiltrate", {"duration": "10s", "reads_per_s": 0}, "greater than 0"),
        ("exfiltrate", {"duration": "10s", "reads_per_s": 101}, "less than or equal to 100"),
        ("exfiltrate", {"duration": "10s", "customers": 0}, "greater than or equal to 1"),
        ("exfiltrate", {"duration": "10s", "honeytokens": "maybe"}, "valid boolean"),
        ("exfiltrate", {"duration": "10s", "device": "x"}, "unknown key 'device'"),
    ],
)
def test_actions_refuse_nonsense(kind: str, params: dict[str, Any], reason: str) -> None:
    """Toxic attributes must fit the type, flags must set something, durations must be > 0."""
    with pytest.raises(ValidationError, match=reason):
        ADAPTER.validate_python({"action": kind, **params})


def test_toxic_name_defaults_like_toxiproxy() -> None:
    """An unnamed toxic is known as "<type>_<stream>", as Toxiproxy names it."""
    action = ADAPTER.validate_python({"action": "toxic", **EXAMPLES["toxic"]})
    assert isinstance(action, ToxicAction)
    assert action.toxic.resolved_name == "latency_downstream"
    assert action.duration == 10.0


def test_every_toxic_type_has_an_attribute_list() -> None:
    """Each Toxiproxy toxic type accepted by the schema has its attribute names listed."""
    assert set(TOXIC_ATTRIBUTES) == set(get_args(ToxicType))
    assert len(get_args(ToxicType)) == 8


def test_models_are_frozen() -> None:
    """A parsed action cannot be changed behind the schedule's back."""
    action = ADAPTER.validate_python({"action": "crash", "service": "payments"})
    with pytest.raises(ValidationError):
        action.service = "clearing"


def test_public_names_are_exported() -> None:
    """Everything in `harness.spec.__all__` exists."""
    assert all(hasattr(spec, name) for name in spec.__all__)
