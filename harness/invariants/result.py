"""What an invariant checker returns: a three-valued result with its violations as data.

A checker is a pure function `check(state, samples) -> InvariantResult`. Violations are
grouped by kind, each with a count, the first and the worst case in words, the ids involved
(capped at `MAX_IDS`), the money involved and, where it means something, the time span of the
violating events. This module builds results; it checks nothing itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from harness.history.bankstate import BankState
from harness.history.outcomes import Outcome
from harness.history.samples import Sample

InvariantStatus = Outcome
MAX_IDS = 50


@dataclass(frozen=True)
class Finding:
    """One violating case before grouping: an id, a sentence, the money and when it happened."""

    id: str
    detail: str
    amount_cents: int | None = None
    at_s: float | None = None


@dataclass(frozen=True)
class Violation:
    kind: str
    count: int
    first: str
    worst: str
    ids: tuple[str, ...]
    amount_cents: int | None = None
    span_s: float | None = None

    @classmethod
    def of(cls, kind: str, findings: Sequence[Finding]) -> Violation:
        """Group findings of one kind: first by time, worst by money, ids capped at MAX_IDS."""
        if not findings:
            raise ValueError(f"violation {kind}: no findings to group")
        timed = [f for f in findings if f.at_s is not None]
        first = min(timed, key=lambda f: f.at_s or 0.0) if timed else findings[0]
        worst = max(findings, key=lambda f: abs(f.amount_cents or 0))
        amounts = [f.amount_cents for f in findings if f.amount_cents is not None]
        times = [f.at_s for f in timed if f.at_s is not None]
        return cls(
            kind=kind,
            count=len(findings),
            first=first.detail,
            worst=worst.detail,
            ids=tuple(f.id for f in findings[:MAX_IDS]),
            amount_cents=sum(amounts) if amounts else None,
            span_s=max(times) - min(times) if times else None,
        )


@dataclass(frozen=True)
class InvariantResult:
    name: str
    status: InvariantStatus
    violations: tuple[Violation, ...]
    summary: str


Checker = Callable[[BankState, Sequence[Sample]], InvariantResult]


def verdict_of(
    name: str, groups: Sequence[tuple[str, Sequence[Finding]]], ok_summary: str
) -> InvariantResult:
    """`failed` with one violation per non-empty group, else `ok` with `ok_summary`."""
    violations = tuple(Violation.of(kind, found) for kind, found in groups if found)
    if not violations:
        return InvariantResult(name, "ok", (), ok_summary)
    parts = ", ".join(f"{v.count} {v.kind.replace('_', ' ')}" for v in violations)
    return InvariantResult(
        name, "failed", violations, f"{name} violated: {parts}; first: {violations[0].first}"
    )


def undecided(name: str, why: str) -> InvariantResult:
    """`unknown`: the history holds no evidence either way, `why` says what is missing."""
    return InvariantResult(name, "unknown", (), why)


def money(cents: int) -> str:
    """Cents as a signed amount with two decimals: -1230 -> "-12.30"."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"
