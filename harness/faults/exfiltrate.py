"""The `exfiltrate` fault: a breach drill, credential stuffing with a leaked list and slow reads.

The attacker holds a leaked list: `customers` of the bank's seeded customers (`CUST-0001` ..
as many as the bank seeded, drawn with the run's seeded stream `exfiltrate`), their documented
passwords (`<id lower-cased>-correct-horse`, docs/bank-api.md) and, with `honeytokens`, the
bank's honeytoken credentials (`HONEY-0001` .. `HONEY-0003`), in a seeded order. From one
device (`X-Device-Id: ATTACKER_DEVICE`) it logs in through the edge as each in turn and reads
`GET /v1/me/accounts` and each account's `/v1/accounts/{id}/movements`, one request every
`1 / reads_per_s` seconds: slow and steady, as an attacker who does not want to be seen.

The job runs in a thread the fault owns (`inject` starts it, `heal` stops it and waits for it,
at the timeline's end of the action, on abort and on Ctrl-C alike). It is bounded in time (the
action's nominal `duration`; the timeline heals it sooner at a `--time-scale` below 1) and in
count (each stolen credential is used once: a login, the accounts, at most `MAX_ACCOUNTS`
movement reads). Every answer is one line of `exfiltration.jsonl` in the run folder (`at_s`,
`customer`, `kind` login|accounts|movements, `status` or null for no answer, `honeytoken`,
`items` read), so the analysis can judge how much leaked (`harness/history/exfiltration.py`
reads it back). This module judges nothing.
"""

from __future__ import annotations

import json
import os
import random
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

import httpx

from harness.errors import InfraError
from harness.faults.base import FaultContext
from harness.history.exfiltration import EXFILTRATION_FILE
from harness.seeds import stream
from targets.mobile_api.breach import HONEYTOKEN_IDS

ATTACKER_DEVICE = "attacker-device-7f3a"
"""The one device the whole job runs from (the edge keys its access anomaly on this header)."""
CLIENT_TIMEOUT_S = 2.0
MAX_ACCOUNTS = 5
"""Movement reads per victim at most (a seeded customer owns one account)."""
MOVEMENTS_LIMIT = 50


def leaked_password(customer_id: str) -> str:
    """The password the leaked list holds for `customer_id` (the bank's documented one)."""
    return f"{customer_id.lower()}-correct-horse"


def leaked_list(
    rng: random.Random, seeded: int, customers: int, honeytokens: bool
) -> tuple[str, ...]:
    """The customer ids the attacker tries, in order: `customers` of the `seeded` ones (all of
    them when fewer), plus the honeytokens when the list holds them, shuffled."""
    pool = [f"CUST-{n:04d}" for n in range(1, seeded + 1)]
    victims = rng.sample(pool, min(customers, len(pool)))
    if honeytokens:
        victims += HONEYTOKEN_IDS
    rng.shuffle(victims)
    return tuple(victims)


class ExfiltrationJob:
    """One attacker's run through a leaked list; `run` returns when done, due or stopped."""

    def __init__(
        self,
        edge_url: str,
        victims: Sequence[str],
        *,
        reads_per_s: float,
        deadline_s: float,
        out: TextIO,
        stop: threading.Event,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.victims = tuple(victims)
        self.pause_s = 1.0 / reads_per_s
        self.deadline_s = deadline_s
        self.out = out
        self.stop = stop
        self.clock = clock
        self.client = httpx.Client(
            base_url=edge_url,
            timeout=CLIENT_TIMEOUT_S,
            headers={"X-Device-Id": ATTACKER_DEVICE},
            trust_env=False,
        )
        self.requests = 0

    def run(self) -> None:
        try:
            for customer in self.victims:
                if self._over():
                    return
                self._steal(customer)
        finally:
            self.client.close()

    def _steal(self, customer: str) -> None:
        """Log in as `customer` with the leaked password and read what it owns."""
        body = {"customer_id": customer, "password": leaked_password(customer)}
        login = self._request(customer, "login", "/v1/auth/login", body=body)
        token = login.get("access_token") if login else None
        if not isinstance(token, str):
            return
        auth = {"Authorization": f"Bearer {token}"}
        accounts = self._request(customer, "accounts", "/v1/me/accounts", headers=auth)
        for account_id in _account_ids(accounts)[:MAX_ACCOUNTS]:
            path = f"/v1/accounts/{account_id}/movements?limit={MOVEMENTS_LIMIT}"
            self._request(customer, "movements", path, headers=auth)

    def _over(self) -> bool:
        return self.stop.is_set() or self.clock() >= self.deadline_s

    def _request(
        self,
        customer: str,
        kind: str,
        path: str,
        *,
        body: object = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any] | None:
        """One request after the pause, recorded; its JSON object when 2xx, else None (also
        when the job is over before it is sent: nothing is sent then)."""
        if self.stop.wait(self.pause_s) or self.clock() >= self.deadline_s:
            return None
        self.requests += 1
        status: int | None = None
        answer: dict[str, Any] | None = None
        try:
            method = "GET" if body is None else "POST"
            response = self.client.request(method, path, json=body, headers=headers)
            status = response.status_code
            parsed = response.json() if response.is_success else None
            answer = parsed if isinstance(parsed, dict) else None
        except (httpx.HTTPError, ValueError):
            pass
        self._record(customer, kind, status, _items(kind, answer))
        return answer

    def _record(self, customer: str, kind: str, status: int | None, items: int) -> None:
        line = {"at_s": self.clock(), "customer": customer, "kind": kind, "status": status,
                "honeytoken": customer in HONEYTOKEN_IDS, "items": items}  # fmt: skip
        self.out.write(json.dumps(line) + "\n")
        self.out.flush()


def _account_ids(answer: dict[str, Any] | None) -> list[str]:
    listed = answer.get("accounts") if answer else None
    if not isinstance(listed, list):
        return []
    return [
        a["account_id"]
        for a in listed
        if isinstance(a, dict) and isinstance(a.get("account_id"), str)
    ]


def _items(kind: str, answer: dict[str, Any] | None) -> int:
    key = {"accounts": "accounts", "movements": "movements"}.get(kind)
    found = answer.get(key) if answer and key else None
    return len(found) if isinstance(found, list) else 0


class Exfiltrate:
    """The fault: start the job on inject, stop it on heal (safe twice, or never injected)."""

    kind = "exfiltrate"
    reversible = True

    def __init__(
        self,
        customers: int,
        reads_per_s: float,
        honeytokens: bool,
        duration_s: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.customers = customers
        self.reads_per_s = reads_per_s
        self.honeytokens = honeytokens
        self.duration_s = duration_s
        self.clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._job: ExfiltrationJob | None = None

    def inject(self, ctx: FaultContext) -> None:
        if self._thread is not None:
            return
        victims = leaked_list(
            stream(ctx.seed, "exfiltrate"), ctx.customers, self.customers, self.honeytokens
        )
        path = Path(os.devnull) if ctx.run_dir is None else ctx.run_dir / EXFILTRATION_FILE
        out = path.open("a", encoding="utf-8")
        self._job = ExfiltrationJob(
            ctx.placement.edge_url,
            victims,
            reads_per_s=self.reads_per_s,
            deadline_s=self.clock() + self.duration_s,
            out=out,
            stop=self._stop,
            clock=self.clock,
        )

        def work() -> None:
            assert self._job is not None
            try:
                self._job.run()
            finally:
                out.close()

        self._thread = threading.Thread(target=work, name="exfiltrate", daemon=True)
        self._thread.start()

    def heal(self, ctx: FaultContext) -> None:
        self._stop.set()
        if self._thread is None:
            return
        self._thread.join(timeout=2 * CLIENT_TIMEOUT_S)
        if self._thread.is_alive():
            raise InfraError("the exfiltration job did not stop within its client timeout")
        if self._job is not None:
            ctx.notes.append(f"exfiltrate: {self._job.requests} requests as an attacker")
            self._job = None

    def wait(self, timeout_s: float) -> bool:
        """Wait up to `timeout_s` for the job to end by itself; True when it has ended."""
        if self._thread is not None:
            self._thread.join(timeout_s)
        return not self.running

    @property
    def running(self) -> bool:
        """Whether the job's thread is still alive."""
        return self._thread is not None and self._thread.is_alive()

    def describe(self) -> str:
        extra = " and the honeytokens" if self.honeytokens else ""
        return (
            f"exfiltrate: {self.customers} stolen credentials{extra}, "
            f"{self.reads_per_s:g} reads/s from one device"
        )
