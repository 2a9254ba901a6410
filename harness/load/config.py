"""The load's settings (`LoadConfig`) and the runner's command line, both directions.

The parent builds a `LoadConfig` and turns it into the runner's flags with `to_argv`; the
child parses them back with `parse_runner_args`. Bad flags raise `ConfigError` with one line.
This module must not import locust or gevent: the harness parent process imports it.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NoReturn

from harness.errors import ConfigError
from harness.flags import seed_value
from harness.history.samples import JOURNEYS
from harness.load.calling import PATIENCE_S, REDIAL_AFTER_S
from harness.load.plan import LoadPlan, Stage, stages_from_json, stages_to_json
from harness.seeds import DEFAULT_SEED

MIX_JOURNEYS = JOURNEYS
"""Journeys a mix may name; `transfer_status` polls follow pending transfers by themselves."""

WEEKDAY_MIX: tuple[tuple[str, float], ...] = (
    ("balance", 45.0),
    ("movements", 20.0),
    ("transfer", 15.0),
    ("bill_payment", 8.0),
    ("login", 7.0),
)
"""The weekday mix of bank-domain §5 (its 5 % "other" left out)."""

Arrivals = Literal["poisson", "fixed"]

MAX_POOL = 1000
"""The most simulated customers one load process runs at once (greenlets, not threads)."""


def pool_cap(users: int, rate_per_s: float, client_timeout_s: float) -> int:
    """How far the customer pool may grow: enough for every request due in a client timeout
    (and a second) to be waiting at once, plus a quarter, at most MAX_POOL, at least `users`.
    Past it, due requests go unserved and the run is inconclusive (the generator, not the
    bank, fell short)."""
    wanted = math.ceil(rate_per_s * (client_timeout_s + 1.0) * 1.25)
    return max(users, min(MAX_POOL, wanted))


@dataclass(frozen=True)
class LoadConfig:
    """Everything the load runner needs; field names match its flags."""

    edge_url: str
    rate_per_s: float
    users: int
    duration_s: float
    mix: tuple[tuple[str, float], ...] = WEEKDAY_MIX
    customers: int = 100
    client_timeout_s: float = 2.0
    seed: int = DEFAULT_SEED
    arrivals: Arrivals = "poisson"
    max_start_lag_s: float = 1.0
    max_users: int | None = None
    """The pool's cap (default `pool_cap`); the pool starts at `users` and grows with demand."""
    stages: tuple[Stage, ...] = ()
    """Changes of rate and mix during the run (`harness.load.plan`), real seconds."""
    status_url: str | None = None
    """The bank's status page (the `edge-status` proxy); None: no `status_check`, no look
    before a call."""
    contact_url: str | None = None
    """The contact centre (the `edge-contact` proxy); None: customers never call."""
    call_patience_s: tuple[float, float] = PATIENCE_S
    """A caller's patience in the queue, drawn uniformly in this range (`calling.py`)."""
    redial_after_s: tuple[float, float] = REDIAL_AFTER_S
    """The pause before redialling after a busy signal, drawn uniformly in this range."""
    old_token_replay: bool = True
    """Once per customer, replay a second device's tokens after a password change (and a
    revoked session's after a forced one), journey `old_token` (`replay.py`)."""

    @property
    def plan(self) -> LoadPlan:
        return LoadPlan(self.rate_per_s, self.mix, self.stages, self.duration_s)

    @property
    def pool_cap(self) -> int:
        if self.max_users is not None:
            return max(self.users, self.max_users)
        return pool_cap(self.users, self.plan.peak_rate_per_s, self.client_timeout_s)

    def to_argv(self, out_path: Path) -> list[str]:
        """The runner's flags for this configuration, writing samples to `out_path`."""
        return [
            "--edge-url", self.edge_url,
            "--out", str(out_path),
            "--rate", repr(self.rate_per_s),
            "--users", str(self.users),
            "--duration-s", repr(self.duration_s),
            "--mix", format_mix(self.mix),
            "--customers", str(self.customers),
            "--client-timeout-s", repr(self.client_timeout_s),
            "--seed", str(self.seed),
            "--arrivals", self.arrivals,
            "--max-start-lag-s", repr(self.max_start_lag_s),
            "--max-users", str(self.pool_cap),
            *(["--stages", stages_to_json(self.stages)] if self.stages else []),
            *(["--status-url", self.status_url] if self.status_url else []),
            *(["--contact-url", self.contact_url] if self.contact_url else []),
            "--call-patience-s", _span_text(self.call_patience_s),
            "--redial-after-s", _span_text(self.redial_after_s),
            *([] if self.old_token_replay else ["--no-old-token-replay"]),
        ]  # fmt: skip


def _span_text(span: tuple[float, float]) -> str:
    return f"{span[0]!r},{span[1]!r}"


def parse_span(text: str) -> tuple[float, float]:
    """`5.0,30.0` -> (5.0, 30.0): finite seconds, 0 <= low <= high; ValueError otherwise."""
    low_text, sep, high_text = text.partition(",")
    low, high = float(low_text), float(high_text or "nan")
    if not sep or not (math.isfinite(low) and math.isfinite(high) and 0 <= low <= high):
        raise ValueError(f"{text!r} is not LOW,HIGH seconds with 0 <= LOW <= HIGH")
    return low, high


def format_mix(mix: Sequence[tuple[str, float]]) -> str:
    """`balance=45,transfer=20` from the pairs."""
    return ",".join(f"{name}={weight:g}" for name, weight in mix)


def parse_mix(text: str) -> tuple[tuple[str, float], ...]:
    """Pairs from `balance=45,transfer=20`; unknown journeys and bad weights raise ConfigError."""
    pairs: list[tuple[str, float]] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, raw = part.partition("=")
        name = name.strip()
        if not sep:
            raise ConfigError(f"--mix: {part!r} is not journey=weight")
        if name not in MIX_JOURNEYS:
            raise ConfigError(f"--mix: unknown journey {name!r}; valid: {', '.join(MIX_JOURNEYS)}")
        try:
            weight = float(raw)
        except ValueError:
            raise ConfigError(f"--mix: weight {raw!r} of {name} is not a number") from None
        if not math.isfinite(weight) or weight < 0:
            raise ConfigError(f"--mix: weight of {name} must be a finite number >= 0")
        pairs.append((name, weight))
    if not pairs or sum(w for _, w in pairs) <= 0:
        raise ConfigError("--mix: needs at least one journey with a weight > 0")
    return tuple(pairs)


class _Parser(argparse.ArgumentParser):
    """argparse that raises a one-line ConfigError instead of printing usage and exiting."""

    def error(self, message: str) -> NoReturn:
        raise ConfigError(f"load runner flags: {message}")


def _parser() -> _Parser:
    parser = _Parser(prog="python -m harness.load.runner", add_help=False)
    parser.add_argument("--edge-url", required=True)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--rate", required=True, type=float, dest="rate_per_s")
    parser.add_argument("--users", required=True, type=int)
    parser.add_argument("--duration-s", required=True, type=float)
    parser.add_argument("--mix", default=format_mix(WEEKDAY_MIX))
    parser.add_argument("--customers", type=int, default=100)
    parser.add_argument("--client-timeout-s", type=float, default=2.0)
    parser.add_argument("--seed", type=seed_value, default=DEFAULT_SEED)
    parser.add_argument("--arrivals", choices=("poisson", "fixed"), default="poisson")
    parser.add_argument("--max-start-lag-s", type=float, default=1.0)
    parser.add_argument("--max-users", type=int, default=None)
    parser.add_argument("--stages", default="[]")
    parser.add_argument("--status-url", default=None)
    parser.add_argument("--contact-url", default=None)
    parser.add_argument("--call-patience-s", type=parse_span, default=PATIENCE_S)
    parser.add_argument("--redial-after-s", type=parse_span, default=REDIAL_AFTER_S)
    parser.add_argument("--no-old-token-replay", action="store_false", dest="old_token_replay")
    return parser


def _check_positive(flag: str, value: float) -> None:
    if not math.isfinite(value) or value <= 0:
        raise ConfigError(f"load runner flags: {flag} must be > 0, got {value:g}")


def validate(config: LoadConfig) -> LoadConfig:
    """The same config, or ConfigError naming the flag that is out of range."""
    if not config.edge_url.startswith(("http://", "https://")):
        raise ConfigError(f"load runner flags: --edge-url {config.edge_url!r} is not an http URL")
    _check_positive("--rate", config.rate_per_s)
    _check_positive("--users", config.users)
    _check_positive("--duration-s", config.duration_s)
    _check_positive("--client-timeout-s", config.client_timeout_s)
    _check_positive("--max-start-lag-s", config.max_start_lag_s)
    if config.max_users is not None and config.max_users < config.users:
        raise ConfigError("load runner flags: --max-users must be >= --users")
    if config.customers < 2:
        raise ConfigError("load runner flags: --customers must be >= 2 (transfers need a payee)")
    for flag, url in (("--status-url", config.status_url), ("--contact-url", config.contact_url)):
        if url is not None and not url.startswith(("http://", "https://")):
            raise ConfigError(f"load runner flags: {flag} {url!r} is not an http URL")
    for stage in config.stages:
        _check_positive("--stages rate_per_s", stage.rate_per_s)
        for name, _ in stage.mix or ():
            if name not in MIX_JOURNEYS:
                raise ConfigError(f"load runner flags: --stages: unknown journey {name!r}")
    try:
        config.plan  # noqa: B018 (the plan's own checks: stages in order, rates > 0)
    except ValueError as exc:
        raise ConfigError(f"load runner flags: --stages: {exc}") from None
    return config


def parse_runner_args(argv: Sequence[str]) -> tuple[LoadConfig, Path]:
    """The config and the samples path from the runner's flags; ConfigError when bad."""
    ns = _parser().parse_args(list(argv))
    try:
        stages = stages_from_json(ns.stages)
    except ValueError as exc:
        raise ConfigError(f"load runner flags: --stages: {exc}") from None
    config = LoadConfig(
        edge_url=ns.edge_url.rstrip("/"),
        rate_per_s=ns.rate_per_s,
        users=ns.users,
        duration_s=ns.duration_s,
        mix=parse_mix(ns.mix),
        customers=ns.customers,
        client_timeout_s=ns.client_timeout_s,
        seed=ns.seed,
        arrivals=ns.arrivals,
        max_start_lag_s=ns.max_start_lag_s,
        max_users=ns.max_users,
        stages=stages,
        status_url=None if ns.status_url is None else ns.status_url.rstrip("/"),
        contact_url=None if ns.contact_url is None else ns.contact_url.rstrip("/"),
        call_patience_s=ns.call_patience_s,
        redial_after_s=ns.redial_after_s,
        old_token_replay=ns.old_token_replay,
    )
    return validate(config), ns.out
