"""Read-only facts about variants for other domains: SKU, product, supplier, price, status.

Other domains never read the catalog tables themselves; they ask here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from catalog.tables import Variant
from core.statements import fetch


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


async def sale_facts(variant_ids: Iterable[int]) -> list[dict[str, Any]]:
    """Rows of what selling needs of each variant that exists: price, names, statuses.

    Keys: id, sku, options, price, currency, is_active, product_id, product_name, image,
    product_status, category_id, supplier_id, supplier_name, supplier_status.
    """
    ids = sorted(set(variant_ids))
    if not ids:
        return []
    # One plain join: Piccolo's select over two foreign-key hops costs more to build than
    # to run, and checkout asks this for every order.
    placeholders = ", ".join("{}" for _ in ids)
    return await fetch(
        "SELECT v.id, v.sku, v.options, v.price, v.currency, v.is_active, "
        "p.id AS product_id, p.name AS product_name, p.image, p.status AS product_status, "
        "p.category AS category_id, "
        "s.id AS supplier_id, s.name AS supplier_name, s.status AS supplier_status "
        "FROM variant v JOIN product p ON p.id = v.product JOIN supplier s ON s.id = p.supplier "
        f"WHERE v.id IN ({placeholders})",
        *ids,
    )


async def categories_of_variants(variant_ids: Iterable[int]) -> dict[int, int]:
    """The category id of each variant's product (for per-category commission rates)."""
    ids = sorted(set(variant_ids))
    if not ids:
        return {}
    rows = await Variant.select(Variant.id, Variant.product.category.as_alias("category_id")).where(
        Variant.id.is_in(ids)
    )
    return {r["id"]: r["category_id"] for r in rows}
