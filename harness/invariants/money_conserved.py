"""I1 money conserved: on the active DC every currency's accounts sum to 0 and every journal
balances; each account's booked balance is the sum of its postings.

Seeded money comes from the internal FUNDING account, so the whole ledger sums to 0 per
currency. Other DCs' totals are reported in the summary but do not decide the result.
Must not look at payments or samples: this is a ledger-only check.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from harness.history.bankstate import BankState, Ledger
from harness.history.samples import Sample
from harness.invariants.result import Finding, InvariantResult, money, verdict_of

NAME = "money_conserved"


def currency_totals(ledger: Ledger) -> dict[str, int]:
    """Sum of booked balances per currency, in cents."""
    totals: dict[str, int] = defaultdict(int)
    for account in ledger.accounts:
        totals[account.currency] += account.booked_cents
    return dict(totals)


def _nonzero_totals(ledger: Ledger) -> list[Finding]:
    return [
        Finding(f"{ledger.dc}:{cur}", f"accounts on {ledger.dc} sum to {money(c)} {cur}, not 0", c)
        for cur, c in sorted(currency_totals(ledger).items())
        if c != 0
    ]


def _unbalanced(ledger: Ledger) -> list[Finding]:
    found = []
    for journal in ledger.journals:
        sums: dict[str, int] = defaultdict(int)
        for posting in journal.postings:
            sums[posting.currency] += posting.amount_cents
        for cur, c in sorted(sums.items()):
            if c != 0:
                detail = f"journal {journal.journal_id} sums to {money(c)} {cur}, not 0"
                found.append(Finding(journal.journal_id, detail, c, journal.created_s))
    return found


def _unjournaled(ledger: Ledger) -> list[Finding]:
    posted: dict[str, int] = defaultdict(int)
    for journal in ledger.journals:
        for posting in journal.postings:
            posted[posting.account_id] += posting.amount_cents
    return [
        Finding(
            a.account_id,
            f"{a.account_id} books {money(a.booked_cents)} but its postings sum to "
            f"{money(posted[a.account_id])}",
            a.booked_cents - posted[a.account_id],
        )
        for a in ledger.accounts
        if a.booked_cents != posted[a.account_id]
    ]


def _all_totals(state: BankState) -> str:
    parts = []
    for ledger in state.ledgers:
        totals = currency_totals(ledger)
        shown = ", ".join(f"{cur} {money(c)}" for cur, c in sorted(totals.items())) or "empty"
        parts.append(f"{ledger.dc}{' (active)' if ledger.dc == state.active_dc else ''}: {shown}")
    return "; ".join(parts)


def check(state: BankState, samples: Sequence[Sample]) -> InvariantResult:
    """Totals per currency, balanced journals and journaled balances on the active DC."""
    active = state.active
    result = verdict_of(
        NAME,
        [
            ("nonzero_total", _nonzero_totals(active)),
            ("unbalanced_journal", _unbalanced(active)),
            ("balance_not_journaled", _unjournaled(active)),
        ],
        f"money conserved on {active.dc} across {len(active.journals)} journals",
    )
    return InvariantResult(
        result.name,
        result.status,
        result.violations,
        f"{result.summary} (totals {_all_totals(state)})",
    )
