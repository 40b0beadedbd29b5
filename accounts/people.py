"""Read-only facts about people for other domains: names and contact details by id.

Other domains never read the account table themselves; they ask here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from accounts.tables import User


async def contacts_by_ids(user_ids: Iterable[int | None]) -> dict[int, dict[str, Any]]:
    """User id → {id, name, email, phone}, for the ids that exist (None ids are skipped)."""
    ids = sorted({u for u in user_ids if u is not None})
    if not ids:
        return {}
    rows = await User.select(User.id, User.name, User.email, User.phone).where(User.id.is_in(ids))
    return {r["id"]: r for r in rows}


async def email_of(user_id: int | None) -> str:
    """The account e-mail address of a person ('' for no one or an unknown id)."""
    if user_id is None:
        return ""
    row = await User.select(User.email).where(User.id == user_id).first()
    return row["email"] if row else ""


async def consumer_by_phone(phone: str) -> int | None:
    """The id of the consumer account with this phone number (None when none or several)."""
    phone = phone.strip()
    if not phone:
        return None
    rows = await User.select(User.id).where((User.phone == phone) & (User.role == "consumer"))
    return rows[0]["id"] if len(rows) == 1 else None


async def supplier_account_ids(supplier_id: int) -> list[int]:
    """Ids of the active accounts acting for a supplier (its staff)."""
    rows = await User.select(User.id).where(
        (User.supplier_id == supplier_id) & (User.role == "supplier") & (User.is_active == True)  # noqa: E712
    )
    return [r["id"] for r in rows]


async def operator_ids() -> list[int]:
    """Ids of the active operator accounts."""
    rows = await User.select(User.id).where(
        (User.role == "operator") & (User.is_active == True)  # noqa: E712
    )
    return [r["id"] for r in rows]
