"""I9 no status flip: a terminal status shown to a customer is the transfer's final status.

Flips: RJCT shown but the payment ended ACSC or money left the debtor; ACSC shown but the
payment ended RJCT; or the customer was shown both ACSC and RJCT for one transfer. A
transfer shown ACSC that is simply missing is a lost write (I6), not a flip. A request with an
`unknown` outcome showed nothing, so it cannot flip. With no terminal status shown at all the
result is `unknown`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from harness.history.bankstate import REJECTED, SETTLED, BankState, net_cents
from harness.history.samples import Sample
from harness.invariants.customer_view import Shown, shown_statuses
from harness.invariants.result import Finding, InvariantResult, undecided, verdict_of

NAME = "no_status_flip"


def _final_status(state: BankState, transfer_id: str) -> str | None:
    """ACSC or RJCT as the bank finally has it; None when it cannot say."""
    payment = state.payment(transfer_id)
    journals = state.journals_of(transfer_id, payment)
    if payment is not None and payment.status in (SETTLED, REJECTED):
        moved = net_cents(journals, payment.debtor_account) != 0
        return SETTLED if payment.status == SETTLED or moved else REJECTED
    if any(j.kind == "transfer" for j in journals):
        debtors = {p.account_id for j in journals for p in j.postings if p.amount_cents < 0}
        return SETTLED if any(net_cents(journals, a) != 0 for a in debtors) else REJECTED
    return None


def _flip(transfer_id: str, seen: list[Shown], final: str | None) -> tuple[str, Finding] | None:
    statuses = {s.status for s in seen}
    first = seen[0]
    if len(statuses) > 1:
        detail = f"transfer {transfer_id} was shown both ACSC and RJCT"
        return "shown_both", Finding(transfer_id, detail, first.amount_cents, seen[-1].at_s)
    if first.status == REJECTED and final == SETTLED:
        detail = f"transfer {transfer_id} shown RJCT at {first.at_s:.3f} but settled in the end"
        return "rejected_then_settled", Finding(transfer_id, detail, first.amount_cents, first.at_s)
    if first.status == SETTLED and final == REJECTED:
        detail = f"transfer {transfer_id} shown ACSC at {first.at_s:.3f} but rejected in the end"
        return "settled_then_rejected", Finding(transfer_id, detail, first.amount_cents, first.at_s)
    return None


def check(state: BankState, samples: Sequence[Sample]) -> InvariantResult:
    """Compare each status the customers saw with the bank's final status."""
    by_transfer: dict[str, list[Shown]] = defaultdict(list)
    for seen in shown_statuses(samples):
        by_transfer[seen.transfer_id].append(seen)
    if not by_transfer:
        return undecided(NAME, "no terminal transfer status was shown to a customer")
    found: dict[str, list[Finding]] = defaultdict(list)
    for transfer_id, shown in sorted(by_transfer.items()):
        flip = _flip(transfer_id, shown, _final_status(state, transfer_id))
        if flip is not None:
            found[flip[0]].append(flip[1])
    kinds = ("rejected_then_settled", "settled_then_rejected", "shown_both")
    return verdict_of(
        NAME,
        [(k, found[k]) for k in kinds],
        f"the statuses shown to customers for {len(by_transfer)} transfers held",
    )
