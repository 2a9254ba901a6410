"""BankState parses the admin exports into typed records and links payments to journals."""

import pytest

from harness.errors import InfraError
from harness.history.bankstate import BankState, parse_cents, parse_epoch_s
from tests.invariants.bank import Story


@pytest.mark.parametrize(
    ("text", "cents"),
    [("12.34", 1234), ("-12.30", -1230), ("0.00", 0), ("7", 700), ("1000.5", 100050)],
)
def test_amounts_become_integer_cents(text: str, cents: int) -> None:
    """Money strings with up to two decimals become exact integer cents."""
    assert parse_cents(text, "here") == cents


@pytest.mark.parametrize("text", ["abc", "1.234", "NaN", "Infinity", None])
def test_bad_amounts_name_the_place(text: object) -> None:
    """A malformed amount raises InfraError naming where it was found."""
    with pytest.raises(InfraError, match=r"payments\[3\]\.amount"):
        parse_cents(text, "payments[3].amount")


def test_iso_times_become_epoch_seconds() -> None:
    """ISO 8601 with Z, plain numbers and absent values are all understood."""
    assert parse_epoch_s("1970-01-01T00:01:00Z", "x") == 60.0
    assert parse_epoch_s(12.5, "x") == 12.5
    assert parse_epoch_s(None, "x") is None
    with pytest.raises(InfraError, match="created_at"):
        parse_epoch_s("yesterday", "journals[0].created_at")


def test_from_exports_types_every_record() -> None:
    """Accounts, journals, payments and scheme messages come out typed, amounts in cents."""
    story = Story(customers=2)
    story.transfer("T1", 1, 2, 1250)
    state = story.state()
    assert {led.dc for led in state.ledgers} == {"dc-a", "dc-b"}
    assert state.active.dc == "dc-a"
    acc1 = next(a for a in state.active.accounts if a.account_id == "ACC-0001")
    assert acc1.booked_cents == 100_000 - 1250
    payment = state.payment("T1")
    assert payment is not None and payment.amount_cents == 1250
    assert payment.history[-1].status == "ACSC" and payment.history[-1].at_s is not None
    assert state.messages[0].received_s == pytest.approx(1700000001.5)
    assert [j.journal_id for j in state.journals_of("T1", payment)] == ["J-T1"]


def test_journals_link_by_journal_id_even_with_another_transfer_id() -> None:
    """A capture journal with another transfer_id is found through the payment's journal_id."""
    story = Story(customers=2)
    story.transfer("T1", 1, 2, 500)
    story.journals["dc-a"][-1] = {**story.journals["dc-a"][-1], "transfer_id": "OTHER"}
    state = story.state()
    assert [j.journal_id for j in state.journals_of("T1", state.payment("T1"))] == ["J-T1"]
    assert state.journals_of("T1", None) == []


def test_missing_active_dc_and_fields_are_infra_errors() -> None:
    """An export without the active DC or without a required field fails with its location."""
    core, _, payments, clearing = Story().exports()
    with pytest.raises(InfraError, match="active DC 'dc-c'"):
        BankState.from_exports(core, "dc-c", payments, clearing)
    del core["dc-a"]["journals"][0]["journal_id"]
    with pytest.raises(InfraError, match=r"core export dc-a: journals\[0\]: field 'journal_id'"):
        BankState.from_exports(core, "dc-a", payments, clearing)
    with pytest.raises(InfraError, match="clearing export: field 'messages'"):
        BankState.from_exports(Story().exports()[0], "dc-a", payments, {})
