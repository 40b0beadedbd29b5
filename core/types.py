"""Bounded input types: what an id, a quantity, an amount of money or a text may be.

Used in every API struct and form parser, so out-of-range or hostile input is refused at
the edge with a 400 naming the field, instead of reaching the database (SQLite cannot
store integers above 2^63-1, PostgreSQL refuses NUL characters) or being stored as junk.

The msgspec `Annotated` types check bounds while decoding; `clean_text` and friends do
the same for form fields and for what msgspec constraints cannot express (NUL and bidi
override characters, NFKC-normalised emails).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Annotated

import msgspec

from core.errors import InvalidInput

#: The largest integer both databases store (signed 64-bit).
MAX_INT64 = 2**63 - 1
#: The largest integer every integer column stores (form numbers such as weights, positions).
MAX_INT32 = 2**31 - 1
#: Money in fen: at most ¥1,000,000,000 for one amount (a sum of lines stays far below 2^63).
MAX_MONEY_FEN = 100_000_000_000
#: Units of one line of an order or a cart.
MAX_QUANTITY = 10_000
#: Units counted on a shelf, and the size of one stock change.
MAX_STOCK = 10_000_000
SHORT_TEXT = 200
LONG_TEXT = 5_000
EMAIL_LENGTH = 254

#: NUL and the characters that reorder how text is shown (look-alike names, hidden file
#: extensions): refused in every text field.
_FORBIDDEN = re.compile("[\x00\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
#: No control characters other than tab and newlines, no bidi overrides.
_TEXT_PATTERN = "^[^\x00-\x08\x0b\x0c\x0e-\x1f\u202a-\u202e\u2066-\u2069]*$"

Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_INT64, description="A record id")]
Quantity = Annotated[int, msgspec.Meta(ge=1, le=MAX_QUANTITY, description="Units of one line")]
StockCount = Annotated[int, msgspec.Meta(ge=0, le=MAX_STOCK, description="Units on the shelf")]
StockDelta = Annotated[
    int, msgspec.Meta(ge=-MAX_STOCK, le=MAX_STOCK, description="Change in units on the shelf")
]
Money = Annotated[int, msgspec.Meta(ge=0, le=MAX_MONEY_FEN, description="An amount in fen")]
ShortText = Annotated[str, msgspec.Meta(max_length=SHORT_TEXT, pattern=_TEXT_PATTERN)]
LongText = Annotated[str, msgspec.Meta(max_length=LONG_TEXT, pattern=_TEXT_PATTERN)]
EmailText = Annotated[str, msgspec.Meta(max_length=EMAIL_LENGTH, pattern=_TEXT_PATTERN)]


def clean_text(value: str, field: str, *, max_length: int = SHORT_TEXT) -> str:
    """A text field as stored: trimmed, bounded, without NUL or bidi override characters."""
    value = value.strip()
    if _FORBIDDEN.search(value):
        raise InvalidInput("{field} contains characters that are not allowed", field=field)
    if len(value) > max_length:
        raise InvalidInput("{field} is longer than {n} characters", field=field, n=max_length)
    return value


def normalise_email_text(email: str) -> str:
    """An email in its one stored form: NFKC, trimmed, lower case.

    NFKC turns full-width letters into ASCII, so look-alike spellings cannot make a second
    account.
    """
    return unicodedata.normalize("NFKC", email).strip().lower()


def bounded_int(value: int, field: str, *, low: int, high: int) -> int:
    """`value` when within [low, high], else a 400 naming the field."""
    if not low <= value <= high:
        raise InvalidInput(
            "{field} must be between {low} and {high}", field=field, low=low, high=high
        )
    return value


def parse_whole(value: str, field: str, *, low: int, high: int, default: int = 0) -> int:
    """A whole number typed into a form (empty: `default`), within [low, high]."""
    value = value.strip()
    if not value:
        return default
    if not value.lstrip("-").isdigit() or len(value) > 20:
        raise InvalidInput("{field} must be a whole number", field=field)
    return bounded_int(int(value), field, low=low, high=high)


def parse_decimal(value: str, field: str, *, places: int, high: Decimal) -> Decimal:
    """A finite, non-negative decimal typed into a form, with at most `places` decimals."""
    try:
        amount = Decimal(value.strip().replace(",", "").removeprefix("¥"))
    except InvalidOperation:
        raise InvalidInput("{field} is not a price: {value}", field=field, value=value) from None
    if not amount.is_finite() or amount < 0 or amount > high:
        raise InvalidInput("{field} is not a price: {value}", field=field, value=value)
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        raise InvalidInput("{field} is not a price: {value}", field=field, value=value)
    return amount


#: Small non-negative numbers of a form or body (weights, positions, days, minutes, ratings).
Count32 = Annotated[int, msgspec.Meta(ge=0, le=MAX_INT32)]
#: A share in basis points (500 = 5 %).
BasisPoints = Annotated[int, msgspec.Meta(ge=0, le=10_000)]
Latitude = Annotated[float, msgspec.Meta(ge=-90, le=90)]
Longitude = Annotated[float, msgspec.Meta(ge=-180, le=180)]
#: A password as typed: bounded so hashing cannot be made to work on megabytes.
Password = Annotated[str, msgspec.Meta(max_length=1024)]
#: A place in an ordered list (negative counts from the start, as the category tree does).
Position = Annotated[int, msgspec.Meta(ge=-MAX_INT32, le=MAX_INT32)]
