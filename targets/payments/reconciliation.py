"""Reconciliation breaks: payments vs the core ledger vs the scheme's log (invariant I5).

Kinds: `settled_not_posted` (the scheme settled it or payments says ACSC, but no journal for
it in the ledger), `posted_but_rejected` (a journal exists but the payment is RJCT or the scheme
never settled it), `duplicate_at_scheme` (the end-to-end id settled more than once at the
scheme), `stuck_pending` (not terminal after `stuck_after_s`).
This module is pure: it reads the three exports as data and fetches nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from targets.payments.lifecycle import is_terminal
from targets.payments.store import Payment

BREAK_KINDS = ("settled_not_posted", "posted_but_rejected", "duplicate_at_scheme", "stuck_pending")


@dataclass(frozen=True)
class Break:
    kind: str
    payment_id: str
    end_to_end_id: str
    detail: str


def posted_transfers(ledger_export: Mapping[str, Any]) -> Counter[str]:
    """transfer_id -> number of transfer journals in the ledger, net of reversals."""
    journals = ledger_export.get("journals", [])
    count: Counter[str] = Counter()
    for journal in journals:
        transfer_id = journal.get("transfer_id")
        if not transfer_id:
            continue
        if journal.get("kind") == "reversal":
            count[transfer_id] -= 1
        elif journal.get("kind", "transfer") == "transfer":
            count[transfer_id] += 1
    return count


def settlements(scheme_export: Mapping[str, Any]) -> Counter[str]:
    """end_to_end_id -> number of distinct messages the scheme settled (ACSC)."""
    return Counter(
        m["end_to_end_id"] for m in scheme_export.get("messages", []) if m.get("status") == "ACSC"
    )


def find_breaks(
    payments: Iterable[Payment],
    ledger_export: Mapping[str, Any],
    scheme_export: Mapping[str, Any],
    now_s: float,
    stuck_after_s: float,
) -> list[Break]:
    """Every break, in payment order."""
    posted = posted_transfers(ledger_export)
    settled = settlements(scheme_export)
    breaks: list[Break] = []
    for p in payments:
        e2e, pid = p.end_to_end_id, p.payment_id
        at_scheme, in_ledger = settled[e2e], posted[pid]
        if (at_scheme or p.status == "ACSC") and in_ledger <= 0 and is_terminal(p.status):
            breaks.append(
                Break(
                    "settled_not_posted",
                    pid,
                    e2e,
                    f"status {p.status}, settled {at_scheme}x at the scheme, "
                    "no journal in the ledger",
                )
            )
        if in_ledger > 0 and (p.status == "RJCT" or (is_terminal(p.status) and not at_scheme)):
            breaks.append(
                Break(
                    "posted_but_rejected",
                    pid,
                    e2e,
                    f"status {p.status} ({p.reason_code}), {in_ledger} journal(s), "
                    f"settled {at_scheme}x at the scheme",
                )
            )
        if at_scheme > 1:
            breaks.append(
                Break("duplicate_at_scheme", pid, e2e, f"settled {at_scheme} times at the scheme")
            )
        if not is_terminal(p.status) and now_s - p.created_at_s > stuck_after_s:
            breaks.append(
                Break("stuck_pending", pid, e2e, f"{p.status} for {now_s - p.created_at_s:.1f}s")
            )
    return breaks
