"""Money amounts on the wire and in the ledger: `"120.00"` strings outside, integer cents inside.

This module only converts and validates; it must not round (a third decimal is an error, not a
rounding) and must not know about accounts or currencies beyond their code's shape.
"""

from __future__ import annotations

import re

from targets.core_banking.refusals import RefusalError

_AMOUNT = re.compile(r"^(-)?(\d{1,15})(?:\.(\d{1,2}))?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def parse_cents(text: object, field: str = "amount") -> int:
    """`"-12.5"` -> -1250; anything that is not a decimal string with <= 2 decimals is a 400."""
    if not isinstance(text, str):
        raise RefusalError(400, "invalid_amount", f'{field} must be a string like "120.00"')
    match = _AMOUNT.match(text.strip())
    if match is None:
        raise RefusalError(
            400, "invalid_amount", f"{field} {text!r} is not a decimal with 2 places"
        )
    sign, units, decimals = match.groups()
    cents = int(units) * 100 + int((decimals or "0").ljust(2, "0"))
    return -cents if sign else cents


def format_cents(cents: int) -> str:
    """-1250 -> `"-12.50"`."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    return f"{sign}{units}.{rest:02d}"


def check_currency(code: str) -> str:
    """The ISO 4217-shaped code itself, or a 400 naming it."""
    if not _CURRENCY.match(code):
        raise RefusalError(400, "invalid_currency", f"currency {code!r} is not a 3-letter code")
    return code
