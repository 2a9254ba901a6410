"""I2 no negative balances: no customer account on the active DC has a negative booked or
available balance. Internal accounts (FUNDING, CLEARING, SUSPENSE) may be negative.

Ledger-only; must not look at payments or samples.
"""

from __future__ import annotations

from collections.abc import Sequence

from harness.history.bankstate import BankState
from harness.history.samples import Sample
from harness.invariants.result import Finding, InvariantResult, money, verdict_of

NAME = "no_negative_balances"


def check(state: BankState, samples: Sequence[Sample]) -> InvariantResult:
    """Scan the active DC's customer accounts for booked or available balances below 0."""
    customers = [a for a in state.active.accounts if a.kind == "customer"]
    booked = [
        Finding(a.account_id, f"{a.account_id} booked {money(a.booked_cents)}", a.booked_cents)
        for a in customers
        if a.booked_cents < 0
    ]
    available = [
        Finding(
            a.account_id, f"{a.account_id} available {money(a.available_cents)}", a.available_cents
        )
        for a in customers
        if a.available_cents < 0
    ]
    return verdict_of(
        NAME,
        [("negative_booked", booked), ("negative_available", available)],
        f"no negative balance among {len(customers)} customer accounts on {state.active_dc}",
    )
