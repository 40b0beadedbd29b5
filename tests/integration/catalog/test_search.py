"""Keyword search with filters, sorts and pages; the same answers on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine

from catalog import search
from catalog.products import record_sales
from catalog.search import (
    SearchQuery,
    _driver,
    _keyword_sql,
    _known,
    _run,
    search_products,
    term_groups,
)
from catalog.search_index import index_product
from catalog.search_sales import refresh_search_sales
from catalog.synonyms import add_group
from catalog.tables import Product, Supplier, Variant
from core.database import use_engine
from core.errors import InvalidInput
from tests.support import databases
from tests.support.factories import make_category, make_product, make_supplier


async def shelf() -> dict[str, Any]:
    """A small catalogue: phones (two suppliers), a laptop, unlisted and suspended goods."""
    digital = await make_category("数码")
    phones = await make_category("手机", parent_id=digital)
    laptops = await make_category("电脑", parent_id=digital)
    drinks = await make_category("饮料")
    huawei_shop, xiaomi_shop = await make_supplier(), await make_supplier()
    ids = {
        "mate": await make_product(
            supplier_id=huawei_shop, category_id=phones, name="华为 Mate 60 手机", prices=(599900,)
        ),
        "pura": await make_product(
            supplier_id=huawei_shop,
            category_id=phones,
            name="华为 Pura 70 手机",
            prices=(549900, 649900),
        ),
        "xiaomi": await make_product(
            supplier_id=xiaomi_shop, category_id=phones, name="小米 14 手机", prices=(399900,)
        ),
        "case": await make_product(
            supplier_id=xiaomi_shop, category_id=phones, name="手机壳 透明", prices=(2900,)
        ),
        "laptop": await make_product(
            supplier_id=huawei_shop, category_id=laptops, name="华为 MateBook 14", prices=(699900,)
        ),
        "tea": await make_product(category_id=drinks, name="农夫山泉 东方树叶 绿茶", prices=(500,)),
        "pending": await make_product(
            category_id=phones, name="荣耀 手机 待审", status="pending_review"
        ),
        "suspended": await make_product(
            supplier_id=await make_supplier(status="suspended"),
            category_id=phones,
            name="停业 手机",
        ),
    }
    await Product.update({Product.sales_count: 50}).where(Product.id == ids["xiaomi"]["id"])
    await Product.update({Product.sales_count: 20}).where(Product.id == ids["case"]["id"])
    await refresh_search_sales()  # as the app does every few seconds
    return {
        "ids": {k: v["id"] for k, v in ids.items()},
        "digital": digital,
        "phones": phones,
        "huawei": huawei_shop,
    }


def names(result: Any, data: dict[str, Any]) -> list[str]:
    by_id = {v: k for k, v in data["ids"].items()}
    return [by_id[item["id"]] for item in result.items]


async def test_chinese_keywords_find_listed_goods_only(db: Engine) -> None:
    data = await shelf()
    found = await search_products(SearchQuery(q="手机"))
    assert set(names(found, data)) == {"mate", "pura", "xiaomi", "case"}
    assert found.total == 4
    both = await search_products(SearchQuery(q="华为  手机"))
    assert set(names(both, data)) == {"mate", "pura"}
    english = await search_products(SearchQuery(q="MATE"))  # case-insensitive
    assert set(names(english, data)) == {"mate", "laptop"}
    by_category_name = await search_products(SearchQuery(q="电脑"))
    assert names(by_category_name, data) == ["laptop"]
    assert (await search_products(SearchQuery(q="100%"))).total == 0


async def test_relevance_puts_name_matches_first(db: Engine) -> None:
    data = await shelf()
    found = await search_products(SearchQuery(q="手机壳"))
    assert names(found, data) == ["case"]
    found = await search_products(SearchQuery(q="手机"))
    # Four names hold the word at the same weight: the best seller comes first.
    assert names(found, data)[0] == "xiaomi"
    laptop = await search_products(SearchQuery(q="华为 14"))
    assert names(laptop, data) == ["laptop"]  # "14" is in its name, not in the phones'


async def test_filters_by_category_with_descendants_supplier_and_price(db: Engine) -> None:
    data = await shelf()
    digital = await search_products(SearchQuery(category_id=data["digital"]))
    assert set(names(digital, data)) == {"mate", "pura", "xiaomi", "case", "laptop"}
    huawei = await search_products(SearchQuery(supplier_id=data["huawei"]))
    assert set(names(huawei, data)) == {"mate", "pura", "laptop"}
    mid = await search_products(SearchQuery(min_price=300000, max_price=600000))
    assert set(names(mid, data)) == {"mate", "pura", "xiaomi"}  # pura from 5 499.00


async def test_sorts_by_sales_price_and_newest(db: Engine) -> None:
    data = await shelf()
    sales = await search_products(SearchQuery(category_id=data["phones"], sort="sales"))
    assert names(sales, data)[:2] == ["xiaomi", "case"]
    cheap = await search_products(SearchQuery(category_id=data["phones"], sort="price_asc"))
    assert names(cheap, data) == ["case", "xiaomi", "pura", "mate"]
    dear = await search_products(SearchQuery(category_id=data["phones"], sort="price_desc"))
    assert names(dear, data) == ["mate", "pura", "xiaomi", "case"]
    newest = await search_products(SearchQuery(category_id=data["phones"], sort="newest"))
    assert names(newest, data) == ["case", "xiaomi", "pura", "mate"]
    assert dear.items[1]["price_from"] == 549900
    assert [v["price"] for v in dear.items[1]["variants"]] == [549900, 649900]


async def test_pages_cover_every_result_once(db: Engine) -> None:
    data = await shelf()
    seen: list[str] = []
    for page in (1, 2, 3):
        result = await search_products(SearchQuery(sort="price_asc", page=page, per_page=2))
        assert (result.total, result.pages, result.page) == (6, 3, page)
        seen += names(result, data)
    assert sorted(seen) == sorted(["mate", "pura", "xiaomi", "case", "laptop", "tea"])
    beyond = await search_products(SearchQuery(page=9, per_page=2))
    assert beyond.items == [] and beyond.total == 6


@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(sort="cheapest"),
        SearchQuery(page=0),
        SearchQuery(min_price=500, max_price=100),
        SearchQuery(min_price=-1),
        SearchQuery(per_page=1000),
    ],
)
async def test_bad_queries_are_refused_with_a_reason(db: Engine, query: SearchQuery) -> None:
    with pytest.raises(InvalidInput):
        await search_products(query)


QUERIES = [
    SearchQuery(q="手机"),
    SearchQuery(q="华为", sort="price_desc"),
    SearchQuery(q="mate", sort="newest"),
    SearchQuery(sort="sales", per_page=3, page=2),
    SearchQuery(min_price=1000, max_price=650000, sort="price_asc"),
]


async def test_sqlite_and_postgresql_give_identical_results(
    engines: dict[str, Engine | Exception],
) -> None:
    answers: dict[str, list[Any]] = {}
    for backend, engine in engines.items():
        if isinstance(engine, Exception):
            if databases.REQUIRE_SERVICES:
                pytest.fail(f"{backend} is not reachable: {engine}")
            pytest.skip(f"{backend} is not reachable: {engine}")
        use_engine(engine)
        await databases.empty_all_tables(engine)
        data = await shelf()
        answers[backend] = [
            (names(r, data), r.total, r.pages, [i["price_from"] for i in r.items])
            for r in [await search_products(q) for q in QUERIES]
        ]
    assert answers["sqlite"] == answers["postgres"]
    assert answers["sqlite"][0][1] == 4


async def test_recorded_sales_lift_a_product_in_the_sales_sort(db: Engine) -> None:
    data = await shelf()
    tea_variant = (
        await Variant.select(Variant.id).where(Variant.product == data["ids"]["tea"]).first()
    )["id"]
    await record_sales({tea_variant: 80})
    top = await search_products(SearchQuery(sort="sales"))
    assert names(top, data)[0] == "tea"
    assert top.items[0]["sales_count"] == 80


async def test_several_words_are_matched_from_the_rarest_alike_for_any_driver(db: Engine) -> None:
    """The word with the fewest index rows drives the match; the answer never depends on it."""
    data = await shelf()
    groups = await term_groups("手机 华为")
    assert [g.word for g in groups] == ["手机", "华为"]
    assert await _driver(groups) == 1  # 华为: fewer rows than 手机 (a word, synonyms, category)
    query = SearchQuery(q="手机 华为")
    answers = [
        sorted(await _run(_keyword_sql(query, groups, None, driver)), key=str) for driver in (0, 1)
    ]
    assert answers[0] == answers[1]
    found = await search_products(query)
    assert set(names(found, data)) == {"mate", "pura"}
    assert found.total == 2


async def test_a_cached_answer_gives_way_to_catalog_writes_at_once(db: Engine) -> None:
    """Repeated queries reuse their answer; a rename, a synonym, a suspension show at once."""
    data = await shelf()
    assert (await search_products(SearchQuery(q="手机"))).total == 4
    await Product.update({Product.name: "东方树叶 手机支架"}).where(
        Product.id == data["ids"]["tea"]
    )
    await index_product(data["ids"]["tea"])
    assert "tea" in names(await search_products(SearchQuery(q="手机")), data)
    assert (await search_products(SearchQuery(q="树叶"))).total == 1
    assert (await search_products(SearchQuery(q="樹葉"))).total == 0
    await add_group("树叶, 樹葉")
    assert (await search_products(SearchQuery(q="樹葉"))).total == 1
    await Supplier.update({Supplier.status: "suspended"}).where(Supplier.id == data["huawei"])
    assert set(names(await search_products(SearchQuery(q="手机")), data)) == {
        "xiaomi",
        "case",
        "tea",
    }


async def test_sales_reach_a_repeated_query_within_the_answer_age(
    db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sales counts change without a catalog write: a cached ranking lags them, boundedly."""
    data = await shelf()
    tea_variant = (
        await Variant.select(Variant.id).where(Variant.product == data["ids"]["tea"]).first()
    )["id"]
    assert names(await search_products(SearchQuery(sort="sales")), data)[0] == "xiaomi"
    await record_sales({tea_variant: 80})
    assert names(await search_products(SearchQuery(sort="sales")), data)[0] == "xiaomi"
    monkeypatch.setattr(search, "ANSWER_MAX_AGE_S", 0.0)
    assert names(await search_products(SearchQuery(sort="sales")), data)[0] == "tea"


@pytest.mark.parametrize("q", ["手机 华为", "华为手机", "手机", "mate 手机 华为", "xiaomi"])
async def test_both_statement_shapes_give_the_same_answer(db: Engine, q: str) -> None:
    """The probe shape (SQLite's) and the join shape (PostgreSQL's) answer alike."""
    await shelf()
    groups = await term_groups(q)
    query = SearchQuery(q=q, sort="sales")
    probes = await _run(_keyword_sql(query, groups, None, 0))
    if isinstance(db, PostgresEngine):
        joined = await _run(_keyword_sql(query, groups, None, postgres=True))
        assert sorted(joined, key=str) == sorted(probes, key=str)
    assert any(row["part"] == 0 for row in probes)


async def test_known_words_are_found_among_more_than_a_statement_can_ask(db: Engine) -> None:
    """Which words the index knows, asked for more words than one compound SELECT holds."""
    await shelf()
    asked = [f"无此词{i}" for i in range(1_200)] + ["手机", "华为", "绿茶"]
    assert await _known(asked) == {"手机", "华为", "绿茶"}
    assert await _known([]) == set()
