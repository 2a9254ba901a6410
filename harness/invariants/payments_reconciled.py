"""I5 payments reconciled: payments, the active ledger and the clearing log tell one story.

Per payment: ACSC has a `transfer` journal whose net effect on the debtor is the payment's
amount; RJCT has no net posting on the debtor (a capture undone by a reversal nets to 0); no
payment is left in RCVD or ACSP. Three-way with the clearing mock, joined on end_to_end_id:
an ACSC at clearing has an ACSC payment, and an ACSC payment has an ACSC at clearing. A
`transfer` journal that belongs to no payment is an orphan posting.

Pure over the exported state; the engine exports after in-flight payments had time to finish.
"""

from __future__ import annotations

from collections.abc import Sequence

from harness.history.bankstate import (
    PENDING_STATUSES,
    REJECTED,
    SETTLED,
    BankState,
    Payment,
    net_cents,
)
from harness.history.samples import Sample
from harness.invariants.result import Finding, InvariantResult, money, verdict_of

NAME = "payments_reconciled"
KINDS = (
    "settled_not_posted",
    "amount_mismatch",
    "rejected_but_posted",
    "pending_left",
    "settled_not_cleared",
    "cleared_not_settled",
    "orphan_posting",
)


def _ledger_breaks(state: BankState, p: Payment) -> tuple[str, Finding] | None:
    journals = state.journals_of(p.payment_id, p)
    posted = any(j.kind == "transfer" for j in journals)
    moved = -net_cents(journals, p.debtor_account)
    pid = p.payment_id
    if p.status == SETTLED and not posted:
        return "settled_not_posted", Finding(
            pid, f"payment {pid} is ACSC with no journal", p.amount_cents
        )
    if p.status == SETTLED and moved != p.amount_cents:
        detail = f"payment {pid} is ACSC for {money(p.amount_cents)} but moved {money(moved)}"
        return "amount_mismatch", Finding(pid, detail, moved - p.amount_cents)
    if p.status == REJECTED and moved != 0:
        detail = f"payment {pid} is RJCT but {money(moved)} left {p.debtor_account}"
        return "rejected_but_posted", Finding(pid, detail, moved)
    if p.status in PENDING_STATUSES:
        return "pending_left", Finding(pid, f"payment {pid} still {p.status}", p.amount_cents)
    return None


def _clearing_breaks(state: BankState) -> list[tuple[str, Finding]]:
    cleared = {m.end_to_end_id: m for m in state.messages if m.status == SETTLED}
    breaks = []
    for p in state.payments:
        e2e = p.end_to_end_id or ""
        if p.status == SETTLED and e2e not in cleared:
            what = e2e or "its transfer"
            detail = f"payment {p.payment_id} is ACSC but {what} never settled at clearing"
            breaks.append(("settled_not_cleared", Finding(p.payment_id, detail, p.amount_cents)))
    by_e2e = {p.end_to_end_id: p for p in state.payments if p.end_to_end_id}
    for e2e, m in sorted(cleared.items()):
        payment = by_e2e.get(e2e)
        if payment is None or payment.status != SETTLED:
            shown = (
                "no payment"
                if payment is None
                else f"payment {payment.payment_id} is {payment.status}"
            )
            detail = f"{e2e} settled at clearing but {shown}"
            breaks.append(
                ("cleared_not_settled", Finding(e2e, detail, m.amount_cents, m.received_s))
            )
    return breaks


def _orphans(state: BankState) -> list[tuple[str, Finding]]:
    owned = {j.journal_id for p in state.payments for j in state.journals_of(p.payment_id, p)}
    return [
        (
            "orphan_posting",
            Finding(
                j.journal_id,
                f"journal {j.journal_id} (transfer {j.transfer_id}) belongs to no payment",
                j.debit_cents(),
                j.created_s,
            ),
        )
        for j in state.active.journals
        if j.kind == "transfer" and j.journal_id not in owned
    ]


def check(state: BankState, samples: Sequence[Sample]) -> InvariantResult:
    """Join payments, ledger journals and clearing messages and list the breaks by kind."""
    found: dict[str, list[Finding]] = {kind: [] for kind in KINDS}
    for payment in state.payments:
        broken = _ledger_breaks(state, payment)
        if broken is not None:
            found[broken[0]].append(broken[1])
    for kind, finding in [*_clearing_breaks(state), *_orphans(state)]:
        found[kind].append(finding)
    return verdict_of(
        NAME,
        [(kind, found[kind]) for kind in KINDS],
        f"{len(state.payments)} payments reconcile with {state.active_dc} and clearing",
    )
