"""The demo data: loads through the services, believably, and only once."""

from __future__ import annotations

from pathlib import Path

from httpx import AsyncClient
from piccolo.engine.base import Engine

from accounts.users import authenticate
from catalog.tables import Category, Product, Review, Supplier, Variant
from locations.tables import Location, StockLevel, StockMovement
from server.demo import content
from server.demo.load import load_demo
from server.demo.reviews import REVIEWS


async def test_demo_loads_once_and_every_login_works(db: Engine, tmp_path: Path) -> None:
    first = await load_demo(tmp_path)
    second = await load_demo(tmp_path)
    assert first.loaded and not second.loaded
    assert await Supplier.count() == len(content.SUPPLIERS) >= 3
    assert await Product.count().where(Product.status == "listed") >= 40
    assert await Variant.count() == first.variants
    assert await Review.count() == len(REVIEWS)  # loaded once, with the demo
    assert await Category.count().where(Category.parent.is_null()) >= 6
    assert await Location.count().where(Location.kind == "store") >= 12
    assert await Location.count().where(Location.kind == "warehouse") >= 2
    assert await StockLevel.count() > 0
    # every unit on hand is explained by the ledger
    levels = await StockLevel.select(StockLevel.on_hand.as_alias("n"))
    moves = await StockMovement.select(StockMovement.on_hand_delta.as_alias("n"))
    assert sum(r["n"] for r in levels) == sum(r["n"] for r in moves)
    for user in content.USERS:
        logged_in = await authenticate(user["email"], user["password"])
        assert logged_in.role == user["role"]
    assert (tmp_path / "demo" / "products").is_dir()


async def test_home_page_shows_the_demo_catalogue(
    client: AsyncClient, db: Engine, media_dir: Path
) -> None:
    await load_demo(media_dir)
    page = await client.get("/")
    assert page.status_code == 200
    assert "¥" in page.text
    assert sum(p["name"] in page.text for p in content.PRODUCTS) >= 12
    image = next(iter((media_dir / "demo" / "products").iterdir()))
    assert (await client.get(f"/media/demo/products/{image.name}")).status_code == 200
    categories = (await client.get("/api/categories")).json()
    assert len(categories) >= 6 and all(c["name_zh"] for c in categories)
