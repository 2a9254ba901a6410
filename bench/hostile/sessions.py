"""Attacks on customers' sessions: the short-deadline attack on the shared breaker, old sessions
after a password change, lockout enumeration."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter

import httpx

from .common import (
    ATTACK_HEAD_START,
    ATTACK_MAX_REQUESTS,
    ATTACK_S,
    ATTACKERS,
    LOGIN_TRIES,
    MAX_THROTTLE_WAIT_S,
    TIMEOUT_S,
    VICTIM_TRANSFERS,
    Bank,
    Tally,
    account,
    bearer,
    customer,
    login,
    password,
    send,
    transfer_body,
)

# 6. deadline attack ---------------------------------------------------------------------------


def deadline_attack(client: httpx.Client, bank: Bank, rng: random.Random) -> Tally:
    tally = Tally("6 deadline attack", "B's failures")
    attacker, victim, payee = 5, 6, 7
    attacker_tokens, victim_tokens = login(client, bank, attacker), login(client, bank, victim)
    attacker_codes: Counter[str] = Counter()
    lock = threading.Lock()
    under_way, victim_done = threading.Event(), threading.Event()
    stop_at = time.monotonic() + ATTACK_S + 30.0
    prefix = f"{rng.getrandbits(32):x}"

    def attack(worker: int) -> None:
        with httpx.Client(timeout=TIMEOUT_S) as own_client:
            for number in range(ATTACK_MAX_REQUESTS // ATTACKERS):
                if victim_done.is_set() or time.monotonic() > stop_at:
                    return
                headers = {
                    **bearer(attacker_tokens),
                    "Idempotency-Key": f"atk-{prefix}-{worker}-{number}",
                    "X-Deadline": f"{time.time() + 0.003:.3f}",
                }
                body = transfer_body(attacker, payee, "0.01")
                try:
                    answer = own_client.post(
                        f"{bank.edge}/v1/transfers", json=body, headers=headers
                    )
                    code = str(answer.status_code)
                except httpx.HTTPError as exc:
                    code = type(exc).__name__
                with lock:
                    attacker_codes[code] += 1
                    if attacker_codes.total() >= ATTACK_HEAD_START:
                        under_way.set()

    threads = [threading.Thread(target=attack, args=(w,), daemon=True) for w in range(ATTACKERS)]
    for thread in threads:
        thread.start()
    under_way.wait(timeout=10.0)
    failures = 0
    victim_started = time.monotonic()
    try:
        for number in range(VICTIM_TRANSFERS):
            headers = {**bearer(victim_tokens), "Idempotency-Key": f"vic-{prefix}-{number}"}
            got = send(
                client,
                tally,
                "POST",
                f"{bank.edge}/v1/transfers",
                headers=headers,
                body=transfer_body(victim, payee),
                own=(customer(victim), account(victim)),
            )
            failures += got is None or got.status_code not in (201, 202)
            if time.monotonic() - victim_started > ATTACK_S * 10:
                break
            if time.monotonic() - victim_started < ATTACK_S:
                time.sleep(ATTACK_S / VICTIM_TRANSFERS)
    finally:
        victim_done.set()
        for thread in threads:
            thread.join(timeout=TIMEOUT_S + 1.0)
    tally.key_value = failures
    tally.extra["attacker_answers"] = dict(attacker_codes)
    return tally


# 7. password change ---------------------------------------------------------------------------


def password_change(client: httpx.Client, bank: Bank, _rng: random.Random) -> Tally:
    tally = Tally("7 password change", "old sessions worked")
    c = 8
    own = (customer(c), account(c))
    sessions = [login(client, bank, c) for _ in range(3)]
    changed = send(
        client,
        tally,
        "POST",
        f"{bank.edge}/v1/auth/password",
        headers=bearer(sessions[0]),
        body={"old_password": password(c), "new_password": "a-brand-new-passphrase-0008"},
        own=own,
    )
    tally.extra["change_answer"] = changed.status_code if changed is not None else None
    worked = 0
    for session in sessions[1:]:
        got = send(
            client,
            tally,
            "GET",
            f"{bank.edge}/v1/accounts/{account(c)}/balance",
            headers=bearer(session),
            own=own,
        )
        worked += got is not None and got.is_success
        got = send(
            client,
            tally,
            "POST",
            f"{bank.edge}/v1/auth/refresh",
            body={"refresh_token": session.get("refresh", "none")},
            own=own,
        )
        worked += got is not None and got.is_success
    tally.key_value = worked
    tally.extra["tried"] = 4
    return tally


# 8. lockout enumeration -----------------------------------------------------------------------


def lockout(client: httpx.Client, bank: Bank, _rng: random.Random) -> Tally:
    tally = Tally("8 lockout enumeration", "tell / locked")
    existing, unknown = customer(9), "CUST-0999"
    sequences: dict[str, list[int | str]] = {}
    for who in (existing, unknown):
        codes: list[int | str] = []
        for _ in range(LOGIN_TRIES):
            got = send(
                client,
                tally,
                "POST",
                f"{bank.edge}/v1/auth/login",
                body={"customer_id": who, "password": "wrong-password-guess"},
                own=(who,),
            )
            codes.append(got.status_code if got is not None else "none")
        sequences[who] = codes
    tell = int(sequences[existing] != sequences[unknown])
    right = {"customer_id": existing, "password": password(9)}
    got = send(client, tally, "POST", f"{bank.edge}/v1/auth/login", body=right, own=(existing,))
    at_once = got.status_code if got is not None else "none"
    after_wait: int | str = at_once
    if got is not None and got.status_code == 429:
        wait = min(float(got.headers.get("retry-after", "5") or 5), MAX_THROTTLE_WAIT_S)
        time.sleep(wait + 0.2)
        got = send(client, tally, "POST", f"{bank.edge}/v1/auth/login", body=right, own=(existing,))
        after_wait = got.status_code if got is not None else "none"
    locked = int(after_wait != 200)
    tally.key_value = f"{tell} / {locked}"
    tally.extra.update(
        {
            "tell": tell,
            "locked": locked,
            "existing_sequence": sequences[existing],
            "unknown_sequence": sequences[unknown],
            "right_password_at_once": at_once,
            "right_password_after_retry_after": after_wait,
        }
    )
    return tally
