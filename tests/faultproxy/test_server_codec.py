"""Go-compatible JSON decoding and encoding (pure functions, no sockets)."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.faultproxy.codec import (
    BOOL,
    FLOAT32,
    STRING,
    BodyError,
    decode_first,
    decode_struct,
    encode,
    format_float32,
)

FIELDS = {"name": STRING, "enabled": BOOL, "toxicity": FLOAT32}


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.0, "1"),
        (0.2, "0.2"),
        (0.5, "0.5"),
        (0.0, "0"),
        (2.5, "2.5"),
        (-1.0, "-1"),
        (100.0, "100"),
        (0.1, "0.1"),
        (1e-7, "1e-7"),
        (3e21, "3e21"),
    ],
)
def test_float32_prints_like_go(value, text):
    """float32 values print as Go's encoding/json prints them."""
    assert format_float32(value) == text


@given(st.floats(width=32, allow_nan=False, allow_infinity=False))
def test_float32_text_reads_back_exactly(value):
    """The printed text always reads back as the same float32."""
    printed = format_float32(value)
    back = struct.unpack("f", struct.pack("f", float(printed)))[0]
    assert back == value or (back == 0 and value == 0)


def test_first_value_only_and_case_insensitive_keys():
    """Only the first JSON value is read; keys match fields case-insensitively."""
    value = decode_first(b' {"NaMe": "a", "Enabled": false, "extra": 1} {"name": "b"} junk')
    assert decode_struct(value, "toxiproxy.Proxy", FIELDS) == {"name": "a", "enabled": False}


def test_null_means_default():
    """A null field or a null document leaves the defaults."""
    assert decode_struct(decode_first(b'{"name": null}'), "x.T", FIELDS) == {}
    assert decode_struct(decode_first(b"null"), "x.T", FIELDS) == {}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "EOF"),
        (b"\n\t ", "EOF"),
        (b'{"a": 1', "unexpected EOF"),
        (b"}", "invalid character '}' looking for beginning of value"),
        (b"NaN", "invalid character 'N' looking for beginning of value"),
        (b'{"a" 1}', "invalid character '1' after object key"),
        (b'{"a":1 "b":2}', "invalid character '\"' after object key:value pair"),
        (b'{"a":"\\"", "b" 1}', "invalid character '1' after object key"),
        (b"[1 2]", "invalid character '2' after array element"),
        (b"{1:2}", "invalid character '1' looking for beginning of object key string"),
        (b'{"a":1,}', "invalid character '}' looking for beginning of object key string"),
        (b'{"a":"x\ny"}', "invalid character '\\n' in string literal"),
        (b'{"a":"\\q"}', "invalid character 'q' in string escape code"),
        (b'{"a":"\\"}', "unexpected EOF"),
        (b'{"a":tru}', "invalid character '}' in literal true (expecting 'e')"),
        (b"nonsense", "invalid character 'o' in literal null (expecting 'u')"),
        (b"falsy", "invalid character 'y' in literal false (expecting 'e')"),
        (b"-x", "invalid character 'x' in numeric literal"),
        (b'{"a":[1,]}', "invalid character ']' looking for beginning of value"),
    ],
)
def test_decode_errors_use_go_wording(body, message):
    """Syntax errors read like Go's decoder errors (texts taken from Toxiproxy 2.8.0)."""
    with pytest.raises(BodyError) as raised:
        decode_first(body)
    assert str(raised.value) == message


def test_type_mismatch_names_the_field():
    """A wrongly typed field names the Go struct field and type."""
    with pytest.raises(
        BodyError, match=r"cannot unmarshal string into Go struct field Proxy\.enabled of type bool"
    ):
        decode_struct({"enabled": "yes"}, "toxiproxy.Proxy", FIELDS)
    with pytest.raises(BodyError, match="cannot unmarshal bool into Go struct field"):
        decode_struct({"toxicity": True}, "toxics.ToxicWrapper", FIELDS)


def test_encode_escapes_html_like_go():
    """<, > and & are escaped as \\u003c, \\u003e, \\u0026; non-ASCII stays UTF-8."""
    assert encode({"n": "<a&b>é"}) == '{"n":"\\u003ca\\u0026b\\u003eé"}'
