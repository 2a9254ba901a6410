"""The shared base of every experiment-file model, and how a model reports a precise problem.

- `SpecModel`: frozen, strict, unknown keys refused with a "did you mean" suggestion.
- `located(reason, *subpath)`: an error whose `ctx["at"]` says where below the failing model
  the problem sits, so the loader can point at the exact key and line.
- `known(kind, valid)`: a validator for names (links, journeys, invariants...) whose error lists
  the valid ones.
- `within(range)`: the field constraint of one of `harness.limits`' finite ranges; no other
  number bounds exist in the schema, and no number is ever infinite or NaN.

This module must not read files or know the YAML source; the loader maps paths to lines.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Mapping
from typing import Any

from annotated_types import Interval
from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from harness.limits import Range

PathPart = str | int
"""One step of a field path: a mapping key or a list index."""

ERROR_TYPE = "spec"
"""pydantic error type of every error raised through `located`."""


def quote(value: object, limit: int = 60) -> str:
    """`repr(value)`, cut to `limit` characters so a pasted blob cannot flood a message."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def suggestion(word: object, valid: Collection[str]) -> str:
    """`" (did you mean 'x'?)"` when `word` is close to one of `valid`, else ``""``."""
    close = difflib.get_close_matches(str(word), list(valid), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def unknown(kind: str, word: object, valid: Collection[str]) -> str:
    """The one-line reason for an unknown name, listing the valid ones."""
    return f"unknown {kind} {quote(word)}{suggestion(word, valid)}; valid: {', '.join(valid)}"


def located(reason: str, *subpath: PathPart) -> PydanticCustomError:
    """A validation error for `reason`, `subpath` below the model or field that raises it."""
    return PydanticCustomError(ERROR_TYPE, "{reason}", {"reason": reason, "at": subpath})


def known(kind: str, valid: Collection[str]) -> Callable[[str], str]:
    """A validator accepting only names in `valid`; the error lists them."""

    def check(name: str) -> str:
        if name not in valid:
            raise located(unknown(kind, name, valid))
        return name

    return check


def within(accepted: Range) -> Interval:
    """The constraint keeping a number field inside `accepted` (a range of `harness.limits`)."""
    low, high = accepted.low, accepted.high
    return Interval(
        gt=low if accepted.open_low else None,
        ge=None if accepted.open_low else low,
        lt=high if accepted.open_high else None,
        le=None if accepted.open_high else high,
    )


def _as_tuple(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


AsTuple = BeforeValidator(_as_tuple)
"""YAML gives lists; frozen models hold tuples (strict mode would refuse the list)."""


class SpecModel(BaseModel):
    """Base of every experiment-file model: frozen, strict, no unknown keys, finite numbers."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, strict=True, populate_by_name=False, allow_inf_nan=False
    )

    @model_validator(mode="before")
    @classmethod
    def _refuse_unknown_keys(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        valid = [field.alias or name for name, field in cls.model_fields.items()]
        for key in data:
            if key not in valid:
                where = key if isinstance(key, str | int) else str(key)
                raise located(unknown("key", key, valid), where)
        return data
