"""Hand-made bank histories for the checker tests, built as export JSON (so parsing is real)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harness.history.bankstate import BankState
from harness.history.samples import Sample

T0 = 1_700_000_000.0


def fmt(cents: int) -> str:
    """Cents as the wire's money string."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


@dataclass
class Story:
    """A small bank: seeded customers on dc-a and dc-b, then transfers told step by step."""

    customers: int = 3
    balance_cents: int = 100_000
    active_dc: str = "dc-a"
    journals: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    payments: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    overrides: dict[str, int] = field(default_factory=dict)
    seq: int = 0

    def __post_init__(self) -> None:
        self.journals = {"dc-a": [], "dc-b": []}
        for n in range(1, self.customers + 1):
            self.post(
                f"SEED-{n}", None, "FUNDING", self.account(n), self.balance_cents, kind="seed"
            )

    @staticmethod
    def account(n: int) -> str:
        """The n-th customer's account id."""
        return f"ACC-{n:04d}"

    def post(
        self,
        journal_id: str,
        transfer_id: str | None,
        debtor: str,
        creditor: str,
        cents: int,
        *,
        kind: str = "transfer",
        dcs: tuple[str, ...] = ("dc-a", "dc-b"),
        key: str | None = None,
    ) -> None:
        """Post a balanced two-leg journal on the given DCs."""
        self.seq += 1
        journal = {
            "journal_id": journal_id,
            "transfer_id": transfer_id,
            "idempotency_key": key,
            "kind": kind,
            "epoch": 1,
            "dc": "dc-a",
            "seq": self.seq,
            "created_at": T0 + self.seq,
            "postings": [
                {"account_id": debtor, "amount": fmt(-cents), "currency": "PEN"},
                {"account_id": creditor, "amount": fmt(cents), "currency": "PEN"},
            ],
        }
        for dc in dcs:
            self.journals[dc].append(journal)

    def transfer(
        self,
        tid: str,
        debtor: int,
        creditor: int,
        cents: int,
        *,
        status: str = "ACSC",
        post: bool = True,
        clear: bool = True,
        dcs: tuple[str, ...] = ("dc-a", "dc-b"),
        key: str | None = None,
    ) -> None:
        """A payment with its capture journal (if posted) and clearing message (if cleared)."""
        e2e = f"E2E-{tid}"
        journal_id = f"J-{tid}" if post else None
        if post:
            self.post(f"J-{tid}", tid, self.account(debtor), self.account(creditor), cents, dcs=dcs)
        self.payments.append(
            {
                "payment_id": tid,
                "idempotency_key": key or f"K-{tid}",
                "end_to_end_id": e2e,
                "debtor_account": self.account(debtor),
                "creditor_account": self.account(creditor),
                "amount": fmt(cents),
                "currency": "PEN",
                "status": status,
                "reason_code": None,
                "hold_id": f"H-{tid}",
                "journal_id": journal_id,
                "submissions": 1,
                "history": [
                    {"status": "RCVD", "at": "2023-11-14T22:13:20Z"},
                    {"status": status, "at": "2023-11-14T22:13:21Z"},
                ],
            }
        )
        if clear:
            self.clear(e2e, cents, "ACSC" if status == "ACSC" else "RJCT")

    def clear(self, e2e: str, cents: int, status: str = "ACSC") -> None:
        """Log one pacs.008 at the clearing mock."""
        self.messages.append(
            {
                "msg_id": f"M-{len(self.messages) + 1}",
                "end_to_end_id": e2e,
                "amount": fmt(cents),
                "currency": "PEN",
                "status": status,
                "reason_code": None,
                "received_at": "2023-11-14T22:13:21.500Z",
            }
        )

    def _accounts(self, dc: str) -> list[dict[str, Any]]:
        booked: dict[str, int] = {"FUNDING": 0}
        for journal in self.journals[dc]:
            for p in journal["postings"]:
                cents = round(float(p["amount"]) * 100)
                booked[p["account_id"]] = booked.get(p["account_id"], 0) + cents
        booked.update(self.overrides)
        return [
            {
                "account_id": a,
                "customer_id": None if a == "FUNDING" else a.replace("ACC", "CUST"),
                "kind": "internal" if a == "FUNDING" else "customer",
                "currency": "PEN",
                "booked": fmt(c),
                "available": fmt(c),
            }
            for a, c in sorted(booked.items())
        ]

    def exports(self) -> tuple[dict[str, dict[str, Any]], str, dict[str, Any], dict[str, Any]]:
        """The four arguments of BankState.from_exports."""
        core = {
            dc: {
                "dc": dc,
                "role": "primary" if dc == self.active_dc else "standby",
                "epoch": 1,
                "accounts": self._accounts(dc),
                "journals": list(js),
                "holds": [],
            }
            for dc, js in self.journals.items()
        }
        return core, self.active_dc, {"payments": self.payments}, {"messages": self.messages}

    def state(self) -> BankState:
        """The parsed bank state."""
        return BankState.from_exports(*self.exports())


def transfer_sample(
    tid: str | None,
    t_s: float,
    *,
    status: str | None = "ACSC",
    outcome: str = "ok",
    cents: int = 1000,
    key: str | None = None,
) -> Sample:
    """A transfer request as the load recorded it."""
    return Sample(
        t_s=t_s,
        journey="transfer",
        status=201 if outcome == "ok" else 504,
        latency_ms=120.0,
        outcome=outcome,  # type: ignore[arg-type]
        customer="CUST-0001",
        transfer_id=tid,
        idempotency_key=key or f"K-{tid}",
        payment_status=status,
        amount=fmt(cents),
    )
