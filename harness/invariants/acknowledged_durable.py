"""I6 acknowledged writes are durable: every transfer the load saw settled still exists in the
ledger of the active DC at the end (after any failover), as a `transfer` journal.

Lost ones are listed with their ids, the money and the RPO: the time span between the first
and the last lost acknowledgement. Samples with an `unknown` or `failed` outcome are not
acknowledgements and are never counted as lost. With no acknowledgement in the history the
result is `unknown`: there was nothing to lose.
"""

from __future__ import annotations

from collections.abc import Sequence

from harness.history.bankstate import BankState
from harness.history.samples import Sample
from harness.invariants.customer_view import acknowledged
from harness.invariants.result import Finding, InvariantResult, money, undecided, verdict_of

NAME = "acknowledged_durable"


def check(state: BankState, samples: Sequence[Sample]) -> InvariantResult:
    """Look up each acknowledged transfer in the active DC's journals."""
    acks = acknowledged(samples)
    if not acks:
        return undecided(NAME, "no transfer was acknowledged as settled, nothing to check")
    lost = []
    for transfer_id, ack in sorted(acks.items(), key=lambda kv: kv[1].at_s):
        payment = state.payment(transfer_id)
        if any(j.kind == "transfer" for j in state.journals_of(transfer_id, payment)):
            continue
        cents = ack.amount_cents
        if cents is None and payment is not None:
            cents = payment.amount_cents
        shown = "" if cents is None else f" ({money(cents)})"
        detail = (
            f"transfer {transfer_id}{shown} acknowledged at {ack.at_s:.3f} is not in the "
            f"ledger of {state.active_dc}"
        )
        lost.append(Finding(transfer_id, detail, cents, ack.at_s))
    result = verdict_of(
        NAME,
        [("lost_acknowledged_transfer", lost)],
        f"all {len(acks)} acknowledged transfers are in the ledger of {state.active_dc}",
    )
    if lost:
        rpo = result.violations[0].span_s or 0.0
        return InvariantResult(
            NAME, result.status, result.violations, f"{result.summary} (RPO span {rpo:.3f} s)"
        )
    return result
