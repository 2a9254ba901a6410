"""I3/I4: each transfer, idempotency key and end_to_end_id takes effect at most once."""

from harness.invariants import exactly_once
from tests.invariants.bank import Story, transfer_sample


def test_single_effects_pass() -> None:
    """Distinct transfers, each posted and cleared once, pass."""
    story = Story()
    story.transfer("T1", 1, 2, 100)
    story.transfer("T2", 2, 3, 200)
    assert exactly_once.check(story.state(), []).status == "ok"


def test_double_posting_lists_ids_and_money() -> None:
    """A transfer posted twice is a duplicate with the extra money."""
    story = Story()
    story.transfer("T1", 1, 2, 2500)
    story.post("J-T1-again", "T1", "ACC-0001", "ACC-0002", 2500)
    result = exactly_once.check(story.state(), [])
    assert result.status == "failed"
    dup = result.violations[0]
    assert (dup.kind, dup.ids, dup.amount_cents) == ("duplicate_transfer", ("T1",), 2500)
    assert "J-T1, J-T1-again" in dup.first


def test_blind_resubmit_settles_twice_at_clearing() -> None:
    """A second pacs.008 settling the same end_to_end_id is caught at the clearing mock."""
    story = Story()
    story.transfer("T1", 1, 2, 900)
    story.clear("E2E-T1", 900)
    result = exactly_once.check(story.state(), [])
    assert [v.kind for v in result.violations] == ["settled_twice_at_clearing"]
    assert result.violations[0].amount_cents == 900


def test_same_key_two_settled_payments() -> None:
    """Two settled payments behind one idempotency key are a duplicate payment."""
    story = Story()
    story.transfer("T1", 1, 2, 100, key="K")
    story.transfer("T2", 1, 2, 100, key="K")
    kinds = {v.kind for v in exactly_once.check(story.state(), []).violations}
    assert kinds == {"duplicate_payment"}


def test_unknown_outcomes_alone_are_not_duplicates() -> None:
    """Retries after timeouts that reached the bank once are not duplicates."""
    story = Story()
    story.transfer("T1", 1, 2, 100)
    samples = [
        transfer_sample("T1", 1.0, status=None, outcome="unknown"),
        transfer_sample("T1", 2.0, status=None, outcome="unknown"),
        transfer_sample("T1", 3.0),
    ]
    assert exactly_once.check(story.state(), samples).status == "ok"


def test_reversed_twice() -> None:
    """A transfer reversed twice breaks the one-reversal rule."""
    story = Story()
    story.transfer("T1", 1, 2, 100)
    story.post("R1", "T1", "ACC-0002", "ACC-0001", 100, kind="reversal")
    story.post("R2", "T1", "ACC-0002", "ACC-0001", 100, kind="reversal")
    kinds = [v.kind for v in exactly_once.check(story.state(), []).violations]
    assert kinds == ["reversed_twice"]
