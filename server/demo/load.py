"""Loads the demo catalogue, stores, stock and logins through the domain services, once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from accounts.roles import Role
from accounts.users import create_user
from analytics.rollups import refresh_recent
from catalog.categories import create_category
from catalog.products import VariantInput, create_product
from catalog.reviews import seed_review
from catalog.suppliers import create_supplier
from catalog.synonyms import DEMO_SYNONYMS, add_group
from catalog.tables import Supplier, Variant
from core.database import write_transaction
from locations.locations import create_location
from locations.stock import receive_stock
from server.demo import content
from server.demo.images import product_image_svg, store_image_svg
from server.demo.promotions import load_demo_promotions
from server.demo.reviews import REVIEWS


@dataclass(frozen=True)
class DemoSummary:
    """What the loader did, for the command line to print."""

    loaded: bool
    suppliers: int
    products: int
    variants: int
    locations: int
    stock_rows: int


def _write_image(media_dir: Path, folder: str, key: str, svg: str) -> str:
    path = media_dir / "demo" / folder / f"{key}.svg"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(svg, encoding="utf-8")
    return f"/media/demo/{folder}/{key}.svg"


async def demo_loaded() -> bool:
    """Whether the demo suppliers are already there (the loader's idempotency mark)."""
    first = content.SUPPLIERS[0]
    return await Supplier.exists().where(Supplier.licence_no == first["licence_no"])


async def load_demo(media_dir: Path) -> DemoSummary:
    """Load everything in one transaction, or nothing when it is already loaded."""
    counts = DemoSummary(
        loaded=False,
        suppliers=len(content.SUPPLIERS),
        products=len(content.PRODUCTS),
        variants=sum(len(p["variants"]) for p in content.PRODUCTS),
        locations=len(content.LOCATIONS),
        stock_rows=len(content.stock_plan()),
    )
    async with write_transaction():
        if await demo_loaded():
            return counts
        supplier_ids = {
            s["key"]: await create_supplier(
                name=s["name"],
                company_name=s["company_name"],
                licence_no=s["licence_no"],
                tax_no=s["tax_no"],
                contact_name=s["contact_name"],
                contact_phone=s["contact_phone"],
                contact_email=s["contact_email"],
                intro=s["intro"],
                status="active",
                commission_bp=s["commission_bp"],
                deposit=s["deposit"],
            )
            for s in content.SUPPLIERS
        }
        category_ids: dict[str, int] = {}
        for position, c in enumerate(content.CATEGORIES):
            category_ids[c["key"]] = await create_category(
                slug=c["key"],
                name_zh=c["name_zh"],
                name_en=c["name_en"],
                parent_id=category_ids[c["parent"]] if c["parent"] else None,
                position=position,
            )
        for p in content.PRODUCTS:
            image_key = p["variants"][0]["sku"].lower()
            image = _write_image(
                media_dir, "products", image_key, product_image_svg(p["name"], p["color"])
            )
            await create_product(
                supplier_id=supplier_ids[p["supplier"]],
                category_id=category_ids[p["category"]],
                name=p["name"],
                name_en=p["name_en"],
                brand=p["brand"],
                description=p["description"],
                image=image,
                specs=p["specs"],
                status="listed",
                variants=[
                    VariantInput(
                        sku=v["sku"],
                        price=v["price"],
                        options=v["options"],
                        barcode=v["barcode"],
                        weight_g=v["weight_g"],
                    )
                    for v in p["variants"]
                ],
            )
        for group in DEMO_SYNONYMS:
            await add_group(group)
        variants = await Variant.select(Variant.id, Variant.sku, Variant.product)
        variant_ids = {r["sku"]: r["id"] for r in variants}
        product_of = {r["sku"]: r["product"] for r in variants}
        now = datetime.now(UTC)
        for sku, author, rating, text, days_ago, reply in REVIEWS:
            await seed_review(
                product_id=product_of[sku],
                author_display=author,
                rating=rating,
                text=text,
                created_at=now - timedelta(days=days_ago),
                reply=reply,
            )
        location_ids: dict[str, int] = {}
        for loc in content.LOCATIONS:
            photo = _write_image(
                media_dir, "stores", loc["key"], store_image_svg(loc["name"], loc["city"])
            )
            location_ids[loc["key"]] = await create_location(
                kind=loc["kind"],
                name=loc["name"],
                name_en=loc["name_en"],
                city=loc["city"],
                district=loc["district"],
                address=loc["address"],
                adcode=loc["adcode"],
                lat=loc["lat"],
                lon=loc["lon"],
                phone=loc["phone"],
                opening_hours=loc["opening_hours"],
                pickup_enabled=loc["pickup_enabled"],
                pickup_hold_days=loc["pickup_hold_days"],
                prep_minutes=loc.get("prep_minutes", 30),
                photo=photo,
            )
        for location_key, sku, quantity in content.stock_plan():
            if quantity > 0:
                await receive_stock(
                    location_id=location_ids[location_key],
                    variant_id=variant_ids[sku],
                    quantity=quantity,
                    reference="demo opening stock",
                )
        for u in content.USERS:
            scope = [part.split(":", 1) for part in u["scope"]]
            await create_user(
                email=u["email"],
                password=u["password"],
                name=u["name"],
                role=Role(u["role"]),
                store_ids=[location_ids[key] for kind, key in scope if kind == "store"],
                supplier_id=next(
                    (supplier_ids[key] for kind, key in scope if kind == "supplier"), None
                ),
            )
        await load_demo_promotions(supplier_ids, variant_ids)
    await refresh_recent()  # the analytics dashboards show the demo's figures at once
    return DemoSummary(**{**counts.__dict__, "loaded": True})
