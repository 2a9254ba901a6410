"""Versioned JSON documents of frozen dataclasses: how `run.json` and `result.json` are stored.

A document is one dataclass serialised with its schema name (`"schema": "bank-chaos/run/v2"`)
and read back into the same type. A file written by another schema version, or none, is refused
with one line naming the file, the version found and the version this harness reads, never
half-read. Pure conversion plus the two file edges (`write_document`, `read_document`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from harness.errors import ConfigError

T = TypeVar("T")


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def _adapter(kind: type[Any]) -> TypeAdapter[Any]:
    """One pydantic adapter per document type, built on first use."""
    if kind not in _ADAPTERS:
        _ADAPTERS[kind] = TypeAdapter(kind)
    return _ADAPTERS[kind]


def to_document(value: object, schema: str) -> dict[str, Any]:
    """The JSON-ready form of a dataclass value, with its schema name first."""
    body: dict[str, Any] = _adapter(type(value)).dump_python(value, mode="json")
    return {"schema": schema, **body}


def from_document(kind: type[T], document: object, schema: str, where: str) -> T:
    """The value of `kind` stored in `document`; ConfigError when its schema is not `schema`."""
    if not isinstance(document, dict):
        raise ConfigError(f"{where}: expected a JSON object, found {type(document).__name__}")
    found = document.get("schema")
    if found != schema:
        written = f"schema {found}" if found else "no schema version (an older harness)"
        raise ConfigError(
            f"{where}: written with {written}; this harness reads {schema}: run the experiment "
            f"again to get a new run folder"
        )
    body = {k: v for k, v in document.items() if k != "schema"}
    try:
        value: T = _adapter(kind).validate_python(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        path = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{where}: {path}: {first['msg']}") from None
    return value


def write_document(path: Path, value: object, schema: str) -> Path:
    """Write `value` atomically (a temporary file, then a rename) as a schema'd document."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(to_document(value, schema), indent=2, allow_nan=False))
    tmp.replace(path)
    return path


def read_document(kind: type[T], path: Path, schema: str) -> T:
    """The `kind` stored at `path`; ConfigError naming the file for any problem."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot read it as JSON: {exc}") from exc
    return from_document(kind, document, schema, str(path))
