"""Stock adjustments by people: levels as managers see them, counts, changes, thresholds.

Each change goes through `locations.stock` (one conditional UPDATE plus a ledger row,
announced on `stock:{variant}` after commit); this module checks who may make it.
"""

from __future__ import annotations

from typing import Any

from accounts.roles import CurrentUser, Role
from catalog.variant_facts import variants_info
from core.database import write_transaction
from locations.errors import InvalidStockChange
from locations.stock import change_on_hand, count_delta, set_threshold
from locations.stock_access import check_location_access, check_manager, check_variant_access
from locations.stock_reads import level_of
from locations.tables import StockLevel, StockMovement

#: Why on_hand changes outside orders: ledger reasons a person may choose.
ADJUST_REASONS = ("count", "damage", "loss", "found", "return", "receive")


async def stock_levels(
    user: CurrentUser, *, location_id: int | None = None, low_only: bool = False
) -> list[dict[str, Any]]:
    """Stock rows `user` may see, by location then SKU; `low_only`: at or below threshold."""
    check_manager(user)
    if location_id is not None:
        await check_location_access(user, location_id)
    query = StockLevel.select(
        StockLevel.location.as_alias("location_id"),
        StockLevel.location.name.as_alias("location_name"),
        StockLevel.variant.as_alias("variant_id"),
        StockLevel.variant.sku.as_alias("sku"),
        StockLevel.variant._.product._.name.as_alias("product_name"),
        StockLevel.variant._.product._.supplier.as_alias("supplier_id"),
        StockLevel.on_hand,
        StockLevel.reserved,
        StockLevel.low_stock_threshold,
    )
    if user.role is Role.SUPPLIER:
        query = query.where(StockLevel.variant._.product._.supplier == user.supplier_id)
    if location_id is not None:
        query = query.where(StockLevel.location == location_id)
    rows = await query.order_by(StockLevel.location.name).order_by(StockLevel.variant.sku)
    out = []
    for r in rows:
        r["available"] = r["on_hand"] - r["reserved"]
        r["low"] = r["available"] <= r["low_stock_threshold"]
        if not low_only or r["low"]:
            out.append(r)
    return out


async def current_level(user: CurrentUser, *, location_id: int, variant_id: int) -> dict[str, int]:
    """On hand, reserved and available of one variant at one location (zeros if none)."""
    check_variant_access(user, (await variants_info([variant_id])).get(variant_id), variant_id)
    await check_location_access(user, location_id)
    level = await level_of(location_id, variant_id) or {"on_hand": 0, "reserved": 0}
    return {**level, "available": level["on_hand"] - level["reserved"]}


def _check_reason(reason: str) -> None:
    if reason not in ADJUST_REASONS:
        raise InvalidStockChange(
            "Reason {reason} is not one of {reasons}",
            reason=reason or "(empty)",
            reasons=", ".join(ADJUST_REASONS),
        )


async def adjust_stock(
    user: CurrentUser,
    *,
    location_id: int,
    variant_id: int,
    reason: str,
    delta: int | None = None,
    on_hand: int | None = None,
    note: str = "",
) -> dict[str, int]:
    """Set on_hand to a counted figure, or add/remove units, with a reason; returns the level.

    Exactly one of `on_hand` (the new figure) and `delta` is given. Refused below reserved.
    """
    _check_reason(reason)
    if (delta is None) == (on_hand is None):
        raise InvalidStockChange("Give either the new on-hand figure or a change, not both")
    if on_hand is not None and on_hand < 0:
        raise InvalidStockChange("On-hand stock cannot be negative")
    variant = (await variants_info([variant_id])).get(variant_id)
    check_variant_access(user, variant, variant_id)
    assert variant is not None
    await check_location_access(user, location_id)
    async with write_transaction():
        if on_hand is not None:
            delta = await count_delta(location_id, variant_id, on_hand)
            if delta == 0:
                level = await level_of(location_id, variant_id) or {"on_hand": 0, "reserved": 0}
                return {**level, "available": level["on_hand"] - level["reserved"]}
        assert delta is not None
        return await change_on_hand(
            location_id=location_id,
            variant_id=variant_id,
            delta=delta,
            reason=reason,
            reference=note,
            actor_id=user.id,
            sku=variant.sku,
        )


async def set_low_stock_threshold(
    user: CurrentUser, *, location_id: int, variant_id: int, threshold: int
) -> None:
    """Warn when available units at a location fall to `threshold` or below."""
    if threshold < 0:
        raise InvalidStockChange("The low-stock threshold cannot be negative")
    check_variant_access(user, (await variants_info([variant_id])).get(variant_id), variant_id)
    await check_location_access(user, location_id)
    await set_threshold(location_id, variant_id, threshold)


async def stock_movements(
    user: CurrentUser,
    *,
    location_id: int | None = None,
    variant_id: int | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """The ledger of `user`'s variants (all for the operator), newest first."""
    check_manager(user)
    if not 1 <= limit <= 500:
        raise InvalidStockChange("limit must be between 1 and 500")
    query = StockMovement.select(
        StockMovement.id,
        StockMovement.location.as_alias("location_id"),
        StockMovement.location.name.as_alias("location_name"),
        StockMovement.variant.as_alias("variant_id"),
        StockMovement.variant.sku.as_alias("sku"),
        StockMovement.on_hand_delta,
        StockMovement.reserved_delta,
        StockMovement.reason,
        StockMovement.reference,
        StockMovement.actor_id,
        StockMovement.created_at,
    )
    if user.role is Role.SUPPLIER:
        query = query.where(StockMovement.variant._.product._.supplier == user.supplier_id)
    if location_id is not None:
        query = query.where(StockMovement.location == location_id)
    if variant_id is not None:
        query = query.where(StockMovement.variant == variant_id)
    return await query.order_by(StockMovement.id, ascending=False).limit(limit)
