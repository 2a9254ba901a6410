"""Problems in experiment files: where (file, field path, line) and why, on one line each.

`problems_from_validation` turns pydantic's errors into `Problem`s whose paths follow what the
user wrote (`timeline[2].link`, not pydantic's internal union tags) and whose reasons read as
advice, not as library jargon. Pure: it reads no file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from harness.spec.actions import ACTION_KINDS
from harness.spec.base import ERROR_TYPE, PathPart, quote, suggestion, unknown
from harness.spec.source import Path, Source


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file; `line` is 1-based, None when the file has no lines."""

    file: str
    field_path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        place = self.file if self.line is None else f"{self.file}:{self.line}"
        return (
            f"{place}: {self.field_path}: {self.reason}"
            if self.field_path
            else (f"{place}: {self.reason}")
        )


def format_path(path: Sequence[PathPart]) -> str:
    """`("timeline", 2, "link")` -> `"timeline[2].link"`."""
    text = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            text += f"[{part}]"
        else:
            name = str(part) if len(str(part)) <= 40 else f"{str(part)[:37]}..."
            text += f".{name}" if text else name
    return text


_PATTERN_ADVICE = {
    r"^[a-z0-9]+(-[a-z0-9]+)*$": "must be a slug: lower-case letters and digits joined by '-'",
    r"^https?://\S+$": "must be an http(s) URL",
}


def describe(value: object) -> str:
    """How a YAML value reads to a user: "string 'abc'", "a list", "nothing (null)"."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    kind = {"str": "string", "int": "integer", "float": "number"}.get(type(value).__name__)
    return f"{kind or type(value).__name__} {quote(value)}"


def _user_path(data: object, loc: Sequence[Any]) -> tuple[Path, bool]:
    """`loc` without pydantic's union tags and `[key]` marks; True when the error is a key's."""
    path: list[PathPart] = []
    node = data
    is_key = False
    arrived = True  # just stepped into `node`: where pydantic puts a union's tag
    for part in loc:
        if part == "[key]":
            is_key = True
            continue
        if arrived and isinstance(node, Mapping) and node.get("action") == part:
            arrived = False
            continue  # the discriminated-union tag, which the user never wrote
        path.append(part)
        node = _child(node, part)
        arrived = True
    return tuple(path), is_key


def _child(node: object, part: object) -> object:
    if isinstance(node, Mapping):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def _shape(value: object, wanted: str) -> str:
    return f"expected {wanted}, got {describe(value)}"


def _not_one_of(value: object, expected: str) -> str:
    valid = re.findall(r"'([^']*)'", expected)
    return f"{describe(value)} is not one of: {', '.join(valid)}{suggestion(value, valid)}"


_REASONS: Mapping[str, Callable[[Mapping[str, Any], object, str], tuple[str, Path]]] = {
    ERROR_TYPE: lambda ctx, _v, _m: (str(ctx["reason"]), tuple(ctx.get("at", ()))),
    "missing": lambda _c, _v, _m: ("missing required key", ()),
    "union_tag_invalid": lambda ctx, _v, _m: (
        unknown("action", ctx.get("tag"), ACTION_KINDS),
        ("action",),
    ),
    "union_tag_not_found": lambda _c, _v, _m: (
        f"missing 'action'; one of: {', '.join(ACTION_KINDS)}",
        ("action",),
    ),
    "model_type": lambda _c, value, _m: (_shape(value, "a mapping (key: value lines)"), ()),
    "model_attributes_type": lambda _c, value, _m: (_shape(value, "a mapping"), ()),
    "dict_type": lambda _c, value, _m: (_shape(value, "a mapping"), ()),
    "tuple_type": lambda _c, value, _m: (_shape(value, "a list"), ()),
    "list_type": lambda _c, value, _m: (_shape(value, "a list"), ()),
    "string_pattern_mismatch": lambda ctx, value, message: (
        f"{_PATTERN_ADVICE.get(str(ctx.get('pattern')), message)}, got {describe(value)}",
        (),
    ),
    "value_error": lambda _c, _v, message: (message.removeprefix("Value error, "), ()),
    "literal_error": lambda ctx, value, _m: (_not_one_of(value, str(ctx.get("expected"))), ()),
    "date_from_datetime_parsing": lambda _c, value, _m: (_shape(value, "a date (2024-10-30)"), ()),
    "date_parsing": lambda _c, value, _m: (_shape(value, "a date (2024-10-30)"), ()),
    "date_type": lambda _c, value, _m: (_shape(value, "a date (2024-10-30)"), ()),
}
"""User-facing reason (and any path below the error's location) by pydantic error type."""


def _reason(error: Mapping[str, Any]) -> tuple[str, Path]:
    """The user-facing reason, and any path to append below the error's location."""
    ctx, value, message = error.get("ctx") or {}, error.get("input"), str(error["msg"])
    explain = _REASONS.get(error["type"])
    if explain is not None:
        return explain(ctx, value, message)
    return f"{message[:1].lower()}{message[1:]}, got {describe(value)}", ()


def _one(file: str, source: Source, error: Mapping[str, Any]) -> Iterator[Problem]:
    base, is_key = _user_path(source.data, error["loc"])
    reason, below = _reason(error)
    findings = (error.get("ctx") or {}).get("all")
    if findings:  # the experiment's cross-field checks: every finding, not only the first
        for sub, text in findings:
            path = (*base, *sub)
            yield Problem(file, format_path(path), source.line_of(path), text)
        return
    path = (*base, *below)
    if error["type"] == "missing":
        reason = f"missing required key {quote(path[-1])}" if path else reason
    if is_key and error["type"] != ERROR_TYPE:
        reason = f"key {quote(path[-1])}: {reason}" if path else reason
    yield Problem(file, format_path(path), source.line_of(path), reason)


def problems_from_validation(file: str, source: Source, exc: ValidationError) -> list[Problem]:
    """One problem per pydantic error, located in the file, in line order."""
    problems = [p for error in exc.errors() for p in _one(file, source, error)]
    return sorted(problems, key=lambda p: p.line or 0)
