"""The one formats module: instants, money strings and fingerprints, as the exports show them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from targets.formats import (
    MAX_AMOUNT_CENTS,
    fingerprint,
    format_cents,
    iso_utc,
    parse_cents,
    parse_request_cents,
)
from targets.payments.wire import amount_cents


def test_instants_are_iso_utc_with_milliseconds_and_z() -> None:
    """docs/bank-api.md's timestamps: `YYYY-MM-DDTHH:MM:SS.mmmZ`, truncated to the ms."""
    assert iso_utc(0) == "1970-01-01T00:00:00.000Z"
    assert iso_utc(1_772_357_400.2509) == "2026-03-01T09:30:00.250Z"


@pytest.mark.parametrize(
    ("cents", "text"),
    [(0, "0.00"), (5, "0.05"), (-5, "-0.05"), (12_050, "120.50"), (-1_250, "-12.50")],
)
def test_cents_become_two_place_money_strings(cents: int, text: str) -> None:
    assert format_cents(cents) == text


@pytest.mark.parametrize(
    ("text", "cents"),
    [("120.5", 12_050), ("120", 12_000), ("-0.05", -5), ("007.10", 710)],
)
def test_money_strings_become_cents(text: str, cents: int) -> None:
    assert parse_cents(text) == cents


@pytest.mark.parametrize(
    "text", ["1.005", "", ".5", "1.", "+1.00", "1e3", "1,00", " 1.00", "1.00\n", "١٢", "1" * 16]
)
def test_what_is_not_a_two_place_decimal_is_refused_not_rounded(text: str) -> None:
    with pytest.raises(ValueError, match="not a decimal with at most 2 places"):
        parse_cents(text)


@given(st.integers(min_value=-(10**17) + 1, max_value=10**17 - 1))
def test_money_round_trips(cents: int) -> None:
    assert parse_cents(format_cents(cents)) == cents


def test_payment_amounts_are_positive_with_ten_digits_at_most() -> None:
    """Payments read amounts through the same parser, within their own bounds."""
    assert amount_cents("120.5") == 12_050
    assert amount_cents("9999999999.99") == MAX_AMOUNT_CENTS == 10**12 - 1
    for refused in ("0", "0.00", "-1.00", "10000000000", "1.005", "abc", ARABIC_TEN, WIDE_TEN):
        assert amount_cents(refused) is None


ARABIC_TEN = "\u0661\u0660.\u0660\u0660"  # Arabic-Indic 10.00
WIDE_TEN = "\uff11\uff10.\uff10\uff10"  # full-width 10.00
OTHER_DIGITS = (
    ARABIC_TEN,
    WIDE_TEN,
    "\u06f1\u06f0.\u06f0\u06f0",  # Extended Arabic-Indic (Persian)
    "10.\u0660\u0660",  # mixed scripts
    "\U0001d7cf\U0001d7ce.00",  # mathematical bold
    "\u0967\u0966.00",  # Devanagari
)


@pytest.mark.parametrize("text", OTHER_DIGITS)
def test_other_scripts_digits_are_refused_though_int_reads_them(text: str) -> None:
    """Python's int() and Decimal read these as 10; a bank amount is ASCII digits only."""
    with pytest.raises(ValueError, match="not a decimal"):
        parse_cents(text)
    with pytest.raises(ValueError, match="not a decimal"):
        parse_request_cents(text)


@given(st.integers(min_value=-MAX_AMOUNT_CENTS, max_value=MAX_AMOUNT_CENTS))
def test_request_amounts_round_trip_within_the_bound(cents: int) -> None:
    assert parse_request_cents(format_cents(cents)) == cents


@pytest.mark.parametrize("cents", [MAX_AMOUNT_CENTS + 1, -MAX_AMOUNT_CENTS - 1, 10**17 - 1])
def test_request_amounts_beyond_the_bound_are_refused(cents: int) -> None:
    """One amount is bounded, so no sum of many can leave SQLite's 64 bits."""
    assert parse_cents(format_cents(cents)) == cents
    with pytest.raises(ValueError, match="is beyond"):
        parse_request_cents(format_cents(cents))


def test_fingerprint_ignores_key_order_and_tells_bodies_apart() -> None:
    """The same body in any key order has one fingerprint (SHA-256 of canonical JSON)."""
    first = fingerprint({"amount": "1.00", "to": "ACC-0002", "from": "ACC-0001"})
    again = fingerprint({"from": "ACC-0001", "to": "ACC-0002", "amount": "1.00"})
    other = fingerprint({"from": "ACC-0001", "to": "ACC-0002", "amount": "1.01"})
    assert first == again != other
    assert fingerprint({}) == "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
