"""The product as consumers see it is cached, and a change to it shows on the next read."""

from __future__ import annotations

import asyncio

import pytest
from piccolo.engine.base import Engine

from catalog.catalog_cache import cached
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


class CountedLoad:
    """A slow load that counts its calls; answers in turn (an exception is raised)."""

    def __init__(self, *answers: object) -> None:
        self.answers = answers
        self.calls = 0

    async def __call__(self) -> object:
        self.calls += 1
        await asyncio.sleep(0.01)
        answer = self.answers[min(self.calls, len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer


async def test_viewers_missing_the_same_entry_at_once_share_one_load(db: Engine) -> None:
    render = CountedLoad("页面")

    pages = await asyncio.gather(*(cached(("shared load", 1), render) for _ in range(20)))

    assert pages == ["页面"] * 20
    assert render.calls == 1


async def test_a_failed_shared_load_fails_its_waiters_and_is_tried_again(db: Engine) -> None:
    flaky = CountedLoad(ConnectionError("database away"), "页面")

    failed = await asyncio.gather(
        *(cached(("flaky load", 1), flaky) for _ in range(5)), return_exceptions=True
    )

    assert all(isinstance(error, ConnectionError) for error in failed)
    assert await cached(("flaky load", 1), flaky) == "页面"
    assert flaky.calls == 2


async def test_an_answer_read_inside_a_write_transaction_is_not_kept(db: Engine) -> None:
    read = CountedLoad(1, 2)

    async with write_transaction():
        # It may see the transaction's own rows, which a rollback would leave behind.
        assert await cached(("read in a transaction", 1), read) == 1
    assert await cached(("read in a transaction", 1), read) == 2
    assert await cached(("read in a transaction", 1), read) == 2
