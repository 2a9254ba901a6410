"""Hypothesis strategies for hostile requests: what the security review threw at the bank.

A hostile body is a valid template with one field replaced by a hostile value (a lone
surrogate, a control character, another script's digits, a huge or non-finite number, a wrong
type, JSON nested past the limit), or raw bytes no template produced (50,000-deep nesting, a
body past every service's limit, bytes that are not UTF-8, NaN). Hostile ids go into paths
percent-encoded (NUL, CR/LF, surrogates); hostile idempotency keys into the header.
This module only generates; it must not send anything.
"""

from __future__ import annotations

import json
import string
from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st

SURROGATE = st.integers(min_value=0xD800, max_value=0xDFFF).map(chr)
CONTROL = st.sampled_from(["\x00", "\r\n", "\n", "\r", "\t", "\x7f", "\x1b", "\x0b"])
OTHER_DIGITS = st.sampled_from(
    [
        "\u0661\u0660.\u0660\u0660",  # Arabic-Indic 10.00
        "\u06f1\u06f0.\u06f0\u06f0",  # Extended Arabic-Indic
        "\uff11\uff10.\uff10\uff10",  # full-width
        "10.\u0660\u0660",
        "\U0001d7cf\U0001d7ce.00",  # mathematical bold
        "\u0967\u0966.00",  # Devanagari
    ]
)
_SHORT = st.text(string.ascii_letters + string.digits + "-", max_size=6)


def _around(middle: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(_SHORT, middle, _SHORT).map("".join)


HOSTILE_TEXT = st.one_of(
    _around(SURROGATE),
    _around(CONTROL),
    OTHER_DIGITS,
    st.from_regex(r"[0-9]{11,40}\.[0-9]{2}", fullmatch=True),  # beyond any bound
    st.from_regex(r"-?[0-9]{1,3}\.[0-9]{3,6}", fullmatch=True),  # too many decimals
    st.text(min_size=65, max_size=400),
    st.just(""),
    st.text(max_size=12),
)


def _nested(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = [value]
    return value


HOSTILE_VALUE = st.one_of(
    HOSTILE_TEXT,
    st.integers(min_value=2**63, max_value=10**40),
    st.integers(min_value=-(10**40), max_value=-(2**63) - 1),
    st.integers(),
    st.floats(),  # NaN and infinities too: json.dumps writes them as NaN/Infinity
    st.booleans(),
    st.none(),
    st.integers(min_value=33, max_value=400).map(_nested),
    st.lists(HOSTILE_TEXT, max_size=3),
    st.dictionaries(HOSTILE_TEXT, HOSTILE_TEXT, max_size=2),
)

RAW_BODIES = st.one_of(
    st.integers(min_value=50_000, max_value=120_000).map(lambda n: b"[" * n + b"]" * n),
    st.integers(min_value=50_000, max_value=120_000).map(lambda n: b'{"a":' * n + b"1"),
    st.integers(min_value=70 * 1024, max_value=4 * 1024 * 1024).map(
        lambda n: b'{"remittance": "' + b"x" * n + b'"}'
    ),
    st.binary(min_size=1, max_size=64).filter(lambda raw: not _is_utf8(raw)),
    st.sampled_from(
        [
            b'{"amount": NaN}',
            b'{"amount": Infinity, "expires_in_s": -Infinity}',
            b'{"password": "\xed\xa0\x80"}',
            b'{"customer_id": "' + b"9" * 5000 + b'"}',
            b'{"epoch": ' + b"9" * 5000 + b"}",
            b"[]",
            b'"just a string"',
            b"12",
            b"null",
        ]
    ),
)


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def hostile_body(template: dict[str, Any]) -> st.SearchStrategy[bytes]:
    """A template with one field (or a new one) made hostile, or raw hostile bytes."""
    fields = st.sampled_from([*template, "extra"]) if template else st.just("extra")
    mutated = st.tuples(fields, HOSTILE_VALUE).map(
        lambda change: json.dumps({**template, change[0]: change[1]}).encode()
    )
    return st.one_of(mutated, mutated, RAW_BODIES)


HOSTILE_ID = st.one_of(
    _around(SURROGATE),
    _around(CONTROL),
    st.text(min_size=65, max_size=200),
    st.text(min_size=1, max_size=12),
    st.just("a b"),
)


def path_segment(text: str) -> str:
    """`text` percent-encoded as one path segment (a lone surrogate as its raw UTF-8 bytes)."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


HOSTILE_KEY = st.one_of(
    st.uuids().map(str),
    st.uuids().map(str),
    st.sampled_from(["has space", "k" * 65, "k" * 300, "a/b?c=d", "semi;colon", "quote'"]),
)
"""Idempotency keys: mostly good ones (so the body is judged), some outside the alphabet."""
