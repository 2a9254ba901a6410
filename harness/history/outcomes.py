"""The one vocabulary of outcomes, for every thing a run records or judges.

An *operation* (a customer request, a timeline step, an invariant checker's finding) ends
`ok`, `failed` or `unknown`: unknown means the effect may or may not have happened (a
timeout, a cut connection, an interrupted heal), as Jepsen's `:info`. A *judgement* (a check,
a run's verdict) is `pass`, `fail` or `unknown` (undecided), the words experiment files use in
`expect`. `judged` is the one mapping from the first to the second.
"""

from __future__ import annotations

from typing import Literal

Outcome = Literal["ok", "failed", "unknown"]
Judgement = Literal["pass", "fail", "unknown"]

_JUDGED: dict[Outcome, Judgement] = {"ok": "pass", "failed": "fail", "unknown": "unknown"}


def judged(outcome: Outcome) -> Judgement:
    """The judgement an operation's outcome gives: ok passes, failed fails, unknown stays."""
    return _JUDGED[outcome]
