"""Supplier stock management: levels per location, adjustments, thresholds and transfers.

Every function takes the `CurrentUser` acting: a supplier sees and changes only its own
variants' stock (at operator locations and its own, never at another supplier's); the
operator sees all. Each change is one conditional UPDATE plus a ledger row, and is
announced on `stock:{variant}` after commit (see `locations.stock`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from piccolo.engine.sqlite import SQLiteEngine

from accounts.roles import CurrentUser, Role
from catalog.tables import Variant
from core.database import write_transaction
from core.errors import Conflict, NotFound
from locations.errors import (
    InvalidStockChange,
    LocationNotFound,
    StockAccessDenied,
    TransferNotFound,
)
from locations.stock import StockLine, _movement, publish_level
from locations.tables import Location, StockLevel, StockMovement, Transfer

#: Why on_hand changes outside orders: ledger reasons a person may choose.
ADJUST_REASONS = ("count", "damage", "loss", "found", "return", "receive")


@dataclass(frozen=True, slots=True)
class VariantInfo:
    """What stock pages show of a variant."""

    id: int
    sku: str
    product_name: str
    supplier_id: int


async def _variants_where(where: Any) -> list[VariantInfo]:
    rows = await Variant.select(
        Variant.id,
        Variant.sku,
        Variant.product.name.as_alias("product_name"),
        Variant.product.supplier.as_alias("supplier_id"),
    ).where(where)
    return [VariantInfo(r["id"], r["sku"], r["product_name"], r["supplier_id"]) for r in rows]


async def variants_info(variant_ids: list[int]) -> dict[int, VariantInfo]:
    """Look up SKU, product name and supplier of the variants that exist, by id."""
    if not variant_ids:
        return {}
    found = await _variants_where(Variant.id.is_in(sorted(set(variant_ids))))
    return {v.id: v for v in found}


async def variants_by_sku(skus: list[str]) -> dict[str, VariantInfo]:
    """Look up the variants of the SKUs that exist, by SKU."""
    if not skus:
        return {}
    return {v.sku: v for v in await _variants_where(Variant.sku.is_in(sorted(set(skus))))}


def _check_manager(user: CurrentUser) -> None:
    if user.role is Role.OPERATOR:
        return
    if user.role is not Role.SUPPLIER or user.supplier_id is None:
        raise StockAccessDenied("Only supplier staff and the operator manage stock")


def check_variant_access(user: CurrentUser, variant: VariantInfo | None, variant_id: Any) -> None:
    """Refuse a variant that does not exist (404) or belongs to another supplier (403)."""
    _check_manager(user)
    if variant is None:
        raise NotFound("No variant {variant}", variant=variant_id)
    if user.role is Role.SUPPLIER and variant.supplier_id != user.supplier_id:
        raise StockAccessDenied(
            "Variant {sku} belongs to another supplier: you can only manage your own stock",
            sku=variant.sku,
        )


async def usable_locations(user: CurrentUser) -> list[dict[str, Any]]:
    """Locations whose stock `user` may manage: the operator's and the supplier's own."""
    _check_manager(user)
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
    _check_manager(user)
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


async def stock_levels(
    user: CurrentUser, *, location_id: int | None = None, low_only: bool = False
) -> list[dict[str, Any]]:
    """Stock rows `user` may see, by location then SKU; `low_only`: at or below threshold."""
    _check_manager(user)
    if location_id is not None:
        await check_location_access(user, location_id)
    query = StockLevel.select(
        StockLevel.location.as_alias("location_id"),
        StockLevel.location.name.as_alias("location_name"),
        StockLevel.variant.as_alias("variant_id"),
        StockLevel.variant.sku.as_alias("sku"),
        StockLevel.variant.product.name.as_alias("product_name"),
        StockLevel.variant.product.supplier.as_alias("supplier_id"),
        StockLevel.on_hand,
        StockLevel.reserved,
        StockLevel.low_stock_threshold,
    )
    if user.role is Role.SUPPLIER:
        query = query.where(StockLevel.variant.product.supplier == user.supplier_id)
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
    level = await _level(location_id, variant_id) or {"on_hand": 0, "reserved": 0}
    return {**level, "available": level["on_hand"] - level["reserved"]}


async def _level(location_id: int, variant_id: int, *, lock: bool = False) -> dict[str, Any] | None:
    """A stock row's on_hand and reserved; `lock` (inside a write transaction) holds it.

    A count sets on_hand from what was read, so the row must not change in between:
    PostgreSQL locks it (`SELECT … FOR UPDATE`); SQLite's write transaction
    (`BEGIN IMMEDIATE`) already keeps every other writer out.
    """
    query = StockLevel.select(StockLevel.on_hand, StockLevel.reserved).where(
        (StockLevel.location == location_id) & (StockLevel.variant == variant_id)
    )
    if lock and not isinstance(StockLevel._meta.db, SQLiteEngine):
        query = query.lock_rows()
    return await query.first()


async def count_delta(location_id: int, variant_id: int, counted: int) -> int:
    """The change that brings on_hand to a counted figure (row locked until commit)."""
    current = await _level(location_id, variant_id, lock=True)
    return counted - (current["on_hand"] if current else 0)


async def change_on_hand(
    *,
    location_id: int,
    variant_id: int,
    delta: int,
    reason: str,
    reference: str = "",
    actor_id: int | None = None,
    sku: str = "",
) -> dict[str, int]:
    """Add `delta` (may be negative) to on_hand, never below reserved; returns the new level.

    One conditional UPDATE (`on_hand + delta >= reserved`), so a concurrent reservation
    cannot be undercut; creates the row when adding to a location that had none.
    """
    if delta == 0:
        raise InvalidStockChange("The change is zero: nothing to do")
    async with write_transaction():
        changed = await StockLevel.raw(
            "UPDATE stock_level SET on_hand = on_hand + {} "
            "WHERE location = {} AND variant = {} AND on_hand + {} >= reserved "
            "RETURNING on_hand, reserved",
            delta,
            location_id,
            variant_id,
            delta,
        )
        if changed:
            on_hand, reserved = changed[0]["on_hand"], changed[0]["reserved"]
        else:
            current = await _level(location_id, variant_id)
            if current is not None or delta < 0:
                current = current or {"on_hand": 0, "reserved": 0}
                raise InvalidStockChange(
                    "Cannot take {n} off {sku}: {on_hand} on hand, {reserved} reserved for "
                    "orders, so at most {can} can go",
                    n=-delta,
                    sku=sku or f"#{variant_id}",
                    on_hand=current["on_hand"],
                    reserved=current["reserved"],
                    can=current["on_hand"] - current["reserved"],
                )
            await StockLevel.insert(
                StockLevel(location=location_id, variant=variant_id, on_hand=delta)
            )
            on_hand, reserved = delta, 0
        await _movement(
            StockLine(location_id, variant_id, abs(delta)),
            on_hand_delta=delta,
            reserved_delta=0,
            reason=reason,
            reference=reference[:100],
            actor_id=actor_id,
        )
        await publish_level(location_id, variant_id, on_hand, reserved)
    return {"on_hand": on_hand, "reserved": reserved, "available": on_hand - reserved}


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
                level = await _level(location_id, variant_id) or {"on_hand": 0, "reserved": 0}
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
    async with write_transaction():
        updated = await StockLevel.raw(
            "UPDATE stock_level SET low_stock_threshold = {} "
            "WHERE location = {} AND variant = {} RETURNING id",
            threshold,
            location_id,
            variant_id,
        )
        if not updated:
            await StockLevel.insert(
                StockLevel(location=location_id, variant=variant_id, low_stock_threshold=threshold)
            )


async def start_transfer(
    user: CurrentUser,
    *,
    source_id: int,
    destination_id: int,
    variant_id: int,
    quantity: int,
    note: str = "",
) -> int:
    """Send units from one location to another: out of the source now, in transit until received.

    Only available units can go (never reserved ones). Returns the transfer id.
    """
    if quantity <= 0:
        raise InvalidStockChange("Quantities must be above zero")
    if source_id == destination_id:
        raise InvalidStockChange("A transfer goes between two different locations")
    variant = (await variants_info([variant_id])).get(variant_id)
    check_variant_access(user, variant, variant_id)
    assert variant is not None
    await check_location_access(user, source_id)
    await check_location_access(user, destination_id)
    async with write_transaction():
        row = await Transfer.insert(
            Transfer(
                source=source_id,
                destination=destination_id,
                variant=variant_id,
                quantity=quantity,
                note=note[:255],
                created_by=user.id,
                supplier_id=variant.supplier_id,
            )
        ).returning(Transfer.id)
        transfer_id: int = row[0]["id"]
        taken = await StockLevel.raw(
            "UPDATE stock_level SET on_hand = on_hand - {} "
            "WHERE location = {} AND variant = {} AND on_hand - reserved >= {} "
            "RETURNING on_hand, reserved",
            quantity,
            source_id,
            variant_id,
            quantity,
        )
        if not taken:
            current = await _level(source_id, variant_id) or {"on_hand": 0, "reserved": 0}
            raise InvalidStockChange(
                "Only {available} of {sku} are available to transfer, not {n}",
                available=current["on_hand"] - current["reserved"],
                sku=variant.sku,
                n=quantity,
            )
        await _movement(
            StockLine(source_id, variant_id, quantity),
            on_hand_delta=-quantity,
            reserved_delta=0,
            reason="transfer_out",
            reference=f"transfer:{transfer_id}",
            actor_id=user.id,
        )
        await publish_level(source_id, variant_id, taken[0]["on_hand"], taken[0]["reserved"])
    return transfer_id


async def _open_transfer(user: CurrentUser, transfer_id: int) -> dict[str, Any]:
    _check_manager(user)
    query = Transfer.select().where(Transfer.id == transfer_id)
    if user.role is Role.SUPPLIER:
        query = query.where(Transfer.supplier_id == user.supplier_id)
    row = await query.first()
    if row is None:
        raise TransferNotFound("No transfer {transfer}", transfer=transfer_id)
    return row


async def close_transfer(user: CurrentUser, transfer_id: int, *, cancel: bool = False) -> None:
    """Receive a transfer at its destination, or cancel it back into its source.

    One conditional UPDATE of the status (`in_transit` only), so it happens once.
    """
    transfer = await _open_transfer(user, transfer_id)
    target = transfer["source"] if cancel else transfer["destination"]
    async with write_transaction():
        closed = await Transfer.raw(
            "UPDATE transfer SET status = {}, closed_by = {}, closed_at = {} "
            "WHERE id = {} AND status = 'in_transit' RETURNING id",
            "cancelled" if cancel else "received",
            user.id,
            datetime.now(UTC),
            transfer_id,
        )
        if not closed:
            raise Conflict(
                "Transfer {transfer} is already {status}",
                transfer=transfer_id,
                status=transfer["status"],
            )
        await change_on_hand(
            location_id=target,
            variant_id=transfer["variant"],
            delta=transfer["quantity"],
            reason="transfer_back" if cancel else "transfer_in",
            reference=f"transfer:{transfer_id}",
            actor_id=user.id,
        )


async def list_transfers(user: CurrentUser, *, open_only: bool = False) -> list[dict[str, Any]]:
    """Transfers of `user`'s variants (all for the operator), newest first."""
    _check_manager(user)
    query = Transfer.select(
        Transfer.id,
        Transfer.source.as_alias("source_id"),
        Transfer.source.name.as_alias("source_name"),
        Transfer.destination.as_alias("destination_id"),
        Transfer.destination.name.as_alias("destination_name"),
        Transfer.variant.as_alias("variant_id"),
        Transfer.variant.sku.as_alias("sku"),
        Transfer.quantity,
        Transfer.status,
        Transfer.note,
        Transfer.created_at,
        Transfer.closed_at,
    )
    if user.role is Role.SUPPLIER:
        query = query.where(Transfer.supplier_id == user.supplier_id)
    if open_only:
        query = query.where(Transfer.status == "in_transit")
    return await query.order_by(Transfer.id, ascending=False)


async def variant_for_sku(user: CurrentUser, sku: str) -> VariantInfo:
    """The variant with this SKU, if `user` may manage its stock."""
    if not sku.strip():
        raise InvalidStockChange("Enter a SKU")
    variant = (await variants_by_sku([sku.strip()])).get(sku.strip())
    check_variant_access(user, variant, sku.strip())
    assert variant is not None
    return variant


async def stock_movements(
    user: CurrentUser,
    *,
    location_id: int | None = None,
    variant_id: int | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """The ledger of `user`'s variants (all for the operator), newest first."""
    _check_manager(user)
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
        query = query.where(StockMovement.variant.product.supplier == user.supplier_id)
    if location_id is not None:
        query = query.where(StockMovement.location == location_id)
    if variant_id is not None:
        query = query.where(StockMovement.variant == variant_id)
    return await query.order_by(StockMovement.id, ascending=False).limit(limit)
