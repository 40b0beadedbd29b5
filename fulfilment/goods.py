"""Read-only facts about variants from the catalog: names, prices, suppliers."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from catalog.catalog_cache import CatalogCache
from catalog.variant_facts import sale_facts
from locations.stock_reads import total_available


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
    #: The product's category (for promotions narrowed to categories).
    category_id: int = 0


#: Variants' goods kept per process (a few hundred bytes each).
MAX_CACHED_GOODS = 20_000
#: Every order, quote and cart reads its variants' goods: kept until the catalog changes
#: (a price, a listing, a supplier's status), as the product pages are.
_goods = CatalogCache(MAX_CACHED_GOODS)


async def goods_by_id(variant_ids: Iterable[int]) -> dict[int, Goods]:
    """Variant id → `Goods`, for the ids that exist (stock is asked of `total_available`)."""
    return await _goods.cached_each(set(variant_ids), _read_goods)


async def _read_goods(variant_ids: list[int]) -> dict[int, Goods]:
    rows = await sale_facts(variant_ids)
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
            category_id=r["category_id"] or 0,
        )
        for r in rows
    }


__all__ = ["Goods", "goods_by_id", "total_available"]
