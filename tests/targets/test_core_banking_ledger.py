"""Core-banking ledger rules on a real SQLite file, without a server."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from targets.core_banking import holds, ledger, queries, replog
from targets.core_banking.amounts import parse_cents
from targets.core_banking.idempotency import Outcome
from targets.core_banking.refusals import RefusalError
from targets.core_banking.schema import Standing, connect, initialise, read_standing
from targets.formats import fingerprint, format_cents

PRIMARY = Standing("dc-a", "primary", 1)


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """A fresh dc-a ledger file seeded with three customers of 100.00."""
    connection = connect(str(tmp_path / "a.db"))
    initialise(connection, PRIMARY)
    write(connection, lambda txn: ledger.seed(txn, 3, 10_000, "PEN"))
    yield connection
    connection.close()


def write(
    conn: sqlite3.Connection, op: Callable[[replog.Txn], Outcome], shift_s: float = 0.0
) -> Outcome:
    """Run `op` in one write transaction, `shift_s` seconds in the future."""
    txn = replog.begin(conn)
    txn.now_s += shift_s
    try:
        outcome = op(txn)
        replog.commit(txn)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return outcome


def transfer(debtor: str, creditor: str, cents: int) -> ledger.JournalRequest:
    return ledger.JournalRequest(
        None,
        f"t-{debtor}-{creditor}",
        (ledger.Leg(debtor, -cents, "PEN"), ledger.Leg(creditor, cents, "PEN")),
    )


def post_as(txn: replog.Txn, key: str, request: ledger.JournalRequest) -> Outcome:
    return ledger.post_journal(txn, key, "h", request)


def booked(conn: sqlite3.Connection, account_id: str) -> int:
    row = conn.execute(
        "SELECT booked_cents FROM accounts WHERE account_id = ?", (account_id,)
    ).fetchone()
    return int(row["booked_cents"])


def test_amounts_round_trip_and_reject_a_third_decimal() -> None:
    """Wire amounts become cents and back; 1.005 is refused, not rounded."""
    assert parse_cents("120.5") == 12_050 and format_cents(-12_050) == "-120.50"
    with pytest.raises(RefusalError, match="invalid_amount"):
        parse_cents("1.005")


def test_journal_moves_money_and_keeps_totals_at_zero(conn: sqlite3.Connection) -> None:
    """A transfer debits one account, credits the other, and the books still sum to zero."""
    request = transfer("ACC-0001", "ACC-0002", 2500)
    write(conn, lambda t: ledger.post_journal(t, "k1", "h1", request))
    assert booked(conn, "ACC-0001") == 7_500 and booked(conn, "ACC-0002") == 12_500
    summary = queries.consistency(conn)
    assert summary["totals"] == {"PEN": "0.00"} and summary["unbalanced_journals"] == []


def test_unbalanced_journal_is_refused(conn: sqlite3.Connection) -> None:
    """Postings that do not sum to zero are a 422 and change nothing."""
    bad = ledger.JournalRequest(
        None, "t", (ledger.Leg("ACC-0001", -100, "PEN"), ledger.Leg("ACC-0002", 90, "PEN"))
    )
    with pytest.raises(RefusalError) as refused:
        write(conn, lambda t: ledger.post_journal(t, "k", "h", bad))
    assert (refused.value.status, refused.value.code) == (422, "unbalanced_journal")
    assert booked(conn, "ACC-0001") == 10_000


def test_overdraft_is_refused_with_am04(conn: sqlite3.Connection) -> None:
    """Debiting more than the available balance is 422 insufficient_funds, reason AM04."""
    with pytest.raises(RefusalError) as refused:
        write(
            conn,
            lambda t: ledger.post_journal(t, "k", "h", transfer("ACC-0001", "ACC-0002", 10_001)),
        )
    assert refused.value.code == "insufficient_funds"
    assert refused.value.extra["reason_code"] == "AM04"


def test_same_key_replays_and_other_body_is_refused(conn: sqlite3.Connection) -> None:
    """The same key answers the first result once; another body under it is a 422."""
    request = transfer("ACC-0001", "ACC-0002", 100)
    digest = fingerprint({"any": "body"})
    first = write(conn, lambda t: ledger.post_journal(t, "k", digest, request))
    again = write(conn, lambda t: ledger.post_journal(t, "k", digest, request))
    assert again == first and booked(conn, "ACC-0001") == 9_900
    with pytest.raises(RefusalError, match="idempotency_key_reused"):
        write(conn, lambda t: ledger.post_journal(t, "k", "other", request))


def test_reversal_restores_balances_once(conn: sqlite3.Connection) -> None:
    """Reversing a journal books its mirror once; reversing again answers the same."""
    posted = write(
        conn, lambda t: ledger.post_journal(t, "k", "h", transfer("ACC-0001", "ACC-0002", 700))
    )
    journal_id = posted.body["journal_id"]
    first = write(conn, lambda t: ledger.reverse_journal(t, journal_id))
    second = write(conn, lambda t: ledger.reverse_journal(t, journal_id))
    assert first.body == second.body and first.body["reverses"] == journal_id
    assert booked(conn, "ACC-0001") == 10_000 and booked(conn, "ACC-0002") == 10_000


def test_hold_reserves_then_capture_books_once(conn: sqlite3.Connection) -> None:
    """A hold lowers availability; capture books it once; release after capture is a 409."""
    placed = write(
        conn,
        lambda t: holds.place_hold(
            t, "hk", "h", holds.HoldRequest("ACC-0001", 6_000, "PEN", "pay-1", 30)
        ),
    )
    hold_id = placed.body["hold_id"]
    with pytest.raises(RefusalError, match="insufficient_funds"):
        write(
            conn,
            lambda t: ledger.post_journal(t, "k", "h", transfer("ACC-0001", "ACC-0002", 5_000)),
        )
    captured = write(conn, lambda t: holds.capture_hold(t, hold_id, "CLEARING", "tr-1"))
    again = write(conn, lambda t: holds.capture_hold(t, hold_id, "CLEARING", "tr-1"))
    assert captured.body == again.body and booked(conn, "ACC-0001") == 4_000
    with pytest.raises(RefusalError, match="hold_captured"):
        write(conn, lambda t: holds.release_hold(t, hold_id))


def test_expired_hold_frees_funds_and_cannot_be_captured(conn: sqlite3.Connection) -> None:
    """Past its expiry a hold no longer counts, reads EXPIRED, and capture is a 409."""
    placed = write(
        conn,
        lambda t: holds.place_hold(
            t, "hk", "h", holds.HoldRequest("ACC-0001", 9_000, "PEN", None, 5)
        ),
    )
    hold_id = placed.body["hold_id"]
    write(
        conn,
        lambda t: ledger.post_journal(t, "k", "h", transfer("ACC-0001", "ACC-0002", 9_000)),
        shift_s=6,
    )
    with pytest.raises(RefusalError, match="hold_expired"):
        write(conn, lambda t: holds.capture_hold(t, hold_id, "CLEARING", None), shift_s=6)
    released = write(conn, lambda t: holds.release_hold(t, hold_id), shift_s=6)
    assert released.body["status"] == "EXPIRED"


def test_standby_refuses_writes(tmp_path: Path) -> None:
    """A standby's ledger refuses a write with 503 not_primary and Retry-After."""
    standby = connect(str(tmp_path / "b.db"))
    initialise(standby, Standing("dc-b", "standby", 1))
    with pytest.raises(RefusalError) as refused:
        write(standby, lambda t: ledger.seed(t, 1, 100, "PEN"))
    assert (refused.value.status, refused.value.code) == (503, "not_primary")
    assert refused.value.headers["Retry-After"] == "1"


def test_shipped_entries_rebuild_the_same_ledger(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """Applying the primary's log on a standby yields the same export; replays are no-ops."""
    write(
        conn,
        lambda t: holds.place_hold(
            t, "hk", "h", holds.HoldRequest("ACC-0003", 500, "PEN", "r", 60)
        ),
    )
    write(conn, lambda t: ledger.post_journal(t, "k", "h", transfer("ACC-0001", "ACC-0002", 1)))
    standby = connect(str(tmp_path / "b.db"))
    initialise(standby, Standing("dc-b", "standby", 1))
    entries = replog.entries_after(conn, 0, 100)
    assert replog.apply_entries(standby, entries[:2], True, 1) == 2
    assert replog.apply_entries(standby, entries, True, 1) == len(entries)
    mine, theirs = queries.export(conn, PRIMARY, 0.0), queries.export(standby, PRIMARY, 0.0)
    assert mine == theirs


def test_fencing_standby_refuses_an_older_epoch(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """A standby at epoch 2 refuses a sender at epoch 1 (409 stale_epoch), unless unfenced."""
    standby = connect(str(tmp_path / "b.db"))
    initialise(standby, Standing("dc-b", "standby", 2))
    with pytest.raises(RefusalError, match="stale_epoch"):
        replog.apply_entries(standby, replog.entries_after(conn, 0, 10), True, 1)
    assert replog.apply_entries(standby, replog.entries_after(conn, 0, 10), False, 1) == 1


def test_old_primary_steps_down_for_a_newer_epoch_and_reports_divergence(
    conn: sqlite3.Connection, tmp_path: Path
) -> None:
    """A primary hearing epoch 2 steps down; its divergent tail is dropped and it is rebuilt."""
    other = connect(str(tmp_path / "b.db"))
    initialise(other, Standing("dc-b", "standby", 1))
    replog.apply_entries(other, replog.entries_after(conn, 0, 10), True, 1)
    first, second = transfer("ACC-0001", "ACC-0002", 5), transfer("ACC-0003", "ACC-0002", 7)
    write(conn, lambda t: ledger.post_journal(t, "k", "h", first))
    other.execute("UPDATE meta SET value = 'primary' WHERE key = 'role'")
    other.execute("UPDATE meta SET value = '2' WHERE key = 'epoch'")
    write(other, lambda t: ledger.post_journal(t, "k", "h", second))
    with pytest.raises(RefusalError, match="stale_epoch"):
        replog.apply_entries(other, replog.entries_after(conn, 1, 10), True, 1)
    with pytest.raises(RefusalError, match="not_standby"):
        replog.apply_entries(other, replog.entries_after(conn, 1, 10), False, 1)
    assert replog.apply_entries(conn, [], True, 2) == 2
    assert read_standing(conn) == Standing("dc-a", "standby", 2)
    shipped = replog.entries_after(other, 0, 10)
    held = replog.apply_entries(conn, shipped, True, 2, shipped[-1].seq)
    assert held == shipped[-1].seq
    assert [(e.seq, e.epoch) for e in replog.entries_after(conn, 0, 10)] == [
        (e.seq, e.epoch) for e in shipped
    ]
    journals = {r["idempotency_key"] for r in conn.execute("SELECT idempotency_key FROM journals")}
    assert journals == {
        r["idempotency_key"] for r in other.execute("SELECT idempotency_key FROM journals")
    }


def test_a_standby_ahead_of_the_new_primary_is_rebuilt(
    conn: sqlite3.Connection, tmp_path: Path
) -> None:
    """A standby whose log runs past the primary's last seq drops it and asks for everything."""
    other = connect(str(tmp_path / "b.db"))
    initialise(other, Standing("dc-b", "standby", 1))
    write(conn, lambda t: ledger.post_journal(t, "k", "h", transfer("ACC-0001", "ACC-0002", 5)))
    mine = replog.entries_after(conn, 0, 10)
    replog.apply_entries(other, mine, True, 1)
    assert replog.apply_entries(other, [], True, 2, mine[-1].seq - 1) == 0
    assert replog.entries_after(other, 0, 10) == []


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 12_000)), max_size=25)
)
def test_random_transfers_conserve_money_and_never_overdraw(
    tmp_path: Path, moves: list[tuple[int, int, int]]
) -> None:
    """Whatever transfers are tried, totals stay zero and no customer goes negative."""
    path = tmp_path / f"p{len(list(tmp_path.iterdir()))}.db"
    connection = connect(str(path))
    initialise(connection, PRIMARY)
    write(connection, lambda t: ledger.seed(t, 3, 10_000, "PEN"))
    for n, (debtor, creditor, cents) in enumerate(moves):
        request = transfer(f"ACC-{debtor:04d}", f"ACC-{creditor:04d}", cents)
        try:
            write(connection, partial(post_as, key=f"k{n}", request=request))
        except RefusalError as refused:
            assert refused.code == "insufficient_funds"
    summary = queries.consistency(connection)
    connection.close()
    assert summary["totals"] == {"PEN": "0.00"} and summary["negative_balances"] == []
