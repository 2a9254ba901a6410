"""Core-banking's money bounds on a real SQLite file: no balance, held sum or SUM leaves 64 bits.

One request amount is at most `formats.MAX_AMOUNT_CENTS`; an account's booked balance and its
sum of active holds stay within +-`ledger.MAX_BALANCE_CENTS`, so however many postings are
made, every SQLite SUM the core runs (over accounts, holds, one journal's postings) fits.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from targets.core_banking import holds, ledger, queries
from targets.core_banking.admin import MAX_SEED_CUSTOMERS
from targets.core_banking.amounts import parse_cents
from targets.core_banking.api import MAX_POSTINGS
from targets.core_banking.idempotency import Outcome
from targets.core_banking.refusals import RefusalError
from targets.core_banking.replog import Txn
from targets.core_banking.schema import INTERNAL_ACCOUNTS, Standing, connect, initialise
from targets.formats import MAX_AMOUNT_CENTS, format_cents
from tests.targets.test_core_banking_ledger import write

PRIMARY = Standing("dc-a", "primary", 1)
SQLITE_MAX = 2**63 - 1
STEPS = ledger.MAX_BALANCE_CENTS // MAX_AMOUNT_CENTS  # journals of the largest amount that fit


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = connect(str(tmp_path / "a.db"))
    initialise(connection, PRIMARY)
    yield connection
    connection.close()


def _largest(number: int) -> ledger.JournalRequest:
    """CLEARING pays SUSPENSE the largest amount one request may carry (both may go negative)."""
    legs = (
        ledger.Leg("CLEARING", -MAX_AMOUNT_CENTS, "PEN"),
        ledger.Leg("SUSPENSE", MAX_AMOUNT_CENTS, "PEN"),
    )
    return ledger.JournalRequest(f"J-{number}", f"t-{number}", legs)


def _post(number: int) -> Callable[[Txn], Outcome]:
    return lambda txn: ledger.post_journal(txn, f"k{number}", "h", _largest(number))


def _hold(number: int) -> Callable[[Txn], Outcome]:
    request = holds.HoldRequest("SUSPENSE", MAX_AMOUNT_CENTS, "PEN", None, 60)
    return lambda txn: holds.place_hold(txn, f"h{number}", "h", request)


def test_the_bounds_keep_every_sum_inside_64_bits() -> None:
    """The arithmetic the bounds rest on: the worst SUM over accounts, and one journal's."""
    accounts = MAX_SEED_CUSTOMERS + len(INTERNAL_ACCOUNTS)
    assert accounts * (ledger.MAX_BALANCE_CENTS + MAX_AMOUNT_CENTS) < SQLITE_MAX
    assert MAX_POSTINGS * MAX_AMOUNT_CENTS < SQLITE_MAX


def test_an_amount_beyond_the_bound_is_refused_at_the_door() -> None:
    with pytest.raises(RefusalError) as refused:
        parse_cents(format_cents(MAX_AMOUNT_CENTS + 1))
    assert refused.value.code == "invalid_amount"
    assert parse_cents(format_cents(-MAX_AMOUNT_CENTS)) == -MAX_AMOUNT_CENTS


def test_repeated_largest_journals_stop_at_the_balance_limit(conn: sqlite3.Connection) -> None:
    """The journal that would take an account past the limit is refused and leaves no trace."""
    for number in range(STEPS):
        write(conn, _post(number))
    with pytest.raises(RefusalError) as refused:
        write(conn, _post(STEPS))
    assert (refused.value.status, refused.value.code) == (422, "balance_limit_exceeded")
    summary = queries.consistency(conn)
    assert summary["totals"] == {"PEN": "0.00"} and summary["unbalanced_journals"] == []
    booked = {
        row["account_id"]: row["booked_cents"]
        for row in conn.execute("SELECT account_id, booked_cents FROM accounts")
    }
    assert booked["SUSPENSE"] == STEPS * MAX_AMOUNT_CENTS == -booked["CLEARING"]


def test_holds_on_one_account_stop_at_the_balance_limit(conn: sqlite3.Connection) -> None:
    """An internal account may hold without funds, but its held sum stays bounded too."""
    for number in range(STEPS):
        write(conn, _hold(number))
    with pytest.raises(RefusalError) as refused:
        write(conn, _hold(STEPS))
    assert (refused.value.status, refused.value.code) == (422, "balance_limit_exceeded")
    assert ledger.held_cents(conn, "SUSPENSE", 0.0) == STEPS * MAX_AMOUNT_CENTS
