"""Integration: one customer's X-Deadline a few ms ahead must not take transfers down for all.

The security review's attack, against the bank experiments use (`LocalRuntime`: fault proxy,
two core data centres, clearing, payments, mobile API, every link proxied). One signed-in
customer hammers transfers, each with `X-Deadline` 2 to 5 ms ahead; once the attack is under
way, another customer makes transfers one after another. In the hardened bank the attacker's
deadlines get the floor (`client_deadline_floor_s`), their calls do not time out, and nothing
counts against the breakers every customer shares: every one of the other customer's
transfers is taken. The same attack on the same bank with only the floor unset (the fragile
setting, `client_deadline_floor_s=None`) opens the shared breakers, and the other customer's
transfers are refused: the test proves the attack bites when the mechanism is off. And with
payments' answers slowed past the floor, the attacker's calls do time out, at the attacker's own
deadline: released, not counted, so the other customer is still served.

The attack is bounded in count and time (`ATTACK_MAX_REQUESTS`, `RUN_LIMIT_S`).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from harness.control.toxiproxy import ProxyControl, ToxicSpec
from harness.runtime.base import BankConfig
from harness.runtime.local import LocalRuntime

pytestmark = pytest.mark.integration

ATTACKER, ATTACKER_ACCOUNT = "CUST-0001", "ACC-0001"
VICTIM, VICTIM_ACCOUNT = "CUST-0002", "ACC-0002"
PAYEE_ACCOUNT = "ACC-0003"
DEADLINES_AHEAD_S = (0.002, 0.003, 0.005)
"""Too short for any transfer to finish: taken as sent, every one times out (a deadline long
enough for some to succeed lets those successes close the breaker again between failures)."""
ATTACKERS = 2
"""Concurrent attacking connections (same customer)."""
ATTACK_HEAD_START = 12
"""Attacker answers before the other customer starts (the breaker's threshold is 5)."""
VICTIM_TRANSFERS = 15
ATTACK_MAX_REQUESTS = 600
RUN_LIMIT_S = 90.0
TAKEN = (201, 202)


@dataclass(frozen=True)
class AttackOutcome:
    """What each customer got back: status code -> count."""

    attacker: Counter[int]
    victim: Counter[int]

    @property
    def victim_refused(self) -> int:
        """The other customer's transfers that were not taken."""
        return self.victim.total() - sum(self.victim[code] for code in TAKEN)


async def sign_in(client: httpx.AsyncClient, customer_id: str) -> dict[str, str]:
    password = f"{customer_id.lower()}-correct-horse"
    body = {"customer_id": customer_id, "password": password}
    answer = await client.post("/v1/auth/login", json=body)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def transfer(debtor_account: str, amount: str) -> dict[str, str]:
    return {
        "from_account": debtor_account,
        "creditor_account": PAYEE_ACCOUNT,
        "amount": amount,
        "currency": "PEN",
        "kind": "transfer",
    }


async def attack_and_transfer(edge_url: str) -> AttackOutcome:
    """Run the attack and the other customer's transfers; what each got back."""
    attacker_codes: Counter[int] = Counter()
    victim_codes: Counter[int] = Counter()
    under_way, victim_done = asyncio.Event(), asyncio.Event()
    numbers = itertools.count()
    async with httpx.AsyncClient(base_url=edge_url, timeout=10.0) as client:
        attacker_auth = await sign_in(client, ATTACKER)
        victim_auth = await sign_in(client, VICTIM)

        async def attack() -> None:
            for number in numbers:
                if victim_done.is_set() or number >= ATTACK_MAX_REQUESTS:
                    return
                ahead_s = DEADLINES_AHEAD_S[number % len(DEADLINES_AHEAD_S)]
                headers = {
                    **attacker_auth,
                    "Idempotency-Key": f"attack-{os.getpid()}-{number}",
                    "X-Deadline": f"{time.time() + ahead_s:.3f}",
                }
                answer = await client.post(
                    "/v1/transfers", json=transfer(ATTACKER_ACCOUNT, "0.01"), headers=headers
                )
                attacker_codes[answer.status_code] += 1
                if attacker_codes.total() >= ATTACK_HEAD_START:
                    under_way.set()

        async def transfers() -> None:
            await under_way.wait()
            for number in range(VICTIM_TRANSFERS):
                headers = {**victim_auth, "Idempotency-Key": f"victim-{os.getpid()}-{number}"}
                answer = await client.post(
                    "/v1/transfers", json=transfer(VICTIM_ACCOUNT, "1.00"), headers=headers
                )
                victim_codes[answer.status_code] += 1
            victim_done.set()

        async with asyncio.timeout(RUN_LIMIT_S):
            attackers = [asyncio.create_task(attack()) for _ in range(ATTACKERS)]
            try:
                await transfers()
            finally:
                victim_done.set()
                await asyncio.gather(*attackers, return_exceptions=True)
    return AttackOutcome(attacker_codes, victim_codes)


def run_attack(
    tmp_path: Path, overrides: tuple[str, ...], payments_latency_ms: int = 0
) -> AttackOutcome:
    """Start the hardened bank with `overrides` (and, when given, that much latency on the
    mobile API's answers from payments), run the attack, stop the bank."""
    runtime = LocalRuntime()
    config = BankConfig(
        run_id=f"test-deadline-attack-{os.getpid()}-{len(overrides)}",
        run_dir=tmp_path,
        profile="hardened",
        overrides=overrides,
        seed=11,
        customers=3,
    )
    problems: list[str] = []
    try:
        placement = runtime.start(config)
        if payments_latency_ms:
            latency = ToxicSpec("latency", attributes={"latency": payments_latency_ms})
            ProxyControl(placement.proxy_api).add_toxic("mobile-payments", latency)
        outcome = asyncio.run(attack_and_transfer(placement.edge_url))
    finally:
        with contextlib.suppress(Exception):
            problems = runtime.stop()
    assert problems == []
    return outcome


def test_one_customers_short_deadlines_do_not_fail_another_customers_transfers(
    tmp_path: Path,
) -> None:
    """Hardened: the attacker's deadlines get the floor; every other transfer is taken."""
    outcome = run_attack(tmp_path, overrides=())
    assert outcome.attacker.total() >= ATTACK_HEAD_START, outcome  # the attack ran
    assert outcome.victim.total() == VICTIM_TRANSFERS, outcome
    assert outcome.victim_refused == 0, outcome


def test_with_the_floor_unset_the_same_attack_fails_another_customers_transfers(
    tmp_path: Path,
) -> None:
    """The mechanism off (`client_deadline_floor_s=None`, all else hardened): the attack bites."""
    outcome = run_attack(tmp_path, overrides=("client_deadline_floor_s=None",))
    assert outcome.victim_refused >= 1, outcome


def test_on_a_slow_payments_link_the_attackers_timeouts_do_not_open_the_shared_breaker(
    tmp_path: Path,
) -> None:
    """Payments' answers take 0.7 s to reach the mobile API: the attacker's floored 0.5 s runs
    out on every transfer, the other customer's 3 s does not. The attacker's timeouts are the
    attacker's own outcome (released, not failed), so the shared breaker stays closed and
    every one of the other customer's transfers is taken."""
    outcome = run_attack(tmp_path, overrides=(), payments_latency_ms=700)
    assert outcome.attacker[504] >= ATTACK_HEAD_START // 2, outcome  # its deadlines ran out
    assert outcome.victim.total() == VICTIM_TRANSFERS, outcome
    assert outcome.victim_refused == 0, outcome
