"""The product as consumers see it is cached, and a change to it shows on the next read."""

from __future__ import annotations

import pytest
from piccolo.engine.base import Engine

from catalog.errors import ProductNotFound
from catalog.listings import listed_product
from catalog.products import record_sales
from catalog.tables import Product, Supplier, Variant
from core import versions
from core.database import write_transaction
from fulfilment.goods import goods_by_id
from tests.support.factories import make_product


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    versions.configure("")


async def test_a_price_change_shows_on_the_next_read(db: Engine) -> None:
    product = await make_product(prices=(1000,))
    assert (await listed_product(product["id"]))["price_from"] == 1000
    assert await listed_product(product["id"]) is await listed_product(product["id"])  # cached
    await Variant.update({Variant.price: 1200}).where(Variant.id == product["variant_ids"][0])
    assert (await listed_product(product["id"]))["price_from"] == 1200


async def test_unlisting_or_suspending_the_supplier_hides_it_at_once(db: Engine) -> None:
    product = await make_product()
    await listed_product(product["id"])
    await Product.update({Product.status: "unlisted"}).where(Product.id == product["id"])
    with pytest.raises(ProductNotFound):
        await listed_product(product["id"])
    await Product.update({Product.status: "listed"}).where(Product.id == product["id"])
    await listed_product(product["id"])
    await Supplier.update({Supplier.status: "suspended"}).where(
        Supplier.id == product["supplier_id"]
    )
    with pytest.raises(ProductNotFound):
        await listed_product(product["id"])


async def test_a_change_counts_only_once_committed(db: Engine) -> None:
    product = await make_product(prices=(1000,))
    await listed_product(product["id"])

    class Abandon(Exception):
        pass

    with pytest.raises(Abandon):
        async with write_transaction():
            await Variant.update({Variant.price: 5}).where(Variant.id == product["variant_ids"][0])
            raise Abandon
    assert (await listed_product(product["id"]))["price_from"] == 1000
    version = await versions.current("catalog")
    async with write_transaction():
        await Variant.update({Variant.price: 1500}).where(Variant.id == product["variant_ids"][0])
        assert await versions.current("catalog") == version  # not before the commit
    assert (await listed_product(product["id"]))["price_from"] == 1500


async def test_a_sale_keeps_the_cached_pages(db: Engine) -> None:
    product = await make_product(prices=(1000,))
    first = await listed_product(product["id"])
    version = await versions.current("catalog")

    await record_sales({product["variant_ids"][0]: 3})

    assert await versions.current("catalog") == version
    assert await listed_product(product["id"]) is first
    sold = await Product.select(Product.sales_count).where(Product.id == product["id"]).first()
    assert sold == {"sales_count": 3}


async def test_checkout_s_goods_follow_price_listing_and_supplier_at_once(db: Engine) -> None:
    product = await make_product(prices=(1000,))
    variant = product["variant_ids"][0]
    first = (await goods_by_id([variant]))[variant]
    assert first.price == 1000 and first.on_sale
    assert (await goods_by_id([variant, 10**9]))[variant] is first  # cached; unknown left out

    await Variant.update({Variant.price: 1200}).where(Variant.id == variant)
    assert (await goods_by_id([variant]))[variant].price == 1200
    await Product.update({Product.status: "unlisted"}).where(Product.id == product["id"])
    assert not (await goods_by_id([variant]))[variant].on_sale
    await Product.update({Product.status: "listed"}).where(Product.id == product["id"])
    await Supplier.update({Supplier.status: "suspended"}).where(
        Supplier.id == product["supplier_id"]
    )
    assert not (await goods_by_id([variant]))[variant].on_sale
