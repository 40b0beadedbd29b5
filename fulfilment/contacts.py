"""Contact details people give for an order: the recipient's or collector's mobile number."""

from __future__ import annotations

import re

from fulfilment.errors import InvalidOrder

#: A mainland China mobile number: 11 digits, 1 then 3–9 (13x … 19x).
MAINLAND_MOBILE = re.compile(r"1[3-9]\d{9}")
#: What people type around the digits: spaces, dashes and the +86 / 0086 country prefix.
_DECORATION = re.compile(r"[\s\-()]")


def check_mobile(phone: object, field: str = "phone") -> str:
    """The mainland mobile number in `phone` as 11 digits, or a 400 naming `field`.

    `138 0013 8000`, `+86 13800138000` and `138-0013-8000` are all accepted as
    `13800138000`; anything else (a landline, "123") is refused with a clear message.
    """
    digits = _DECORATION.sub("", str(phone or ""))
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    if not MAINLAND_MOBILE.fullmatch(digits):
        error = InvalidOrder(
            "Phone {phone} is not a mainland mobile number (11 digits, starting 13 to 19)",
            phone=str(phone or "")[:20],
        )
        error.extra["field"] = field
        raise error
    return digits


#: Longest collector's name kept (a person's name, not a note).
NAME_MAX = 40


def check_pickup_contact(contact: dict[str, object] | None) -> dict[str, str]:
    """Who collects a pickup (提货人): {name, phone} checked, or {} when none was given.

    The phone must be a mainland mobile number: staff ask for its last four digits at the
    counter, so a wrong one would lock the buyer out of their own goods.
    """
    contact = contact or {}
    name = str(contact.get("name") or "").strip()
    phone = str(contact.get("phone") or "").strip()
    if not name and not phone:
        return {}
    if not name or len(name) > NAME_MAX:
        error = InvalidOrder(
            "Give the name of the person collecting (up to {n} characters)", n=NAME_MAX
        )
        error.extra["field"] = "pickup_contact.name"
        raise error
    return {"name": name, "phone": check_mobile(phone, field="pickup_contact.phone")}


def last_four(phone: str) -> str:
    """The last four digits of a phone number: all the counter is shown (尾号 8000)."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return digits[-4:] if len(digits) >= 4 else ""
