"""Check ids: `kind:subject[:phase][:metric]`, one value type with one parser and one formatter.

Experiments cite check ids in `expect.because` (`invariant:exactly_once`,
`slo:balance:fault:availability`, `recovery:transfer`, `abort:transfer`); the analysis gives
every check such an id. `CheckId.parse` is the only place that splits one, `str()` the only
place that joins one. Which kinds exist is the analysis's registry (`harness.analysis.kinds`);
this module knows only the shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer

MAX_PARTS = 4


@dataclass(frozen=True, order=True)
class CheckId:
    kind: str
    subject: str
    phase: str | None = None
    metric: str | None = None

    def __post_init__(self) -> None:
        parts = [self.kind, self.subject, self.phase, self.metric]
        if not self.kind or not self.subject or any(p == "" for p in parts):
            raise ValueError(f"check id {self}: every part must be non-empty")
        if any(p is not None and ":" in p for p in parts):
            raise ValueError(f"check id parts must not contain ':' ({parts})")

    @classmethod
    def parse(cls, text: str) -> CheckId:
        """`slo:balance:fault:p99` -> CheckId("slo", "balance", "fault", "p99")."""
        parts = text.split(":")
        if not 2 <= len(parts) <= MAX_PARTS or any(not p for p in parts):
            raise ValueError(
                f"{text!r} is not a check id (kind:subject[:phase][:metric], "
                f"e.g. invariant:exactly_once or slo:balance:fault:availability)"
            )
        return cls(*parts)

    @classmethod
    def coerce(cls, value: Any) -> Any:
        """Pydantic's pre-validator: a string becomes a CheckId; anything else passes on."""
        return cls.parse(value) if isinstance(value, str) else value

    def __str__(self) -> str:
        return ":".join(p for p in (self.kind, self.subject, self.phase, self.metric) if p)


CheckIdText = Annotated[
    CheckId, BeforeValidator(CheckId.coerce), PlainSerializer(str, return_type=str)
]
"""A CheckId that documents store as its text (`"recovery:transfer"`)."""
