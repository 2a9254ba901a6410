"""Invariant properties (Hypothesis): serial histories conserve money; tampering is caught."""

from hypothesis import given
from hypothesis import strategies as st

from harness.invariants import acknowledged_durable, exactly_once, run_invariants
from tests.invariants.bank import Story, transfer_sample

T0 = 1_700_000_000.0
moves = st.lists(
    st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(1, 60_000)), max_size=25
)


def serial_bank(transfers: list[tuple[int, int, int]]) -> tuple[Story, list[str]]:
    """Apply transfers one at a time; one without funds is rejected and posts nothing."""
    story = Story(customers=4, balance_cents=50_000)
    balances = dict.fromkeys(range(1, 5), 50_000)
    settled = []
    for i, (debtor, creditor, cents) in enumerate(transfers):
        tid = f"T{i}"
        if debtor != creditor and balances[debtor] >= cents:
            balances[debtor] -= cents
            balances[creditor] += cents
            story.transfer(tid, debtor, creditor, cents)
            settled.append(tid)
        else:
            story.transfer(tid, debtor, creditor, cents, status="RJCT", post=False)
    return story, settled


@given(moves)
def test_any_serial_history_keeps_every_invariant(transfers: list[tuple[int, int, int]]) -> None:
    """Serial balanced transfers conserve money and keep every invariant green."""
    story, settled = serial_bank(transfers)
    samples = [transfer_sample(t, T0 + i) for i, t in enumerate(settled)]
    names = ["money_conserved", "no_negative_balances", "exactly_once", "payments_reconciled"]
    if settled:
        names += ["acknowledged_durable", "no_status_flip"]
    for result in run_invariants(names, story.state(), samples):
        assert result.status == "ok", result.summary


@given(moves, st.data())
def test_duplicating_a_settled_payment_breaks_exactly_once(
    transfers: list[tuple[int, int, int]], data: st.DataObject
) -> None:
    """Posting any settled transfer a second time makes exactly_once fail naming it."""
    story, settled = serial_bank([*transfers, (1, 2, 1)])
    tid = data.draw(st.sampled_from(settled))
    original = next(j for j in story.journals["dc-a"] if j["transfer_id"] == tid)
    story.journals["dc-a"].append({**original, "journal_id": f"{tid}-again"})
    result = exactly_once.check(story.state(), [])
    assert result.status == "failed"
    assert tid in result.violations[0].ids


@given(moves, st.data())
def test_dropping_an_acked_journal_breaks_durability(
    transfers: list[tuple[int, int, int]], data: st.DataObject
) -> None:
    """Losing the journal of any acknowledged transfer makes acknowledged_durable fail."""
    story, settled = serial_bank([*transfers, (1, 2, 1)])
    tid = data.draw(st.sampled_from(settled))
    story.journals["dc-a"] = [j for j in story.journals["dc-a"] if j["transfer_id"] != tid]
    samples = [transfer_sample(t, T0 + i) for i, t in enumerate(settled)]
    result = acknowledged_durable.check(story.state(), samples)
    assert result.status == "failed"
    assert result.violations[0].ids == (tid,)
