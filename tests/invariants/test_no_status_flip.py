"""I9: the status a customer saw is the transfer's final status."""

from harness.invariants import no_status_flip
from tests.invariants.bank import Story, transfer_sample


def test_consistent_statuses_pass() -> None:
    """ACSC shown and settled, RJCT shown and rejected: ok."""
    story = Story()
    story.transfer("T1", 1, 2, 100)
    story.transfer("T2", 1, 2, 100, status="RJCT", post=False)
    samples = [transfer_sample("T1", 1.0), transfer_sample("T2", 2.0, status="RJCT")]
    assert no_status_flip.check(story.state(), samples).status == "ok"


def test_rejected_then_effective_is_a_flip() -> None:
    """Shown RJCT but the money moved in the end (Bancolombia) fails."""
    story = Story()
    story.transfer("T1", 1, 2, 100)
    samples = [transfer_sample("T1", 1.0, status="RJCT", outcome="failed")]
    result = no_status_flip.check(story.state(), samples)
    assert [(v.kind, v.ids) for v in result.violations] == [("rejected_then_settled", ("T1",))]


def test_rejected_shown_posted_without_payment_record_is_a_flip() -> None:
    """With no payment record the ledger alone shows that a rejected transfer took effect."""
    story = Story()
    story.post("J-T7", "T7", "ACC-0001", "ACC-0002", 100)
    samples = [transfer_sample("T7", 1.0, status="RJCT")]
    assert no_status_flip.check(story.state(), samples).status == "failed"


def test_settled_then_rejected_and_shown_both() -> None:
    """ACSC shown then final RJCT, and ACSC plus RJCT shown for one transfer, both fail."""
    story = Story()
    story.transfer("T1", 1, 2, 100, status="RJCT", post=False)
    story.transfer("T2", 1, 2, 100)
    samples = [
        transfer_sample("T1", 1.0),
        transfer_sample("T2", 2.0, status="RJCT"),
        transfer_sample("T2", 3.0),
    ]
    kinds = {v.kind: v.ids for v in no_status_flip.check(story.state(), samples).violations}
    assert kinds == {"settled_then_rejected": ("T1",), "shown_both": ("T2",)}


def test_unknown_outcomes_show_nothing() -> None:
    """A timed-out request cannot flip; with no shown status the result is unknown."""
    story = Story()
    story.transfer("T1", 1, 2, 100)
    samples = [transfer_sample("T1", 1.0, status="RJCT", outcome="unknown")]
    assert no_status_flip.check(story.state(), samples).status == "unknown"
