"""Integration tests: the real runner child replays old tokens after a password change, on
the stub (which only says whether old tokens stay valid), judged by the invariant."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from pathlib import Path

import httpx
import pytest

from harness.history.samples import Sample
from harness.invariants import old_tokens_refused
from harness.load.config import LoadConfig
from tests.invariants.bank import Story

from .test_people import run_to_end
from .test_runner import stub_config

pytestmark = pytest.mark.integration


def changing_passwords(url: str) -> LoadConfig:
    """Six customers log in and change their password: odd ones by choice, even ones forced
    at their first login (the stub's script)."""
    return stub_config(url, users=6, customers=6, rate_per_s=20, duration_s=1.5,
                       mix=(("login", 1.0), ("password_change", 1.0)))  # fmt: skip


def replays_by_customer(samples: list[Sample]) -> dict[str, list[Sample]]:
    found: dict[str, list[Sample]] = defaultdict(list)
    for s in sorted(samples, key=lambda s: s.t_s):
        if s.journey in ("second_device", "old_token", "weak_password", "password_change"):
            found[s.customer].append(s)
    return found


def test_each_customer_replays_its_second_device_once_and_the_bank_refuses(
    mobile_stub: str, tmp_path: Path
) -> None:
    """Before its first change each customer signs in a second device; after the change
    succeeded it replays that device's access token (GET /v1/me/accounts) and refresh token
    (POST /v1/auth/refresh), once in the run; refused (401) is ok and the invariant holds."""
    _, samples = run_to_end(changing_passwords(mobile_stub), tmp_path / "load.jsonl")
    by_customer = replays_by_customer(samples)
    assert len(by_customer) == 6
    for customer, mine in by_customer.items():
        journeys = [s.journey for s in mine]
        assert journeys.count("second_device") == 1 and journeys.count("old_token") == 2
        device = journeys.index("second_device")
        changed = next(i for i, s in enumerate(mine) if s.journey == "password_change"
                       and s.status == 204)  # fmt: skip
        replays = [s for s in mine if s.journey == "old_token"]
        assert device < changed < mine.index(replays[0])
        assert [s.detail for s in replays] == [
            "old_token_refused GET /v1/me/accounts second_device",
            "old_token_refused POST /v1/auth/refresh second_device",
        ]
        assert {(s.status, s.outcome) for s in replays} == {(401, "ok")}, customer
    result = old_tokens_refused.check(Story().state(), samples)
    assert result.status == "ok", result.summary


def test_a_bank_that_keeps_old_tokens_is_caught(mobile_stub: str, tmp_path: Path) -> None:
    """Old tokens that still work: every replay answered 200 is failed and a violation."""
    httpx.post(f"{mobile_stub}/stub/old-tokens", json={"live": True})
    _, samples = run_to_end(changing_passwords(mobile_stub), tmp_path / "load.jsonl")
    replays = [s for s in samples if s.journey == "old_token"]
    assert len(replays) == 12 and {(s.status, s.outcome) for s in replays} == {(200, "failed")}
    result = old_tokens_refused.check(Story().state(), samples)
    assert result.status == "failed" and result.violations[0].count == 12, result.summary


def test_without_the_replay_the_invariant_cannot_judge(mobile_stub: str, tmp_path: Path) -> None:
    """--no-old-token-replay: no second device, no replay, and the invariant says unknown."""
    config = dataclasses.replace(changing_passwords(mobile_stub), old_token_replay=False)
    _, samples = run_to_end(config, tmp_path / "load.jsonl")
    assert not [s for s in samples if s.journey in ("second_device", "old_token")]
    assert old_tokens_refused.check(Story().state(), samples).status == "unknown"
