"""JSON the way Toxiproxy's Go server reads and writes it.

Decoding: only the first JSON value of a body is read (trailing bytes ignored), object keys
match field names case-insensitively, unknown keys are ignored, `null` leaves the default, and
type mismatches fail with Go-like `json: cannot unmarshal ...` messages. Encoding: compact,
`<`, `>`, `&` escaped as Go does, float32 numbers printed at float32 precision.
This module must not know about proxies or HTTP.
"""

from __future__ import annotations

import json
import math
import struct
from decimal import Decimal
from typing import Any

FLOAT32_MAX = 3.4028234663852886e38

STRING, BOOL, FLOAT32, OBJECT = "string", "bool", "float32", "object"
_GO_TYPES = {STRING: "string", BOOL: "bool", FLOAT32: "float32", OBJECT: "map[string]any"}


class BodyError(ValueError):
    """The body is not what the handler expects; the message follows Go's wording."""


def _no_constants(name: str) -> None:
    raise ValueError(f"invalid character '{name[0]}' looking for beginning of value")


_DECODER = json.JSONDecoder(parse_constant=_no_constants)


def decode_first(body: bytes) -> Any:
    """The first JSON value in the body; Go's `EOF` for an empty body."""
    text = body.decode("utf-8", errors="replace")
    start = len(text) - len(text.lstrip(" \t\r\n"))
    if start == len(text):
        raise BodyError("EOF")
    try:
        value, _ = _DECODER.raw_decode(text, start)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text):
            raise BodyError("unexpected EOF") from None
        char = text[exc.pos]
        raise BodyError(f"invalid character {char!r} looking for beginning of value") from None
    except ValueError as exc:
        raise BodyError(str(exc)) from None
    except RecursionError:
        raise BodyError("exceeded max depth") from None
    return value


def kind_of(value: Any) -> str:
    """The JSON kind Go names in unmarshal errors."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def decode_struct(value: Any, go_type: str, fields: dict[str, str]) -> dict[str, Any]:
    """Decode a JSON object into the known fields (name -> kind); only present, non-null ones.

    `null` as the whole value decodes to nothing, as in Go.
    """
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BodyError(f"json: cannot unmarshal {kind_of(value)} into Go value of type {go_type}")
    out: dict[str, Any] = {}
    for key, item in value.items():
        name = key.lower()
        kind = fields.get(name)
        if kind is None or item is None:
            continue
        out[name] = _field(item, kind, f"{go_type.rsplit('.', 1)[-1]}.{name}")
    return out


def _field(item: Any, kind: str, where: str) -> Any:
    ok = (
        (kind == STRING and isinstance(item, str))
        or (kind == BOOL and isinstance(item, bool))
        or (kind == OBJECT and isinstance(item, dict))
        or (kind == FLOAT32 and isinstance(item, int | float) and not isinstance(item, bool))
    )
    if not ok:
        raise BodyError(
            f"json: cannot unmarshal {kind_of(item)} into Go struct field {where} "
            f"of type {_GO_TYPES[kind]}"
        )
    if kind == FLOAT32:
        number = float(item)
        if math.isinf(number) or abs(number) > FLOAT32_MAX:
            raise BodyError(
                f"json: cannot unmarshal number {item} into Go struct field {where} of type float32"
            )
        return to_float32(number)
    return item


def to_float32(number: float) -> float:
    """Round to the nearest float32."""
    result: float = struct.unpack("f", struct.pack("f", number))[0]
    return result


def format_float32(number: float) -> str:
    """Shortest text that reads back as the same float32, formatted as Go's JSON does."""
    value = to_float32(number)
    if value == 0:
        return "0"
    text = repr(value)
    for digits in range(1, 10):
        candidate = f"{value:.{digits}g}"
        if to_float32(float(candidate)) == value:
            text = candidate
            break
    magnitude = abs(value)
    if magnitude < 1e-6 or magnitude >= 1e21:
        mantissa, _, exponent = f"{Decimal(text):e}".partition("e")
        if "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}e{int(exponent)}"
    plain = format(Decimal(text), "f")
    if "." in plain:
        plain = plain.rstrip("0").rstrip(".")
    return plain


def encode(value: Any) -> str:
    """Compact JSON with Go's HTML-safe escaping; dicts keep their insertion order."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
