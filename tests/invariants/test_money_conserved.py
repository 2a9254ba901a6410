"""I1: money conserved on the active DC, journals balanced, balances journaled."""

from harness.invariants import money_conserved
from tests.invariants.bank import Story


def test_clean_history_conserves_money() -> None:
    """Seeds from FUNDING plus balanced transfers sum to 0 and pass."""
    story = Story()
    story.transfer("T1", 1, 2, 700)
    story.transfer("T2", 2, 3, 300)
    result = money_conserved.check(story.state(), [])
    assert result.status == "ok", result.summary
    assert "dc-b: PEN 0.00" in result.summary


def test_unbalanced_journal_fails_with_its_id() -> None:
    """A journal whose postings do not sum to 0 is listed with the missing money."""
    story = Story()
    story.transfer("T1", 1, 2, 700)
    journal = story.journals["dc-a"][-1]
    journal["postings"] = [journal["postings"][0], {**journal["postings"][1], "amount": "6.00"}]
    result = money_conserved.check(story.state(), [])
    assert result.status == "failed"
    kinds = {v.kind: v for v in result.violations}
    assert kinds["unbalanced_journal"].ids == ("J-T1",)
    assert kinds["unbalanced_journal"].amount_cents == -100
    assert kinds["nonzero_total"].amount_cents == -100


def test_balance_without_postings_is_caught() -> None:
    """Money that vanished from an account with no movement (Bancolombia) is a violation."""
    story = Story()
    story.overrides["ACC-0002"] = 90_000
    result = money_conserved.check(story.state(), [])
    kinds = {v.kind: v for v in result.violations}
    assert set(kinds) == {"nonzero_total", "balance_not_journaled"}
    assert kinds["balance_not_journaled"].ids == ("ACC-0002",)
    assert "books 900.00 but its postings sum to 1000.00" in kinds["balance_not_journaled"].first


def test_only_the_active_dc_decides() -> None:
    """A broken standby shows in the summary totals but does not fail the check."""
    story = Story()
    story.post("J-X", "X", "ACC-0001", "ACC-0002", 100, dcs=("dc-b",))
    story.journals["dc-b"][-1]["postings"].pop()
    result = money_conserved.check(story.state(), [])
    assert result.status == "ok"
    assert "dc-b: PEN -1.00" in result.summary
