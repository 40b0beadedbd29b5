"""Shop decoration (店铺搭建): what a supplier's page looks like to consumers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from accounts.roles import CurrentUser, Role
from catalog.errors import SupplierNotFound
from catalog.listings import visible_to_consumers
from catalog.tables import Product, Supplier, Variant
from core.database import write_transaction
from core.errors import InvalidInput, PermissionDenied

#: Layout templates of the shop page.
LAYOUTS = ("grid", "list", "showcase")
MAX_FEATURED = 8


@dataclass(frozen=True, slots=True)
class ShopInput:
    """The shop fields a supplier edits; None keeps the current image."""

    name: str
    intro: str = ""
    layout: str = "grid"
    featured_product_ids: list[int] = field(default_factory=list)
    logo: str | None = None
    banner: str | None = None


async def update_shop(user: CurrentUser, data: ShopInput) -> None:
    """Save a supplier's shop decoration; featured products must be its own."""
    if user.role is not Role.SUPPLIER or user.supplier_id is None:
        raise PermissionDenied("Only supplier staff can decorate the shop")
    if not data.name.strip():
        raise InvalidInput("The shop needs a name")
    if len(data.name.strip()) > 100:
        raise InvalidInput("The shop name can have at most 100 characters")
    if data.layout not in LAYOUTS:
        raise InvalidInput("layout must be one of {layouts}", layouts=", ".join(LAYOUTS))
    for path in (data.logo, data.banner):
        if path and (not path.startswith("/media/") or ".." in path):
            raise InvalidInput("Images must be uploaded first; {path} is not one", path=path)
    featured = list(dict.fromkeys(data.featured_product_ids))
    if len(featured) > MAX_FEATURED:
        raise InvalidInput("At most {n} featured products", n=MAX_FEATURED)
    async with write_transaction():
        if featured:
            own = await Product.select(Product.id).where(
                Product.id.is_in(featured), Product.supplier == user.supplier_id
            )
            if len(own) != len(featured):
                raise PermissionDenied("Featured products must be your own")
        values: dict[Any, Any] = {
            Supplier.name: data.name.strip(),
            Supplier.intro: data.intro.strip(),
            Supplier.layout: data.layout,
            Supplier.featured_product_ids: featured,
        }
        if data.logo is not None:
            values[Supplier.logo] = data.logo
        if data.banner is not None:
            values[Supplier.banner] = data.banner
        await Supplier.update(values).where(Supplier.id == user.supplier_id)


async def shop_settings(supplier_id: int) -> dict[str, Any]:
    """The decoration of a supplier's shop, whatever its status (for its console)."""
    row = await Supplier.select().where(Supplier.id == supplier_id).output(load_json=True).first()
    if row is None:
        raise SupplierNotFound("No supplier {id}", id=supplier_id)
    return row


async def public_shop(supplier_id: int) -> dict[str, Any]:
    """An active supplier's shop with its listed products; featured ones first."""
    row = (
        await Supplier.select(
            Supplier.id,
            Supplier.name,
            Supplier.intro,
            Supplier.logo,
            Supplier.banner,
            Supplier.layout,
            Supplier.featured_product_ids,
        )
        .where(Supplier.id == supplier_id, Supplier.status == "active")
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise SupplierNotFound("No shop {id}", id=supplier_id)
    products = (
        await Product.select(Product.id, Product.name, Product.name_en, Product.image)
        .where(Product.supplier == supplier_id)
        .where(visible_to_consumers())
        .order_by(Product.id, ascending=False)
    )
    prices: dict[int, int] = {}
    if products:
        for v in await Variant.select(Variant.product, Variant.price).where(
            Variant.product.is_in([p["id"] for p in products]),
            Variant.is_active == True,  # noqa: E712
        ):
            prices[v["product"]] = min(v["price"], prices.get(v["product"], v["price"]))
    listed = [p | {"price_from": prices.get(p["id"], 0)} for p in products if p["id"] in prices]
    featured_ids = [
        i for i in (row["featured_product_ids"] or []) if i in {p["id"] for p in listed}
    ]
    by_id = {p["id"]: p for p in listed}
    return row | {
        "featured": [by_id[i] for i in featured_ids],
        "products": [p for p in listed if p["id"] not in featured_ids],
    }
