"""Resilience profiles: named profiles, one-by-one overrides and clear errors."""

import pytest

from targets.profiles import FRAGILE, HARDENED, load_profile, parse_overrides


def test_profiles_differ_where_resilience_lives() -> None:
    """Fragile turns off the mechanisms hardened turns on."""
    assert HARDENED.replication == "sync" and FRAGILE.replication == "async"
    assert HARDENED.request_timeout_s and FRAGILE.request_timeout_s is None
    assert HARDENED.clearing_timeout_action == "inquire"
    assert FRAGILE.clearing_timeout_action == "resubmit"


def test_overrides_are_typed() -> None:
    """Overrides are coerced to the knob's type, including None and literals."""
    p = load_profile(
        "hardened",
        parse_overrides(
            ["retry_attempts=1,fencing=false", "request_timeout_s=none", "replication=async"]
        ),
    )
    assert p.retry_attempts == 1 and p.fencing is False
    assert p.request_timeout_s is None and p.replication == "async"


@pytest.mark.parametrize(
    ("name", "items", "message"),
    [
        ("nope", [], "unknown profile 'nope'; valid: hardened, fragile"),
        ("hardened", ["bogus=1"], "unknown knob 'bogus'"),
        ("hardened", ["retry_attempts=many"], "not a whole number"),
        ("hardened", ["replication=maybe"], "not one of sync, async"),
        ("hardened", ["fencing=perhaps"], "not a boolean"),
    ],
)
def test_bad_input_is_a_clear_error(name: str, items: list[str], message: str) -> None:
    """Unknown profiles, knobs and values name the problem."""
    with pytest.raises(ValueError, match=message):
        load_profile(name, parse_overrides(items))


def test_malformed_override() -> None:
    """An override without '=' is rejected."""
    with pytest.raises(ValueError, match="not knob=value"):
        parse_overrides(["retry_attempts"])
