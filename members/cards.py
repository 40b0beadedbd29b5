"""Finding a member at the counter: by the code their member QR shows, or by phone."""

from __future__ import annotations

from accounts.people import consumer_by_phone
from members.errors import MemberNotFound
from members.points import ensure_member
from members.tables import Member

#: What a member QR code starts with, so the POS scanner tells it from a pickup code.
QR_PREFIX = "KQM:"


def qr_text(code: str) -> str:
    """The text the member QR code carries."""
    return f"{QR_PREFIX}{code}"


async def find_member(*, code: str = "", phone: str = "") -> int:
    """The user id of the member the counter scanned (QR text or code) or typed (phone).

    Raises:
        MemberNotFound: no member carries that code, no consumer has that phone.
    """
    code = code.strip().removeprefix(QR_PREFIX)
    if code:
        row = await Member.select(Member.user_id).where(Member.code == code).first()
        if row is None:
            raise MemberNotFound("No member has this member code")
        return int(row["user_id"])
    user_id = await consumer_by_phone(phone)
    if user_id is None:
        raise MemberNotFound("No member has this phone number")
    await ensure_member(user_id)
    return user_id
