"""A check: one bar of an experiment held against a run, with its judgement and its figures.

Every check has a `CheckId` and a judgement (pass, fail, unknown; see `history.outcomes`).
`safely` turns a check whose computation crashed into an `unknown` one naming the exception,
so a broken check never aborts the verdict (Jepsen's check-safe).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from harness.history.outcomes import Judgement
from harness.spec.check_ids import CheckId, CheckIdText

EPSILON = 1e-9


@dataclass(frozen=True)
class Check:
    id: CheckIdText
    status: Judgement
    reason: str
    measured: float | None = None
    target: float | None = None

    @property
    def kind(self) -> str:
        return self.id.kind


def safely(check_id: CheckId, compute: Callable[[], Check]) -> Check:
    """The check `compute` returns, or `unknown` naming the exception it raised."""
    try:
        return compute()
    except Exception as exc:  # a crashing check is unknown, it must not abort the verdict
        return Check(check_id, "unknown", f"{check_id} crashed: {type(exc).__name__}: {exc}")
