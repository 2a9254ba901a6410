"""The bank's final state as typed records, parsed from the services' `/admin/export` answers.

`BankState.from_exports` takes the already-loaded JSON of every core-banking data centre, of
payments and of the clearing mock (shapes in `docs/bank-api.md`) and turns amounts into integer
cents and timestamps into epoch seconds. It also holds the one rule that links a payment to its
ledger journals, so every invariant checker agrees on it.

This module is pure: it does no HTTP and reads no file; the engine fetches the exports.
A malformed export raises `InfraError` naming the export, the record and the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from harness.errors import InfraError

SETTLED = "ACSC"
REJECTED = "RJCT"
PENDING_STATUSES = ("RCVD", "ACSP")


def parse_cents(text: object, where: str) -> int:
    """Integer cents from a money string with at most two decimals ("-12.30" -> -1230)."""
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        raise InfraError(f"{where}: not an amount: {text!r}") from None
    cents = value * 100
    if not value.is_finite() or cents != cents.to_integral_value():
        raise InfraError(f"{where}: not an amount with at most two decimals: {text!r}")
    return int(cents)


def parse_epoch_s(text: object, where: str) -> float | None:
    """Epoch seconds from an ISO 8601 string (or a number); None when absent."""
    if text is None or text == "":
        return None
    if isinstance(text, int | float):
        return float(text)
    try:
        return datetime.fromisoformat(str(text)).timestamp()
    except ValueError:
        raise InfraError(f"{where}: not an ISO 8601 time: {text!r}") from None


@dataclass(frozen=True)
class Account:
    account_id: str
    customer_id: str | None
    kind: str
    currency: str
    booked_cents: int
    available_cents: int


@dataclass(frozen=True)
class Posting:
    account_id: str
    amount_cents: int
    currency: str


@dataclass(frozen=True)
class Journal:
    journal_id: str
    transfer_id: str | None
    idempotency_key: str | None
    kind: str
    epoch: int
    dc: str
    seq: int
    created_s: float | None
    postings: tuple[Posting, ...]

    def debit_cents(self) -> int:
        """The money moved: the sum of the positive postings."""
        return sum(p.amount_cents for p in self.postings if p.amount_cents > 0)


@dataclass(frozen=True)
class Hold:
    hold_id: str
    account_id: str
    amount_cents: int
    status: str
    reference: str | None


@dataclass(frozen=True)
class Ledger:
    """One data centre's copy of the ledger."""

    dc: str
    role: str
    epoch: int
    accounts: tuple[Account, ...]
    journals: tuple[Journal, ...]
    holds: tuple[Hold, ...]


@dataclass(frozen=True)
class StatusChange:
    status: str
    at_s: float | None


@dataclass(frozen=True)
class Payment:
    payment_id: str
    idempotency_key: str | None
    end_to_end_id: str | None
    debtor_account: str
    creditor_account: str
    amount_cents: int
    currency: str
    status: str
    reason_code: str | None
    hold_id: str | None
    journal_id: str | None
    submissions: int
    history: tuple[StatusChange, ...]


@dataclass(frozen=True)
class SchemeMessage:
    """One pacs.008 as the clearing mock logged it."""

    msg_id: str
    end_to_end_id: str
    amount_cents: int
    currency: str
    status: str
    reason_code: str | None
    received_s: float | None


@dataclass(frozen=True)
class BankState:
    """Every data centre's ledger, which one is active, payments and the scheme's log."""

    ledgers: tuple[Ledger, ...]
    active_dc: str
    payments: tuple[Payment, ...]
    messages: tuple[SchemeMessage, ...]

    @classmethod
    def from_exports(
        cls,
        core: Mapping[str, Mapping[str, Any]],
        active_dc: str,
        payments: Mapping[str, Any],
        clearing: Mapping[str, Any],
    ) -> BankState:
        """Parse the exports; `core` maps a DC name to that DC's `/admin/export` answer."""
        if active_dc not in core:
            raise InfraError(f"bank state: active DC {active_dc!r} has no core export")
        ledgers = tuple(_ledger(dc, export) for dc, export in core.items())
        pays = tuple(
            _payment(p, f"payments export: payments[{i}]")
            for i, p in enumerate(_records(payments, "payments", "payments export"))
        )
        msgs = tuple(
            _message(m, f"clearing export: messages[{i}]")
            for i, m in enumerate(_records(clearing, "messages", "clearing export"))
        )
        return cls(ledgers, active_dc, pays, msgs)

    @property
    def active(self) -> Ledger:
        """The ledger of the data centre that is primary at the end of the run."""
        return next(led for led in self.ledgers if led.dc == self.active_dc)

    def payment(self, transfer_id: str) -> Payment | None:
        """The payment a customer knows by `transfer_id` (payments' payment_id)."""
        return next((p for p in self.payments if p.payment_id == transfer_id), None)

    def journals_of(self, transfer_id: str, payment: Payment | None = None) -> list[Journal]:
        """Active-ledger journals (transfers and reversals) that belong to one transfer.

        A journal belongs to it when its transfer_id is the transfer id, the payment's id or
        end_to_end_id, or when its journal_id is the one the payment recorded at capture.
        """
        keys = {transfer_id}
        journal_id = None
        if payment is not None:
            keys.add(payment.payment_id)
            if payment.end_to_end_id:
                keys.add(payment.end_to_end_id)
            journal_id = payment.journal_id
        return [
            j
            for j in self.active.journals
            if j.kind != "seed" and (j.transfer_id in keys or j.journal_id == journal_id)
        ]


def net_cents(journals: Iterable[Journal], account_id: str) -> int:
    """What these journals did to one account, in cents (reversals cancel their transfer)."""
    return sum(p.amount_cents for j in journals for p in j.postings if p.account_id == account_id)


def _records(export: Mapping[str, Any], key: str, where: str) -> Sequence[Mapping[str, Any]]:
    records = export.get(key)
    if not isinstance(records, list):
        raise InfraError(f"{where}: field {key!r} missing or not a list")
    return records


def _field(record: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in record:
        raise InfraError(f"{where}: field {key!r} missing")
    return record[key]


def _optional_str(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


def _ledger(dc: str, export: Mapping[str, Any]) -> Ledger:
    where = f"core export {dc}"
    accounts = tuple(
        _account(a, f"{where}: accounts[{i}]")
        for i, a in enumerate(_records(export, "accounts", where))
    )
    journals = tuple(
        _journal(j, f"{where}: journals[{i}]")
        for i, j in enumerate(_records(export, "journals", where))
    )
    holds = tuple(_hold(h, f"{where}: holds[{i}]") for i, h in enumerate(export.get("holds") or []))
    role = str(export.get("role", "unknown"))
    return Ledger(dc, role, int(export.get("epoch", 0)), accounts, journals, holds)


def _account(a: Mapping[str, Any], where: str) -> Account:
    booked = parse_cents(_field(a, "booked", where), f"{where}.booked")
    raw = a.get("available")
    available = booked if raw is None else parse_cents(raw, f"{where}.available")
    return Account(
        account_id=str(_field(a, "account_id", where)),
        customer_id=_optional_str(a.get("customer_id")),
        kind=str(a.get("kind", "customer")),
        currency=str(a.get("currency", "PEN")),
        booked_cents=booked,
        available_cents=available,
    )


def _journal(j: Mapping[str, Any], where: str) -> Journal:
    postings = tuple(
        Posting(
            account_id=str(_field(p, "account_id", f"{where}.postings[{k}]")),
            amount_cents=parse_cents(
                _field(p, "amount", f"{where}.postings[{k}]"), f"{where}.postings[{k}].amount"
            ),
            currency=str(p.get("currency", "PEN")),
        )
        for k, p in enumerate(_field(j, "postings", where))
    )
    return Journal(
        journal_id=str(_field(j, "journal_id", where)),
        transfer_id=_optional_str(j.get("transfer_id")),
        idempotency_key=_optional_str(j.get("idempotency_key")),
        kind=str(j.get("kind", "transfer")),
        epoch=int(j.get("epoch", 0)),
        dc=str(j.get("dc", "")),
        seq=int(j.get("seq", 0)),
        created_s=parse_epoch_s(j.get("created_at"), f"{where}.created_at"),
        postings=postings,
    )


def _hold(h: Mapping[str, Any], where: str) -> Hold:
    return Hold(
        hold_id=str(_field(h, "hold_id", where)),
        account_id=str(_field(h, "account_id", where)),
        amount_cents=parse_cents(_field(h, "amount", where), f"{where}.amount"),
        status=str(h.get("status", "")),
        reference=_optional_str(h.get("reference")),
    )


def _payment(p: Mapping[str, Any], where: str) -> Payment:
    history = tuple(
        StatusChange(str(c.get("status", "")), parse_epoch_s(c.get("at"), f"{where}.history"))
        for c in p.get("history") or []
    )
    return Payment(
        payment_id=str(_field(p, "payment_id", where)),
        idempotency_key=_optional_str(p.get("idempotency_key")),
        end_to_end_id=_optional_str(p.get("end_to_end_id")),
        debtor_account=str(p.get("debtor_account", "")),
        creditor_account=str(p.get("creditor_account", "")),
        amount_cents=parse_cents(_field(p, "amount", where), f"{where}.amount"),
        currency=str(p.get("currency", "PEN")),
        status=str(_field(p, "status", where)),
        reason_code=_optional_str(p.get("reason_code")),
        hold_id=_optional_str(p.get("hold_id")),
        journal_id=_optional_str(p.get("journal_id")),
        submissions=int(p.get("submissions") or 0),
        history=history,
    )


def _message(m: Mapping[str, Any], where: str) -> SchemeMessage:
    return SchemeMessage(
        msg_id=str(_field(m, "msg_id", where)),
        end_to_end_id=str(_field(m, "end_to_end_id", where)),
        amount_cents=parse_cents(_field(m, "amount", where), f"{where}.amount"),
        currency=str(m.get("currency", "PEN")),
        status=str(_field(m, "status", where)),
        reason_code=_optional_str(m.get("reason_code")),
        received_s=parse_epoch_s(m.get("received_at"), f"{where}.received_at"),
    )
