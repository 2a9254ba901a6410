"""I6: every transfer acknowledged as settled is in the active DC's ledger at the end."""

import pytest

from harness.invariants import acknowledged_durable
from tests.invariants.bank import Story, transfer_sample


def test_acked_and_replicated_survives_failover() -> None:
    """Transfers on both DCs are durable after failing over to dc-b."""
    story = Story(active_dc="dc-b")
    story.transfer("T1", 1, 2, 100)
    result = acknowledged_durable.check(story.state(), [transfer_sample("T1", 10.0)])
    assert result.status == "ok", result.summary


def test_unreplicated_acks_are_lost_with_rpo() -> None:
    """Acked transfers only on the old primary are lost after failover; RPO spans their acks."""
    story = Story(active_dc="dc-b")
    story.transfer("T1", 1, 2, 100)
    story.transfer("T2", 1, 2, 300, dcs=("dc-a",))
    story.transfer("T3", 2, 3, 500, dcs=("dc-a",))
    samples = [
        transfer_sample("T1", 10.0),
        transfer_sample("T2", 11.0, cents=300),
        transfer_sample("T3", 14.5, cents=500),
    ]
    result = acknowledged_durable.check(story.state(), samples)
    assert result.status == "failed"
    lost = result.violations[0]
    assert lost.ids == ("T2", "T3") and lost.amount_cents == 800
    assert lost.span_s == pytest.approx(3.5)
    assert "RPO span 3.500 s" in result.summary


def test_unknown_and_pending_outcomes_are_not_acks() -> None:
    """A timed-out or merely accepted (ACSP) transfer that is missing is not a lost write."""
    story = Story()
    story.transfer("T1", 1, 2, 100)
    samples = [
        transfer_sample("T1", 1.0),
        transfer_sample("T9", 2.0, status=None, outcome="unknown"),
        transfer_sample("T8", 3.0, status="ACSP"),
    ]
    assert acknowledged_durable.check(story.state(), samples).status == "ok"


def test_no_acks_is_unknown() -> None:
    """With nothing acknowledged there is no evidence either way."""
    result = acknowledged_durable.check(
        Story().state(), [transfer_sample("T1", 1.0, outcome="unknown")]
    )
    assert result.status == "unknown"
