"""Read-only facts about variants from the catalog: names, prices, suppliers."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from catalog.tables import Variant
from locations.tables import StockLevel

#: Units available summed over stock rows (a row never counts below zero); add a WHERE.
AVAILABLE_SQL = (
    "SELECT SUM(CASE WHEN on_hand > reserved THEN on_hand - reserved ELSE 0 END) "
    "AS available FROM stock_level"
)


@dataclass(frozen=True, slots=True)
class Goods:
    """What checkout needs to know about one variant."""

    variant_id: int
    product_id: int
    product_name: str
    sku: str
    options: dict[str, str]
    price: int
    currency: str
    supplier_id: int
    supplier_name: str
    image: str
    #: Listed, active variant of an active supplier: may be sold.
    on_sale: bool
    #: Units available across every location (asked for with `with_available`).
    available: int = 0


async def goods_by_id(
    variant_ids: Iterable[int], *, with_available: bool = False
) -> dict[int, Goods]:
    """Variant id → `Goods`, for the ids that exist (`with_available`: and their stock)."""
    ids = sorted(set(variant_ids))
    if not ids:
        return {}
    # One plain join: Piccolo's select over two foreign-key hops costs more to build than
    # to run, and checkout asks this for every order.
    placeholders = ", ".join("{}" for _ in ids)
    rows = await Variant.raw(
        "SELECT v.id, v.sku, v.options, v.price, v.currency, v.is_active, "
        "p.id AS product_id, p.name AS product_name, p.image, p.status AS product_status, "
        "s.id AS supplier_id, s.name AS supplier_name, s.status AS supplier_status"
        + (f", ({AVAILABLE_SQL} WHERE variant = v.id) AS available " if with_available else " ")
        + "FROM variant v JOIN product p ON p.id = v.product JOIN supplier s ON s.id = p.supplier "
        f"WHERE v.id IN ({placeholders})",
        *ids,
    )
    return {
        r["id"]: Goods(
            variant_id=r["id"],
            product_id=r["product_id"],
            product_name=r["product_name"],
            sku=r["sku"],
            options=(json.loads(r["options"]) if isinstance(r["options"], str) else r["options"])
            or {},
            price=r["price"],
            currency=r["currency"],
            supplier_id=r["supplier_id"],
            supplier_name=r["supplier_name"],
            image=r["image"] or "",
            on_sale=bool(r["is_active"])
            and r["product_status"] == "listed"
            and r["supplier_status"] == "active",
            available=int(r.get("available") or 0),
        )
        for r in rows
    }


async def total_available(variant_ids: list[int]) -> dict[int, int]:
    """Variant id → units available across every location."""
    totals: dict[int, int] = dict.fromkeys(variant_ids, 0)
    if not variant_ids:
        return totals
    # Summed in the database: a variant stocked at fifty stores is one row back, not fifty.
    placeholders = ", ".join("{}" for _ in variant_ids)
    rows = await StockLevel.raw(
        f"SELECT variant, {AVAILABLE_SQL.removeprefix('SELECT ')} "
        f"WHERE variant IN ({placeholders}) GROUP BY variant",
        *variant_ids,
    )
    for r in rows:
        totals[r["variant"]] = int(r["available"] or 0)
    return totals
