"""Old tokens after a forced reset, against the whole local bank in both profiles.

The bank is the one experiments use (`LocalRuntime`); the customers are the real Locust load
process. Once the customers are in, the harness revokes every session and forces a password
change (`revoke_sessions`, as the interbank-breach-reset experiment does). Each customer's
next request is answered 401, it logs in, signs in a second device, changes its password and
replays both the revoked session's tokens and the second device's. Hardened refuses every
replay (revoke-all ends every session; a password change ends the customer's other ones);
fragile refuses the revoked session but takes the second device's tokens (a password change
ends no other session): `old_tokens_refused` fails, as the invariant's history decides.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from harness.control.bank import BankAdmin
from harness.history.samples import Sample, read_samples
from harness.invariants import old_tokens_refused
from harness.load.config import LoadConfig
from harness.load.process import LoadProcess
from harness.runtime.base import BankConfig
from harness.runtime.local import LocalRuntime
from tests.invariants.bank import Story

pytestmark = pytest.mark.integration

CUSTOMERS = 10
LOAD_S = 6.0


def reset_storm(profile: str, tmp_path: Path) -> list[Sample]:
    """Run the load against a fresh bank, revoke every session with a forced change once
    the customers are in, and answer what the load recorded."""
    runtime = LocalRuntime()
    config = BankConfig(
        run_id=f"test-old-tokens-{profile}-{os.getpid()}",
        run_dir=tmp_path,
        profile=profile,
        seed=11,
        customers=CUSTOMERS,
    )
    try:
        placement = runtime.start(config)
        load = LoadProcess.start(
            LoadConfig(
                edge_url=placement.edge_url,
                rate_per_s=20,
                users=CUSTOMERS,
                duration_s=LOAD_S,
                mix=(("balance", 1.0),),
                customers=CUSTOMERS,
                client_timeout_s=4.0,
                seed=11,
            ),
            tmp_path / "load.jsonl",
            run_id=config.run_id,
        )
        try:
            load.await_ready()  # every customer holds a session now
            BankAdmin(placement, config.admin_token).revoke_sessions(force_password_change=True)
            assert load.wait(timeout_s=LOAD_S + 30) == 0, load.failure()
        finally:
            load.stop()
    finally:
        teardown_problems = runtime.stop()
    assert teardown_problems == []
    return list(read_samples(tmp_path / "load.jsonl"))


def replays(samples: list[Sample]) -> Counter[tuple[str, str, int]]:
    """(whose tokens, which request, HTTP status) of each replay."""
    found: Counter[tuple[str, str, int]] = Counter()
    for s in samples:
        if s.journey == "old_token":
            _, method, path, held_by = s.detail.split(" ")
            found[(held_by, f"{method} {path}", s.status)] += 1
    return found


def test_hardened_refuses_every_old_token(tmp_path: Path) -> None:
    samples = reset_storm("hardened", tmp_path)
    seen = replays(samples)
    assert {status for _, _, status in seen} == {401}, seen
    assert {held_by for held_by, _, _ in seen} == {"revoked_session", "second_device"}, seen
    assert sum(seen.values()) >= 2 * CUSTOMERS, seen  # most customers replayed both pairs
    result = old_tokens_refused.check(Story().state(), samples)
    assert result.status == "ok", result.summary


def test_fragile_takes_the_second_devices_old_tokens(tmp_path: Path) -> None:
    samples = reset_storm("fragile", tmp_path)
    seen = replays(samples)
    revoked = {status for held_by, _, status in seen if held_by == "revoked_session"}
    second = {status for held_by, _, status in seen if held_by == "second_device"}
    assert revoked == {401}, seen  # revoke-all ends every session in both profiles
    assert second == {200}, seen  # a password change ends no other session
    result = old_tokens_refused.check(Story().state(), samples)
    assert result.status == "failed", result.summary
    assert result.violations[0].kind == "old_token_accepted"
