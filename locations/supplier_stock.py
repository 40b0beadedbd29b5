"""Read-only stock of a supplier's variants at every location, for analytics and alerts."""

from __future__ import annotations

from typing import Any

from locations.tables import StockLevel


async def supplier_levels(supplier_id: int | None = None) -> list[dict[str, Any]]:
    """Stock rows of a supplier's variants (every supplier's when None).

    Rows: supplier_id, location_id, location_name, variant_id, sku, product_name, on_hand,
    reserved, available, low_stock_threshold; by location then SKU.
    """
    query = StockLevel.select(
        StockLevel.variant._.product._.supplier.as_alias("supplier_id"),
        StockLevel.location.as_alias("location_id"),
        StockLevel.location._.name.as_alias("location_name"),
        StockLevel.variant.as_alias("variant_id"),
        StockLevel.variant._.sku.as_alias("sku"),
        StockLevel.variant._.product._.name.as_alias("product_name"),
        StockLevel.on_hand,
        StockLevel.reserved,
        StockLevel.low_stock_threshold,
    )
    if supplier_id is not None:
        query = query.where(StockLevel.variant._.product._.supplier == supplier_id)
    rows = await query.order_by(StockLevel.location).order_by(StockLevel.variant._.sku)
    for row in rows:
        row["available"] = row["on_hand"] - row["reserved"]
    return rows
