"""The invariants' violations in detail, recomputed offline from a run's stored exports.

`result.json` keeps only each invariant's one-line summary; the report also wants counts,
first and worst cases and the offending transfer ids. Those come from running the same pure
checkers again on the bank state rebuilt from `exports/` and the samples, exactly as the
analysis did. Reads the exports; writes nothing; never raises for a broken export (it says
why instead).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.errors import HarnessError
from harness.history.exports import bank_state, read_exports
from harness.invariants import InvariantResult, run_invariants
from harness.invariants.result import money
from harness.report.runfolder import RunFolder


@dataclass(frozen=True)
class ViolationRow:
    """One kind of violation of one invariant, ready to show."""

    invariant: str
    kind: str
    count: int
    first: str
    worst: str
    ids: tuple[str, ...]
    amount: str | None


@dataclass(frozen=True)
class InvariantDetails:
    results: tuple[InvariantResult, ...]
    problem: str

    def rows(self) -> list[ViolationRow]:
        """Every violation of every invariant, in the invariants' order."""
        return [
            ViolationRow(
                r.name,
                v.kind.replace("_", " "),
                v.count,
                v.first,
                v.worst,
                v.ids,
                None if v.amount_cents is None else money(v.amount_cents),
            )
            for r in self.results
            for v in r.violations
        ]


def invariant_names(checks: Sequence[dict[str, object]]) -> list[str]:
    """The invariants a result checked, from its `invariant:<name>` check ids."""
    return [
        str(c["id"]).split(":", 1)[1]
        for c in checks
        if str(c.get("id", "")).startswith("invariant:")
    ]


def invariant_details(run: RunFolder) -> InvariantDetails:
    """Re-run the run's invariant checkers on its exports; a problem string when impossible."""
    names = invariant_names(run.result.get("checks", []))
    if not names:
        return InvariantDetails((), "")
    if not (run.path / "exports").is_dir():
        return InvariantDetails((), "the run folder has no exports/ to re-check")
    state, problem = bank_state(read_exports(run.path / "exports"))
    if state is None:
        return InvariantDetails((), problem)
    try:
        return InvariantDetails(run_invariants(names, state, run.samples), "")
    except HarnessError as exc:
        return InvariantDetails((), str(exc))
