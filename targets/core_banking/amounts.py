"""Core-banking's reading of money on the wire: amounts and currency codes, or a 400.

The formats themselves (`"120.00"` outside, integer cents inside) are `targets.formats`'s; this
module turns what those cannot read into the API's `invalid_amount`/`invalid_currency`
refusals. It must not round and must not know about accounts.
"""

from __future__ import annotations

import re

from targets import formats
from targets.core_banking.refusals import RefusalError

_CURRENCY = re.compile(r"^[A-Z]{3}$")


def parse_cents(text: object, field: str = "amount") -> int:
    """`"-12.5"` -> -1250; anything that is not a decimal string with <= 2 decimals is a 400."""
    if not isinstance(text, str):
        raise RefusalError(400, "invalid_amount", f'{field} must be a string like "120.00"')
    try:
        return formats.parse_cents(text.strip())
    except ValueError:
        raise RefusalError(
            400, "invalid_amount", f"{field} {text!r} is not a decimal with 2 places"
        ) from None


def check_currency(code: str) -> str:
    """The ISO 4217-shaped code itself, or a 400 naming it."""
    if not _CURRENCY.match(code):
        raise RefusalError(400, "invalid_currency", f"currency {code!r} is not a 3-letter code")
    return code
