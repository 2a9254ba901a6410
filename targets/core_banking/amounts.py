"""Core-banking's reading of money on the wire: amounts and currency codes, or a 400.

The formats themselves (`"120.00"` outside, integer cents inside) are `targets.formats`'s; this
module turns what those cannot read into the API's `invalid_amount`/`invalid_currency`
refusals: an amount is ASCII digits with at most two decimals and at most
`formats.MAX_AMOUNT_CENTS` either way. It must not round and must not know about accounts.
"""

from __future__ import annotations

import re

from targets import formats
from targets.core_banking.refusals import RefusalError

_CURRENCY = re.compile(r"[A-Z]{3}", re.ASCII)


def parse_cents(text: object, field: str = "amount") -> int:
    """`"-12.5"` -> -1250; anything but a bounded decimal string with <= 2 decimals is a 400."""
    if not isinstance(text, str):
        raise RefusalError(400, "invalid_amount", f'{field} must be a string like "120.00"')
    try:
        return formats.parse_request_cents(text.strip())
    except ValueError:
        limit = formats.format_cents(formats.MAX_AMOUNT_CENTS)
        raise RefusalError(
            400,
            "invalid_amount",
            f"{field} must be an ASCII decimal with at most 2 places, at most {limit}",
        ) from None


def check_currency(code: str) -> str:
    """The ISO 4217-shaped code itself, or a 400 naming it."""
    if not _CURRENCY.fullmatch(code):
        raise RefusalError(400, "invalid_currency", "currency must be a 3-letter code like PEN")
    return code
