"""Find accounts by phone number (the operator's order console searches with it)."""

from __future__ import annotations

from accounts.tables import User


async def user_ids_by_phone(phone: str) -> list[int]:
    """Ids of the accounts whose phone number is exactly `phone` (spaces ignored)."""
    phone = phone.replace(" ", "")
    if not phone:
        return []
    return [r["id"] for r in await User.select(User.id).where(User.phone == phone)]
