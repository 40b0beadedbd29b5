"""Products and their variants, as suppliers create them and consumers see them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from catalog.errors import CategoryNotFound, DuplicateSku, InvalidProduct
from catalog.search_analysis import normalise_text
from catalog.search_index import index_product
from catalog.tables import Category, Product, Supplier, Variant
from core.database import write_transaction

PRODUCT_STATUSES = ("draft", "pending_review", "listed", "rejected", "delisted")


@dataclass(frozen=True, slots=True)
class VariantInput:
    """One SKU of a product being created."""

    sku: str
    price: int
    options: dict[str, str] = field(default_factory=dict)
    barcode: str = ""
    weight_g: int = 0


def check_variants(specs: dict[str, list[str]], variants: list[VariantInput]) -> None:
    """Refuse variants whose price or options do not fit the product's specs."""
    if not variants:
        raise InvalidProduct("A product needs at least one variant")
    seen: set[str] = set()
    for variant in variants:
        if not variant.sku.strip():
            raise InvalidProduct("Every variant needs a SKU code")
        if variant.sku in seen:
            raise DuplicateSku("SKU {sku} appears twice", sku=variant.sku)
        seen.add(variant.sku)
        if variant.weight_g < 0:
            raise InvalidProduct("The weight of {sku} cannot be negative", sku=variant.sku)
        if variant.price <= 0:
            raise InvalidProduct("The price of {sku} must be above zero", sku=variant.sku)
        if set(variant.options) != set(specs):
            raise InvalidProduct(
                "Variant {sku} must choose one value of each spec: {specs}",
                sku=variant.sku,
                specs=", ".join(specs) or "-",
            )
        for spec, value in variant.options.items():
            if value not in specs[spec]:
                raise InvalidProduct(
                    "{value} is not a value of {spec} ({sku})",
                    value=value,
                    spec=spec,
                    sku=variant.sku,
                )


async def search_text_for(
    *, name: str, name_en: str, brand: str, category_id: int, skus: list[str]
) -> str:
    """The text keyword search matches: names, brand, category names and SKU codes."""
    category = (
        await Category.select(Category.name_zh, Category.name_en)
        .where(Category.id == category_id)
        .first()
    )
    parts = [name, name_en, brand, *(category.values() if category else ()), *skus]
    return normalise_text(" ".join(p for p in parts if p))


async def create_product(
    *,
    supplier_id: int,
    category_id: int,
    name: str,
    variants: list[VariantInput],
    specs: dict[str, list[str]] | None = None,
    name_en: str = "",
    brand: str = "",
    description: str = "",
    image: str = "",
    images: list[str] | None = None,
    status: str = "draft",
) -> int:
    """Create a product with its variants in one transaction; returns the product id."""
    specs = specs or {}
    if not name.strip():
        raise InvalidProduct("A product needs a name")
    if status not in PRODUCT_STATUSES:
        raise InvalidProduct("Unknown product status {status}", status=status)
    check_variants(specs, variants)
    async with write_transaction():
        if not await Category.exists().where(Category.id == category_id):
            raise CategoryNotFound("No category {id}", id=category_id)
        taken = await Variant.select(Variant.sku).where(
            Variant.sku.is_in([v.sku.strip() for v in variants])
        )
        if taken:
            raise DuplicateSku("SKU {sku} is already used", sku=taken[0]["sku"])
        row = await Product.insert(
            Product(
                supplier=supplier_id,
                category=category_id,
                name=name.strip(),
                name_en=name_en.strip(),
                brand=brand.strip(),
                description=description,
                image=image,
                images=images or [],
                specs=specs,
                status=status,
                search_text=await search_text_for(
                    name=name,
                    name_en=name_en,
                    brand=brand,
                    category_id=category_id,
                    skus=[v.sku.strip() for v in variants],
                ),
            )
        ).returning(Product.id)
        product_id: int = row[0]["id"]
        await Variant.insert(
            *[
                Variant(
                    product=product_id,
                    sku=v.sku.strip(),
                    options=v.options,
                    price=v.price,
                    barcode=v.barcode.strip(),
                    weight_g=v.weight_g,
                )
                for v in variants
            ]
        )
        await index_product(product_id)
    return product_id


async def listed_products(limit: int = 24) -> list[dict[str, Any]]:
    """Newest listed products of active suppliers, with their lowest price."""
    rows = (
        await Product.select(
            Product.id,
            Product.name,
            Product.name_en,
            Product.image,
            Product.brand,
            Product.supplier.id.as_alias("supplier_id"),
            Product.supplier.name.as_alias("supplier_name"),
        )
        .where(Product.status == "listed")
        .where(Product.supplier.status == "active")
        .order_by(Product.id, ascending=False)
        .limit(limit)
    )
    if not rows:
        return []
    prices = await Variant.select(Variant.product, Variant.price).where(
        Variant.product.is_in([r["id"] for r in rows])
    )
    lowest: dict[int, int] = {}
    for p in prices:
        lowest[p["product"]] = min(p["price"], lowest.get(p["product"], p["price"]))
    return [r | {"price_from": lowest.get(r["id"], 0)} for r in rows]


async def supplier_exists(supplier_id: int) -> bool:
    """Whether a supplier with this id exists."""
    return await Supplier.exists().where(Supplier.id == supplier_id)


async def record_sales(quantities: dict[int, int]) -> None:
    """Add units sold (variant id → quantity) to their products' sales counts.

    For the order that sells them to call inside its transaction; search sorts by it.
    """
    if not quantities:
        return
    rows = await Variant.select(Variant.id, Variant.product).where(
        Variant.id.is_in(list(quantities))
    )
    per_product: dict[int, int] = {}
    for row in rows:
        per_product[row["product"]] = per_product.get(row["product"], 0) + quantities[row["id"]]
    async with write_transaction():
        for product_id in sorted(per_product):
            await Product.update_unannounced(
                {Product.sales_count: Product.sales_count + per_product[product_id]}
            ).where(Product.id == product_id)
