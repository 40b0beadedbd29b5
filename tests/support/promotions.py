"""Promotion factories: an operator's or a supplier's promotion running now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from accounts.roles import CurrentUser, Role
from promotions.manage import PromotionSpec, PromotionView, create_promotion
from tests.support.factories import make_user


async def promoter(supplier_id: int | None = None) -> CurrentUser:
    """A supplier account (when `supplier_id`) or an operator."""
    if supplier_id is not None:
        return await make_user(Role.SUPPLIER, supplier_id=supplier_id)
    return await make_user(Role.OPERATOR)


async def make_promotion(
    kind: str, *, supplier_id: int | None = None, hours: float = 24, **fields: Any
) -> PromotionView:
    """A promotion running from an hour ago for `hours` (supplier's, else the platform's)."""
    now = datetime.now(UTC)
    fields.setdefault("name", f"{kind} test")
    return await create_promotion(
        await promoter(supplier_id),
        PromotionSpec(
            kind=kind,
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(hours=hours),
            **fields,
        ),
    )
