"""Benchmark: a security team attacks a running mock bank; counts per attack category.

    python bench/hostile_bank.py [--seed 7]

Starts the whole bank with the local runtime (hardened profile, 20 customers), then plays eight
attacks against it and prints, per category, the requests sent, the 5xx answers, the answers
with no answer at all (timeout, reset), the answers that leak (a body holding "Traceback",
'File "', an internal address 127.0.0.1:<port> of something other than what was called, or a
customer or account id the caller neither sent nor owns) and the category's own figure:

1. cross-customer: customer A reads B's balance, movements and transfer, and transfers from
   B's account (succeeded; should be 0);
2. bad admin tokens: admin routes with missing, wrong, empty, long, truncated and the old
   well-known default token, on every service's public and admin address (accepted);
3. admin through the edge: the mobile API's `/admin/export` and `/admin/sessions/revoke-all`
   with the REAL admin token through the edge proxy (answered 2xx);
4. inner services without the service credential: core, payments and clearing called directly
   with no token (accepted; whether money moved);
5. hostile bodies: a fixed seeded set of about 100 hostile bodies per write endpoint (lone
   surrogates, 50,000-deep JSON, NUL and CR/LF in body and path ids, 2**70, 1e309, NaN,
   Arabic-Indic and full-width digits in amounts, wrong types), a 4 MiB body each, and a few
   large journals; inner services get the service credential when the bank has one (5xx,
   non-ASCII amounts accepted, 413s for the 4 MiB body);
6. deadline attack: A's transfers carry `X-Deadline` 3 ms ahead while B makes 20 ordinary
   transfers (B's failures);
7. password change: C signs in three times, changes the password with session 1; sessions 2
   and 3's access and refresh tokens are tried (still worked);
8. lockout enumeration: 5 wrong logins for an existing and an unknown id (do the status
   sequences differ; can the real customer then log in: locked = 1).

After all: services no longer alive, tracebacks in the service logs, and the harness's
invariant checkers over the exports (plus the sum of the core's balances per currency). The
last line is one JSON object with every figure. The script reads the admin token from the
bank's config and the service token only when the config has one (`getattr`), so it runs
unchanged against code from before the security work. Everything on 127.0.0.1; every loop is
bounded in time and count. This is a benchmark: it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

# Last, so that a PYTHONPATH pointing at another checkout (an older commit) wins.
sys.path.append(str(Path(__file__).resolve().parents[1]))

from hostile.access import (
    admin_through_edge,
    bad_admin_tokens,
    cross_customer,
    inner_without_credential,
)
from hostile.bodies import (
    hostile,
)
from hostile.common import (
    CUSTOMERS,
    JUDGED,
    TIMEOUT_S,
    Bank,
    Tally,
)
from hostile.sessions import deadline_attack, lockout, password_change

import harness
from harness.control.bank import BankAdmin
from harness.engine.exports import collect_exports, settle_payments
from harness.history.exports import bank_state
from harness.invariants import run_invariants
from harness.logs import configure_logging
from harness.runtime.base import BankConfig
from harness.runtime.local import LocalRuntime
from harness.topology import SERVICE_NAMES, core_service

# after all ------------------------------------------------------------------------------------


def money_check(bank: Bank) -> dict[str, Any]:
    """Settle payments, export, run the export-only invariants; sum the core's balances."""
    admin = BankAdmin(bank.placement, bank.admin_token)
    pending = settle_payments(admin, timeout_s=20.0)
    exports = collect_exports(admin, bank.placement, bank.run_dir / "exports")
    sums: dict[str, Decimal] = {}
    core = exports.get(core_service(bank.placement.active_dc), {})
    for row in core.get("accounts", []) if isinstance(core, dict) else []:
        currency = str(row.get("currency", "?"))
        sums[currency] = sums.get(currency, Decimal(0)) + Decimal(str(row.get("booked", 0)))
    state, problem = bank_state(exports)
    invariants: dict[str, str] = {}
    if state is not None:
        for result in run_invariants(JUDGED, state, []):
            invariants[result.name] = (
                result.status if result.status == "ok" else f"{result.status}: {result.summary}"
            )
    return {
        "payments_pending": pending,
        "balance_sum": {c: str(s) for c, s in sorted(sums.items())},
        "balance_sum_zero": bool(sums) and all(s == 0 for s in sums.values()),
        "money_conserved": invariants.get("money_conserved", f"unknown: {problem}"),
        "invariants": invariants or problem,
    }


def log_tracebacks(run_dir: Path) -> dict[str, int]:
    found: dict[str, int] = {}
    for log in sorted((run_dir / "logs").glob("*.log")):
        with log.open(encoding="utf-8", errors="replace") as lines:
            count = sum(1 for line in lines if "Traceback" in line or "unhandled_error" in line)
        if count:
            found[log.stem] = count
    return found


Attack = Callable[[httpx.Client, Bank, random.Random], Tally]


def attacks() -> list[tuple[str, Attack]]:
    """In order; the edge's admin attack (which may revoke every session) goes last."""
    return [
        ("1 cross-customer", cross_customer),
        ("2 bad admin tokens", bad_admin_tokens),
        ("4 inner, no credential", inner_without_credential),
        ("5 hostile bodies", hostile),
        ("6 deadline attack", deadline_attack),
        ("7 password change", password_change),
        ("8 lockout enumeration", lockout),
        ("3 admin via edge", admin_through_edge),
    ]


def run(seed: int) -> tuple[list[Tally], dict[str, Any]]:
    runtime = LocalRuntime()
    tallies: list[Tally] = []
    after: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as folder:
        config = BankConfig(
            run_id=f"bench-hostile-{seed}", run_dir=Path(folder), customers=CUSTOMERS, seed=seed
        )
        try:
            placement = runtime.start(config)
            bank = Bank(
                placement, config.admin_token, getattr(config, "service_token", None), Path(folder)
            )
            rng = random.Random(seed)
            with httpx.Client(timeout=TIMEOUT_S) as client:
                for label, attack in attacks():
                    began = time.monotonic()
                    try:
                        tally = attack(client, bank, rng)
                    except Exception as exc:  # one broken category must not hide the others
                        tally = Tally(label, "not applicable", "n/a")
                        tally.extra["not_applicable"] = f"{type(exc).__name__}: {exc}"[:200]
                    tally.extra["seconds"] = round(time.monotonic() - began, 1)
                    tallies.append(tally)
                    print(f"{tally.name}: done in {tally.extra['seconds']} s", file=sys.stderr)
            after["crashed"] = [name for name in SERVICE_NAMES if not runtime.running(name)]
            after.update(money_check(bank))
        finally:
            after["teardown_problems"] = runtime.stop()
        after["log_tracebacks"] = log_tracebacks(Path(folder))
    return tallies, after


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    configure_logging("warning")
    started = time.monotonic()
    tallies, after = run(args.seed)
    tallies.sort(key=lambda t: t.name)  # category order (the edge's admin attack ran last)
    print(f"\n{'category':<24} {'requests':>8} {'5xx':>5} {'no ans':>6} {'leaks':>5}  key figure")
    for t in tallies:
        print(
            f"{t.name:<24} {t.requests:8d} {t.server_errors:5d} {t.no_answer:6d} {t.leaks:5d}"
            f"  {t.key_label} = {t.key_value}"
        )
    totals = (
        sum(t.requests for t in tallies),
        sum(t.server_errors for t in tallies),
        sum(t.no_answer for t in tallies),
        sum(t.leaks for t in tallies),
    )
    print(f"{'total':<24} {totals[0]:8d} {totals[1]:5d} {totals[2]:6d} {totals[3]:5d}")
    print("\ndetails:")
    for t in tallies:
        shown = {k: v for k, v in t.extra.items() if k != "seconds"}
        print(f"  {t.name}: statuses {dict(sorted(t.statuses.items()))} {shown}")
        for example in t.leak_examples:
            print(f"    leak: {example}")
    hostile_extra = next((t.extra for t in tallies if t.name.startswith("5 ")), {})
    print(
        f"\nafter all: crashed services {after.get('crashed')}, tracebacks in logs "
        f"{after.get('log_tracebacks')}, money conserved {after.get('money_conserved')}, "
        f"balance sums {after.get('balance_sum')} (zero per currency: "
        f"{after.get('balance_sum_zero')}), invariants {after.get('invariants')}, "
        f"payments pending {after.get('payments_pending')}"
    )
    figures = {
        "categories": {
            t.name: {
                "requests": t.requests,
                "5xx": t.server_errors,
                "no_answer": t.no_answer,
                "leaks": t.leaks,
                t.key_label: t.key_value,
                **{k: v for k, v in t.extra.items() if k not in ("per_route", "5xx_examples")},
            }
            for t in tallies
        },
        "totals": dict(zip(("requests", "5xx", "no_answer", "leaks"), totals, strict=True)),
        "non_ascii_amounts_accepted": hostile_extra.get("non_ascii_amounts_accepted"),
        "big_body_413": hostile_extra.get("big_body_413"),
        "after": after,
        "seconds": round(time.monotonic() - started, 1),
        "code": str(Path(harness.__file__).resolve().parents[1]),
    }
    print(json.dumps(figures, default=str, sort_keys=True))


if __name__ == "__main__":
    main()
