"""I12 no cross-customer access: no customer moved another customer's money.

Every transfer or bill payment a customer was told succeeded (2xx with a transfer id) is looked
up in the payments export; its debtor account's owner (from the active ledger) must be the
customer who asked. A payment from someone else's account is a violation. Reads (balance,
movements) are not judged: the samples do not record which account a read named. With no
successful payment to look at the result is `unknown`.
"""

from __future__ import annotations

from collections.abc import Sequence

from harness.history.bankstate import BankState
from harness.history.samples import Sample
from harness.invariants.result import Finding, InvariantResult, undecided, verdict_of

NAME = "no_cross_customer_access"
MOVES = ("transfer", "bill_payment")


def check(state: BankState, samples: Sequence[Sample]) -> InvariantResult:
    """Compare each successful payment's debtor owner with the customer who made it."""
    owners = {a.account_id: a.customer_id for a in state.active.accounts}
    moves = [
        s for s in samples
        if s.journey in MOVES and s.transfer_id and s.customer and 200 <= s.status < 300
    ]  # fmt: skip
    judged = 0
    foreign: list[Finding] = []
    for sample in moves:
        payment = state.payment(sample.transfer_id or "")
        if payment is None:
            continue
        judged += 1
        owner = owners.get(payment.debtor_account)
        if owner is not None and owner != sample.customer:
            detail = (
                f"{sample.customer} moved {payment.amount_cents / 100:.2f} from "
                f"{payment.debtor_account}, {owner}'s account ({payment.payment_id})"
            )
            foreign.append(Finding(payment.payment_id, detail, payment.amount_cents, sample.t_s))
    if not judged:
        return undecided(NAME, "no successful payment of a customer to check")
    return verdict_of(
        NAME,
        [("foreign_account_debited", foreign)],
        f"each of {judged} payments came from its customer's own account",
    )
