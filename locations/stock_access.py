"""Who may manage which stock: suppliers their own variants at allowed locations, the operator all.

A supplier sees and changes only its own variants' stock (at operator locations and its
own, never at another supplier's); the operator sees all.
"""

from __future__ import annotations

from typing import Any

from accounts.roles import CurrentUser, Role
from catalog.variant_facts import VariantInfo, variants_by_sku
from core.errors import NotFound
from locations.errors import InvalidStockChange, LocationNotFound, StockAccessDenied
from locations.tables import Location


def check_manager(user: CurrentUser) -> None:
    """Refuse anyone but supplier staff and the operator (403)."""
    if user.role is Role.OPERATOR:
        return
    if user.role is not Role.SUPPLIER or user.supplier_id is None:
        raise StockAccessDenied("Only supplier staff and the operator manage stock")


def check_variant_access(user: CurrentUser, variant: VariantInfo | None, variant_id: Any) -> None:
    """Refuse a variant that does not exist (404) or belongs to another supplier (403)."""
    check_manager(user)
    if variant is None:
        raise NotFound("No variant {variant}", variant=variant_id)
    if user.role is Role.SUPPLIER and variant.supplier_id != user.supplier_id:
        raise StockAccessDenied(
            "Variant {sku} belongs to another supplier: you can only manage your own stock",
            sku=variant.sku,
        )


async def usable_locations(user: CurrentUser) -> list[dict[str, Any]]:
    """Locations whose stock `user` may manage: the operator's and the supplier's own."""
    check_manager(user)
    query = Location.select(
        Location.id, Location.name, Location.kind, Location.city, Location.owner_supplier_id
    ).where(Location.is_active == True)  # noqa: E712
    if user.role is Role.SUPPLIER:
        query = query.where(
            Location.owner_supplier_id.is_null() | (Location.owner_supplier_id == user.supplier_id)
        )
    return await query.order_by(Location.city).order_by(Location.name)


async def check_location_access(user: CurrentUser, location_id: int) -> dict[str, Any]:
    """The location, if it exists and `user` may keep stock there."""
    check_manager(user)
    row = (
        await Location.select(Location.id, Location.name, Location.owner_supplier_id)
        .where(Location.id == location_id)
        .first()
    )
    if row is None:
        raise LocationNotFound("No location {location}", location=location_id)
    owner = row["owner_supplier_id"]
    if user.role is Role.SUPPLIER and owner is not None and owner != user.supplier_id:
        raise StockAccessDenied("Location {name} belongs to another supplier", name=row["name"])
    return row


async def variant_for_sku(user: CurrentUser, sku: str) -> VariantInfo:
    """The variant with this SKU, if `user` may manage its stock."""
    if not sku.strip():
        raise InvalidStockChange("Enter a SKU")
    variant = (await variants_by_sku([sku.strip()])).get(sku.strip())
    check_variant_access(user, variant, sku.strip())
    assert variant is not None
    return variant
