"""I5: payments, ledger and clearing log agree; breaks are reported by kind."""

from harness.invariants import payments_reconciled
from tests.invariants.bank import Story


def _kinds(story: Story) -> dict[str, tuple[str, ...]]:
    result = payments_reconciled.check(story.state(), [])
    return {v.kind: v.ids for v in result.violations}


def test_settled_and_rejected_payments_reconcile() -> None:
    """ACSC posted and cleared, RJCT neither posted nor settled: no breaks."""
    story = Story()
    story.transfer("T1", 1, 2, 100)
    story.transfer("T2", 1, 2, 100, status="RJCT", post=False)
    assert _kinds(story) == {}


def test_each_break_kind_is_found() -> None:
    """Every kind of break is found and named with the payment or journal involved."""
    story = Story()
    story.transfer("A", 1, 2, 100, post=False)
    story.transfer("B", 1, 2, 100, status="RJCT")
    story.transfer("C", 1, 2, 100, status="ACSP", post=False, clear=False)
    story.transfer("D", 1, 2, 100, clear=False)
    story.transfer("E", 1, 2, 100, status="RJCT", post=False, clear=False)
    story.clear("E2E-E", 100)
    story.post("J-ORPHAN", "ZZ", "ACC-0003", "ACC-0001", 50)
    story.transfer("F", 1, 2, 100)
    story.payments[-1]["amount"] = "2.00"
    assert _kinds(story) == {
        "settled_not_posted": ("A",),
        "rejected_but_posted": ("B",),
        "pending_left": ("C",),
        "settled_not_cleared": ("D",),
        "cleared_not_settled": ("E2E-E",),
        "orphan_posting": ("J-ORPHAN",),
        "amount_mismatch": ("F",),
    }


def test_rejected_capture_undone_by_reversal_reconciles() -> None:
    """A captured then reversed payment that ended RJCT has no net posting: no break."""
    story = Story()
    story.transfer("T1", 1, 2, 100, status="RJCT")
    story.messages.clear()
    story.post("R-T1", "T1", "ACC-0002", "ACC-0001", 100, kind="reversal")
    assert _kinds(story) == {}
