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
_GO_TYPES = {STRING: "string", BOOL: "bool", FLOAT32: "float32"}


def object_of(go_type: str) -> str:
    """The field kind for a JSON object decoded into the Go type `go_type` (named in errors)."""
    return f"{OBJECT} {go_type}"


class BodyError(ValueError):
    """The body is not what the handler expects; the message follows Go's wording."""


class GoFloat(float):
    """A JSON number with a fraction or exponent that keeps its literal text for messages."""

    text: str

    def __new__(cls, text: str) -> GoFloat:
        number = super().__new__(cls, text)
        number.text = text
        return number


def number_text(value: float) -> str:
    """A number as Go's messages quote it: the literal text when it was decoded from JSON."""
    return value.text if isinstance(value, GoFloat) else str(value)


def _no_constants(name: str) -> None:
    raise ValueError(f"invalid character '{name[0]}' looking for beginning of value")


_DECODER = json.JSONDecoder(parse_constant=_no_constants, parse_float=GoFloat)


def decode_first(body: bytes) -> Any:
    """The first JSON value in the body; Go's `EOF` for an empty body."""
    text = body.decode("utf-8", errors="replace")
    start = len(text) - len(text.lstrip(" \t\r\n"))
    if start == len(text):
        raise BodyError("EOF")
    try:
        value, _ = _DECODER.raw_decode(text, start)
    except json.JSONDecodeError as exc:
        raise BodyError(_syntax_error(text, start, exc)) from None
    except ValueError as exc:
        raise BodyError(str(exc)) from None
    except RecursionError:
        raise BodyError("exceeded max depth") from None
    return value


_LITERALS = {"t": "true", "f": "false", "n": "null"}


_PLACES = {
    "Invalid control character": "in string literal",
    "Expecting property name": "looking for beginning of object key string",
    "Expecting ':'": "after object key",
}


def _syntax_error(text: str, start: int, exc: json.JSONDecodeError) -> str:
    """Go's scanner message for the syntax error Python found at `exc.pos`."""
    pos = exc.pos
    if pos >= len(text) or exc.msg.startswith("Unterminated string"):
        return "unexpected EOF"
    if exc.msg.startswith("Invalid \\escape"):
        return f"invalid character {text[pos + 1 : pos + 2]!r} in string escape code"
    place = next((v for k, v in _PLACES.items() if exc.msg.startswith(k)), None)
    if exc.msg.startswith("Expecting ','"):
        inside = _innermost(text, start, pos)
        place = "after object key:value pair" if inside == "{" else "after array element"
    if place is not None:
        return f"invalid character {text[pos]!r} {place}"
    return _value_error(text, pos)


def _value_error(text: str, pos: int) -> str:
    """Go's message for a value that cannot start at `pos`: a broken literal or number."""
    char = text[pos]
    literal = _LITERALS.get(char)
    if literal is None and char == "-":
        following = text[pos + 1 : pos + 2]
        return (
            f"invalid character {following!r} in numeric literal"
            if following
            else ("unexpected EOF")
        )
    for offset, expected in enumerate(literal or ""):
        if pos + offset >= len(text):
            return "unexpected EOF"
        got = text[pos + offset]
        if got != expected:
            return f"invalid character {got!r} in literal {literal} (expecting {expected!r})"
    return f"invalid character {char!r} looking for beginning of value"


def _innermost(text: str, start: int, end: int) -> str:
    """The innermost `{` or `[` still open at `end` (strings skipped)."""
    stack: list[str] = []
    in_string = escaped = False
    for char in text[start:end]:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            stack.append(char)
        elif char in "}]" and stack:
            stack.pop()
    return stack[-1] if stack else ""


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


def decode_struct(
    value: Any, go_type: str, fields: dict[str, str], struct_name: str | None = None
) -> dict[str, Any]:
    """Decode a JSON object into the known fields (name -> kind); only present, non-null ones.

    `null` as the whole value decodes to nothing, as in Go. Field errors name
    `<struct_name>.<field>`; the struct name defaults to `go_type`'s last part ("" for Go's
    anonymous structs).
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
        owner = go_type.rsplit(".", 1)[-1] if struct_name is None else struct_name
        out[name] = _field(item, kind, f"{owner}.{name}")
    return out


def _field(item: Any, kind: str, where: str) -> Any:
    category, _, object_type = kind.partition(" ")
    ok = (
        (kind == STRING and isinstance(item, str))
        or (kind == BOOL and isinstance(item, bool))
        or (category == OBJECT and isinstance(item, dict))
        or (kind == FLOAT32 and isinstance(item, int | float) and not isinstance(item, bool))
    )
    if not ok:
        raise BodyError(
            f"json: cannot unmarshal {kind_of(item)} into Go struct field {where} "
            f"of type {object_type or _GO_TYPES[kind]}"
        )
    if kind == FLOAT32:
        number = float(item)
        if math.isinf(number) or abs(number) > FLOAT32_MAX:
            raise BodyError(
                f"json: cannot unmarshal number {number_text(item)} into Go struct field {where} "
                "of type float32"
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
