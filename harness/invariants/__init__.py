"""The invariant checkers, one module each, registered by name in `INVARIANTS`.

Adding an invariant is one new module with `check(state, samples) -> InvariantResult` and one
line in the table below. `run_invariant` never lets a checker's crash abort the analysis: it
becomes an `unknown` result naming the exception (as Jepsen's check-safe).
Importing this package registers nothing by side effect and touches no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from harness.errors import ConfigError
from harness.history.bankstate import BankState
from harness.history.samples import Sample
from harness.invariants import (
    acknowledged_durable,
    exactly_once,
    money_conserved,
    no_cross_customer_access,
    no_negative_balances,
    no_status_flip,
    old_tokens_refused,
    payments_reconciled,
    weak_password_refused,
)
from harness.invariants.result import (
    Checker,
    Finding,
    InvariantResult,
    InvariantStatus,
    Violation,
)

__all__ = [
    "INVARIANTS",
    "Checker",
    "Finding",
    "InvariantResult",
    "InvariantStatus",
    "Violation",
    "checker_named",
    "run_invariant",
    "run_invariants",
]

INVARIANTS: Mapping[str, Checker] = {
    "money_conserved": money_conserved.check,
    "no_negative_balances": no_negative_balances.check,
    "exactly_once": exactly_once.check,
    "acknowledged_durable": acknowledged_durable.check,
    "payments_reconciled": payments_reconciled.check,
    "no_status_flip": no_status_flip.check,
    "old_tokens_refused": old_tokens_refused.check,
    "weak_password_refused": weak_password_refused.check,
    "no_cross_customer_access": no_cross_customer_access.check,
}


def checker_named(name: str) -> Checker:
    """The checker registered as `name`; ConfigError listing the valid names otherwise."""
    try:
        return INVARIANTS[name]
    except KeyError:
        valid = ", ".join(sorted(INVARIANTS))
        raise ConfigError(f"invariant {name!r} is unknown; valid invariants: {valid}") from None


def run_invariant(name: str, state: BankState, samples: Sequence[Sample]) -> InvariantResult:
    """Run one checker; a crash inside it gives `unknown` with the exception, not a raise."""
    checker = checker_named(name)
    try:
        return checker(state, samples)
    except Exception as exc:  # a broken checker must not abort the analysis
        return InvariantResult(
            name, "unknown", (), f"{name} checker crashed: {type(exc).__name__}: {exc}"
        )


def run_invariants(
    names: Sequence[str], state: BankState, samples: Sequence[Sample]
) -> tuple[InvariantResult, ...]:
    """Run the named checkers in order; every name is validated before any runs."""
    for name in names:
        checker_named(name)
    return tuple(run_invariant(name, state, samples) for name in names)
