"""Read-only: who works for a supplier (for messages to the supplier's people)."""

from __future__ import annotations

from accounts.roles import Role
from accounts.tables import User


async def supplier_member_ids(supplier_id: int) -> list[int]:
    """Ids of the active supplier-staff accounts of a supplier."""
    rows = await User.select(User.id).where(
        (User.supplier_id == supplier_id) & (User.role == Role.SUPPLIER) & (User.is_active == True)  # noqa: E712
    )
    return sorted(row["id"] for row in rows)
