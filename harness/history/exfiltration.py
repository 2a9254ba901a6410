"""What a breach drill read: the `exfiltrate` fault's record, `exfiltration.jsonl`, typed.

The fault (`harness/faults/exfiltrate.py`) writes one line per answer the attacker got:
`at_s`, `customer`, `kind` (login, accounts or movements), `status` (null: no answer),
`honeytoken`, `items` (accounts or movements in the answer). `read_exfiltration` reads them
back; `leak_of` says how much leaked: whose data the attacker got, how many items, how many
requests the bank refused. This module judges nothing (the analysis does) and writes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

EXFILTRATION_FILE = "exfiltration.jsonl"

ReadKind = Literal["login", "accounts", "movements"]


@dataclass(frozen=True)
class StolenRead:
    """One request of the attacker and what came back."""

    at_s: float
    customer: str
    kind: ReadKind
    status: int | None
    honeytoken: bool
    items: int

    @property
    def answered_ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True)
class Leak:
    """How much a drill got: real customers whose accounts or movements it read, and items."""

    requests: int
    logins_ok: int
    customers_read: tuple[str, ...]
    items_read: int
    refused: int
    """Requests answered 4xx (a bank that stops the attacker: revoked, throttled, locked)."""
    first_at_s: float | None
    last_at_s: float | None


def read_exfiltration(run_dir: Path) -> tuple[StolenRead, ...]:
    """The drill's reads in the order made; () when the run had no drill. A torn last line
    (a writer cut off) is skipped."""
    path = run_dir / EXFILTRATION_FILE
    if not path.is_file():
        return ()
    reads: list[StolenRead] = []
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            if not line.endswith("\n"):
                break
            raw = json.loads(line)
            reads.append(
                StolenRead(
                    at_s=float(raw["at_s"]),
                    customer=str(raw["customer"]),
                    kind=cast(ReadKind, raw["kind"]),
                    status=None if raw["status"] is None else int(raw["status"]),
                    honeytoken=bool(raw["honeytoken"]),
                    items=int(raw["items"]),
                )
            )
    return tuple(reads)


def leak_of(reads: Iterable[StolenRead]) -> Leak:
    """Sum up a drill; honeytokens own nothing, so they never count as customers read."""
    made = list(reads)
    read = [r for r in made if r.kind != "login" and r.answered_ok and not r.honeytoken]
    return Leak(
        requests=len(made),
        logins_ok=sum(1 for r in made if r.kind == "login" and r.answered_ok),
        customers_read=tuple(dict.fromkeys(r.customer for r in read if r.items > 0)),
        items_read=sum(r.items for r in read),
        refused=sum(1 for r in made if r.status is not None and 400 <= r.status < 500),
        first_at_s=made[0].at_s if made else None,
        last_at_s=made[-1].at_s if made else None,
    )
