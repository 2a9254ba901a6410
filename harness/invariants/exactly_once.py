"""I3/I4 exactly once: every transfer has at most one business effect.

On the active DC's ledger: at most one `transfer` journal per transfer_id and per idempotency
key, and at most one reversal per transfer. In payments: at most one settled payment per
idempotency key. At the clearing mock: each end_to_end_id settled (ACSC) at most once.
Duplicates are listed with their ids and the money moved by the extra copies.

Samples are not used: a request whose outcome was `unknown` may have taken effect once or not
at all, and neither is a duplicate; only the bank's own records can show a second effect.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from harness.history.bankstate import SETTLED, BankState, Journal
from harness.history.samples import Sample
from harness.invariants.result import Finding, InvariantResult, money, verdict_of

NAME = "exactly_once"
T = TypeVar("T")


def _groups(items: Iterable[T], key: Callable[[T], str | None]) -> dict[str, list[T]]:
    grouped: dict[str, list[T]] = defaultdict(list)
    for item in items:
        k = key(item)
        if k:
            grouped[k].append(item)
    return {k: v for k, v in grouped.items() if len(v) > 1}


def _journal_dupes(
    journals: Sequence[Journal], key: Callable[[Journal], str | None], what: str
) -> list[Finding]:
    found = []
    for k, copies in sorted(_groups(journals, key).items()):
        extra = copies[1:]
        cents = sum(j.debit_cents() for j in extra)
        ids = ", ".join(j.journal_id for j in copies)
        detail = f"{what} {k} posted {len(copies)} times ({ids}), {money(cents)} extra"
        found.append(Finding(k, detail, cents, extra[0].created_s))
    return found


def _ledger_findings(state: BankState) -> list[tuple[str, list[Finding]]]:
    journals = state.active.journals
    transfers = [j for j in journals if j.kind == "transfer"]
    reversals = [j for j in journals if j.kind == "reversal"]
    return [
        ("duplicate_transfer", _journal_dupes(transfers, lambda j: j.transfer_id, "transfer")),
        (
            "duplicate_idempotency_key",
            _journal_dupes(transfers, lambda j: j.idempotency_key, "idempotency key"),
        ),
        ("reversed_twice", _journal_dupes(reversals, lambda j: j.transfer_id, "reversal of")),
    ]


def _duplicate_payments(state: BankState) -> list[Finding]:
    settled = [p for p in state.payments if p.status == SETTLED]
    found = []
    for key, copies in sorted(_groups(settled, lambda p: p.idempotency_key).items()):
        cents = sum(p.amount_cents for p in copies[1:])
        ids = ", ".join(p.payment_id for p in copies)
        found.append(
            Finding(key, f"idempotency key {key} settled {len(copies)} payments ({ids})", cents)
        )
    return found


def _settled_twice(state: BankState) -> list[Finding]:
    settled = [m for m in state.messages if m.status == SETTLED]
    found = []
    for e2e, copies in sorted(_groups(settled, lambda m: m.end_to_end_id).items()):
        cents = sum(m.amount_cents for m in copies[1:])
        msgs = ", ".join(m.msg_id for m in copies)
        detail = f"end_to_end_id {e2e} settled {len(copies)} times at clearing ({msgs})"
        found.append(Finding(e2e, detail, cents, copies[1].received_s))
    return found


def check(state: BankState, samples: Sequence[Sample]) -> InvariantResult:
    """Count business effects per transfer id, idempotency key and end_to_end_id."""
    groups = [
        *_ledger_findings(state),
        ("duplicate_payment", _duplicate_payments(state)),
        ("settled_twice_at_clearing", _settled_twice(state)),
    ]
    transfers = sum(1 for j in state.active.journals if j.kind == "transfer")
    return verdict_of(
        NAME,
        groups,
        f"each of {transfers} transfer journals and {len(state.messages)} scheme messages "
        "took effect once",
    )
