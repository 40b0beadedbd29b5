"""Read-only product facts for analytics and recommendations: names, cards, categories.

Other domains never read the catalog tables; they ask here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from catalog.listings import visible_to_consumers
from catalog.tables import Category, Product, Supplier, Variant


async def product_names(product_ids: Iterable[int]) -> dict[int, str]:
    """Product id → name, for the ids that exist (listed or not)."""
    ids = sorted(set(product_ids))
    if not ids:
        return {}
    rows = await Product.select(Product.id, Product.name).where(Product.id.is_in(ids))
    return {r["id"]: r["name"] for r in rows}


async def category_names(category_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """Category id → {zh, en} names, for the ids that exist."""
    ids = sorted(set(category_ids))
    if not ids:
        return {}
    rows = await Category.select(Category.id, Category.name_zh, Category.name_en).where(
        Category.id.is_in(ids)
    )
    return {r["id"]: {"zh": r["name_zh"], "en": r["name_en"]} for r in rows}


async def supplier_names(supplier_ids: Iterable[int]) -> dict[int, str]:
    """Supplier id → name, for the ids that exist."""
    ids = sorted(set(supplier_ids))
    if not ids:
        return {}
    rows = await Supplier.select(Supplier.id, Supplier.name).where(Supplier.id.is_in(ids))
    return {r["id"]: r["name"] for r in rows}


async def visible_cards(product_ids: list[int]) -> list[dict[str, Any]]:
    """Cards (id, name, image, price_from, category_id) of the products consumers may see.

    In the order asked; products not listed or of a suspended supplier are left out.
    """
    ids = list(dict.fromkeys(product_ids))
    if not ids:
        return []
    rows = await Product.select(
        Product.id, Product.name, Product.image, Product.category.as_alias("category_id")
    ).where(Product.id.is_in(ids) & visible_to_consumers())
    prices = await Variant.select(Variant.product, Variant.price).where(Variant.product.is_in(ids))
    lowest: dict[int, int] = {}
    for p in prices:
        lowest[p["product"]] = min(p["price"], lowest.get(p["product"], p["price"]))
    by_id = {r["id"]: r | {"price_from": lowest.get(r["id"], 0)} for r in rows}
    return [by_id[i] for i in ids if i in by_id]


async def categories_of(product_ids: Iterable[int]) -> dict[int, int]:
    """Product id → category id."""
    ids = sorted(set(product_ids))
    if not ids:
        return {}
    rows = await Product.select(Product.id, Product.category).where(Product.id.is_in(ids))
    return {r["id"]: r["category"] for r in rows}


async def rating_of_supplier(supplier_id: int) -> tuple[int, int]:
    """(review count, rating sum) over the supplier's products."""
    rows = await Product.select(Product.review_count, Product.rating_sum).where(
        Product.supplier == supplier_id
    )
    return sum(r["review_count"] for r in rows), sum(r["rating_sum"] for r in rows)
