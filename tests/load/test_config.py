"""Unit tests of the load's configuration and the runner's command line."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from harness.errors import ConfigError
from harness.load.config import LoadConfig, parse_mix, parse_runner_args
from harness.load.plan import Stage


def test_config_round_trips_through_the_runner_flags() -> None:
    """to_argv then parse_runner_args gives back the same config and path."""
    config = LoadConfig(
        edge_url="http://127.0.0.1:9000",
        rate_per_s=12.5,
        users=7,
        duration_s=3.0,
        mix=(("balance", 60.0), ("transfer", 40.0)),
        customers=9,
        client_timeout_s=0.75,
        seed=42,
        arrivals="fixed",
        max_start_lag_s=0.5,
        max_users=30,
    )
    assert parse_runner_args(config.to_argv(Path("/tmp/x.jsonl"))) == (
        config,
        Path("/tmp/x.jsonl"),
    )


def test_mix_parses_weights() -> None:
    """`balance=45,transfer=20` becomes ordered pairs."""
    assert parse_mix("balance=45, transfer=20") == (("balance", 45.0), ("transfer", 20.0))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("shopping=3", "unknown journey 'shopping'; valid: login, balance"),
        ("balance", "is not journey=weight"),
        ("balance=x", "is not a number"),
        ("balance=-1", ">= 0"),
        ("balance=0", "at least one journey"),
    ],
)
def test_bad_mix_names_the_problem(text: str, message: str) -> None:
    """Each malformed mix is refused with a message naming the culprit."""
    with pytest.raises(ConfigError, match=message):
        parse_mix(text)


BASE = ["--edge-url", "http://127.0.0.1:1", "--out", "o", "--rate", "5", "--users", "2"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--duration-s", "0"], "--duration-s must be > 0"),
        (["--duration-s", "1", "--customers", "1"], "--customers must be >= 2"),
        (["--duration-s", "1", "--rate", "-3"], "--rate must be > 0"),
        (["--duration-s", "nan"], "--duration-s must be > 0"),
        (["--duration-s", "1", "--bogus"], "unrecognized arguments: --bogus"),
        ([], "required: --duration-s"),
    ],
)
def test_bad_flags_raise_one_line_config_errors(extra: list[str], message: str) -> None:
    """Bad runner flags raise ConfigError (one line), never argparse's usage-and-exit."""
    with pytest.raises(ConfigError, match=message) as caught:
        parse_runner_args([*BASE, *extra])
    assert "\n" not in str(caught.value)


def test_edge_url_must_be_http() -> None:
    """A URL without a scheme is refused."""
    with pytest.raises(ConfigError, match="not an http URL"):
        parse_runner_args([*BASE, "--duration-s", "1", "--edge-url", "127.0.0.1:1"])


def test_stages_and_the_people_links_round_trip_through_the_flags() -> None:
    """Stages (with and without a mix), status and contact URLs, patience and redial ranges;
    the pool is sized for the plan's highest rate, not the starting one."""
    config = LoadConfig(
        edge_url="http://127.0.0.1:9000",
        rate_per_s=10.0,
        users=2,
        duration_s=30.0,
        stages=(Stage(5.0, 200.0, "ramp", (("contact", 1.0),)), Stage(15.0, 10.0)),
        status_url="http://127.0.0.1:9001",
        contact_url="http://127.0.0.1:9002",
        call_patience_s=(1.0, 2.5),
        redial_after_s=(0.5, 0.75),
    )
    assert config.pool_cap == 750  # 200/s x (2 s timeout + 1 s) x 1.25
    parsed = parse_runner_args(config.to_argv(Path("/tmp/x.jsonl")))[0]
    assert parsed == dataclasses.replace(config, max_users=750)


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--stages", '[{"start_s": 1}]', "--stages: not a list of stages"),
        ("--stages", '[{"start_s": 2, "rate_per_s": 5}, {"start_s": 1, "rate_per_s": 5}]',
         "increasing"),
        ("--stages", '[{"start_s": 1, "rate_per_s": 5, "mix": [["shop", 1]]}]',
         "unknown journey 'shop'"),
        ("--stages", '[{"start_s": 1, "rate_per_s": 5, "shape": "surge"}]', "shape 'surge'"),
        ("--status-url", "ftp://x", "--status-url 'ftp://x' is not an http URL"),
        ("--call-patience-s", "5", "--call-patience-s"),
    ],
)  # fmt: skip
def test_bad_people_flags_are_one_line(flag: str, value: str, message: str) -> None:
    argv = LoadConfig("http://127.0.0.1:9", 1.0, 1, 1.0).to_argv(Path("/tmp/x.jsonl"))
    argv += [flag, value]
    with pytest.raises(ConfigError) as caught:
        parse_runner_args(argv)
    assert message in str(caught.value) and "\n" not in str(caught.value)
