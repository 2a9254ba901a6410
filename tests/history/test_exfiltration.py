"""The drill's record read back: typed reads, a torn last line skipped, and how much leaked
(real customers whose data came back, never honeytokens; refusals counted)."""

from __future__ import annotations

import json
from pathlib import Path

from harness.history.exfiltration import EXFILTRATION_FILE, leak_of, read_exfiltration


def line(at_s: float, customer: str, kind: str, status: int | None, items: int = 0) -> str:
    honeytoken = customer.startswith("HONEY-")
    record = {"at_s": at_s, "customer": customer, "kind": kind, "status": status,
              "honeytoken": honeytoken, "items": items}  # fmt: skip
    return json.dumps(record) + "\n"


def test_how_much_leaked(tmp_path: Path) -> None:
    (tmp_path / EXFILTRATION_FILE).write_text(
        line(1.0, "CUST-0003", "login", 200)
        + line(1.5, "CUST-0003", "accounts", 200, 1)
        + line(2.0, "CUST-0003", "movements", 200, 7)
        + line(2.5, "HONEY-0001", "login", 200)
        + line(3.0, "HONEY-0001", "accounts", 200, 1)  # a decoy: not a customer's data
        + line(3.5, "CUST-0009", "login", 429)
        + line(4.0, "CUST-0004", "login", 200)
        + line(4.5, "CUST-0004", "accounts", 403)
        + line(5.0, "CUST-0005", "login", None)
        + '{"at_s": 5.5, "customer": "CUST-0'  # torn: the writer was cut off
    )
    reads = read_exfiltration(tmp_path)
    assert [r.customer for r in reads][:3] == ["CUST-0003"] * 3
    assert reads[-1].status is None and not reads[-1].answered_ok
    leak = leak_of(reads)
    assert leak.customers_read == ("CUST-0003",)
    assert (leak.requests, leak.logins_ok, leak.items_read, leak.refused) == (9, 3, 8, 2)
    assert (leak.first_at_s, leak.last_at_s) == (1.0, 5.0)


def test_a_run_without_a_drill_leaked_nothing(tmp_path: Path) -> None:
    assert read_exfiltration(tmp_path) == ()
    leak = leak_of(())
    assert (leak.requests, leak.customers_read, leak.first_at_s) == (0, (), None)
