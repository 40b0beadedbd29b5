"""The search index follows the catalogue: edits, approvals, category renames, the catch-up."""

from __future__ import annotations

from typing import Any

import pytest
from piccolo.engine.base import Engine

from accounts.roles import Role
from catalog import search, search_index
from catalog.categories import update_category
from catalog.listings import ProductInput, approve_product, edit_product, set_listed
from catalog.products import VariantInput, record_sales
from catalog.search import SearchQuery, search_products
from catalog.search_index import INDEX_VERSION, copies_out_of_step, reindex_stale
from catalog.search_sales import refresh_search_sales
from catalog.tables import Product, SearchTerm
from core.database import is_postgres
from tests.support.factories import make_category, make_product, make_supplier, make_user


async def ids(q: str, **filters: Any) -> list[int]:
    """Ids of the page a search for `q` (and any other `SearchQuery` field) answers."""
    query = SearchQuery(q=q, **filters)
    return [item["id"] for item in (await search_products(query)).items]


async def test_a_new_product_is_found_by_pinyin_and_its_lowest_price(db: Engine) -> None:
    made = await make_product(name="罗技 无线鼠标", prices=(19900, 12900))
    assert await ids("luoji") == [made["id"]]
    assert await ids("wuxianshubiao") == []  # pinyin per word, not of the whole name
    assert await ids("wuxian shubiao") == [made["id"]]
    row = await Product.select(Product.price_from, Product.search_version).first()
    assert row == {"price_from": 12900, "search_version": INDEX_VERSION}


async def test_an_approved_edit_replaces_the_terms(db: Engine) -> None:
    supplier_id = await make_supplier()
    category_id = await make_category("耳机")
    made = await make_product(supplier_id=supplier_id, category_id=category_id, name="旧名字 耳机")
    staff = await make_user(Role.SUPPLIER, supplier_id=supplier_id)
    sku = (await Product.raw("SELECT sku FROM variant WHERE product = {}", made["id"]))[0]["sku"]
    edit = ProductInput(
        category_id=category_id,
        name="索尼 WH-1000XM5 降噪耳机",
        variants=[VariantInput(sku=sku, price=199900)],
    )
    assert await edit_product(staff, made["id"], edit) == "listed"
    assert await ids("wh1000xm5") == []  # the listed version stays until the operator approves
    await approve_product(made["id"])
    assert await ids("wh1000xm5") == [made["id"]]
    assert await ids("旧名字") == []


async def test_renaming_a_category_reindexes_its_products_after_the_commit(db: Engine) -> None:
    top = await make_category("数码")
    phones = await make_category("手机", parent_id=top)
    made = await make_product(category_id=phones, name="荣耀 X50")
    assert await ids("通讯") == []
    await update_category(top, name_zh="通讯器材")
    assert await ids("通讯") == [made["id"]]  # a parent's name counts for its children


async def test_the_catch_up_rebuilds_stale_products(db: Engine) -> None:
    made = await make_product(name="农夫山泉 饮用天然水")
    await SearchTerm.delete().where(SearchTerm.product == made["id"])
    await Product.update({Product.search_version: 0}).where(Product.id == made["id"])
    assert await ids("nfsq") == []
    assert await reindex_stale() == 1
    assert await ids("nfsq") == [made["id"]]
    assert await reindex_stale() == 0


async def test_term_rows_follow_their_product_through_listing_price_sales_and_edits(
    db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "ANSWER_CACHE", False)  # each query runs its statement
    supplier_id = await make_supplier()
    phones = await make_category("手机")
    watches = await make_category("手表")
    made = await make_product(supplier_id=supplier_id, category_id=phones, name="小米 14 手机")
    other = await make_product(name="小米 手环 8")
    staff = await make_user(Role.SUPPLIER, supplier_id=supplier_id)
    assert sorted(await ids("xiaomi")) == sorted([made["id"], other["id"]])

    await record_sales({made["variant_ids"][0]: 7})
    assert await ids("xiaomi", sort="sales") == sorted(
        [made["id"], other["id"]], reverse=True
    )  # no sales yet as search sees them: the newest first
    assert await refresh_search_sales() == 1
    assert await refresh_search_sales() == 0
    assert await ids("xiaomi", sort="sales") == [made["id"], other["id"]]
    await set_listed(staff, made["id"], False)
    assert await copies_out_of_step() == 0
    assert await ids("xiaomi") == [other["id"]]  # delisted: gone from search at once

    await set_listed(staff, made["id"], True)
    sku = (await Product.raw("SELECT sku FROM variant WHERE product = {}", made["id"]))[0]["sku"]
    edit = ProductInput(
        category_id=watches,
        name="小米 14 手机",
        brand="Xiaomi 小米",
        variants=[VariantInput(sku=sku, price=100)],
    )
    await edit_product(staff, made["id"], edit)
    await approve_product(made["id"])
    assert await copies_out_of_step() == 0
    rows = await SearchTerm.select(
        SearchTerm.status,
        SearchTerm.price_from,
        SearchTerm.sales_count,
        SearchTerm.brand,
        SearchTerm.category,
        SearchTerm.supplier,
    ).where(SearchTerm.product == made["id"])
    assert rows and {tuple(r.values()) for r in rows} == {
        ("listed", 100, 7, "Xiaomi 小米", watches, supplier_id)
    }
    # The filters read the copies on PostgreSQL and the product on SQLite: same answers.
    assert await ids("xiaomi", category_id=watches) == [made["id"]]
    assert await ids("xiaomi", max_price=100) == [made["id"]]
    assert await ids("xiaomi", brands=("Xiaomi 小米",)) == [made["id"]]
    assert await ids("xiaomi", sort="sales") == [made["id"], other["id"]]


async def _term_rows_in_statistics(engine: Engine) -> int:
    """How many search_term rows the planner's statistics hold (0 before any ANALYZE)."""
    if is_postgres(engine):
        rows = await engine.run_ddl("SELECT reltuples FROM pg_class WHERE relname = 'search_term'")
        return max(0, int(rows[0]["reltuples"]))
    tables = await engine.run_ddl("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
    if not tables:
        return 0
    rows = await engine.run_ddl("SELECT stat FROM sqlite_stat1 WHERE tbl = 'search_term'")
    return int(rows[0]["stat"].split()[0]) if rows else 0


async def test_a_large_catch_up_refreshes_the_statistics(
    db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("农夫山泉 饮用天然水", "罗技 无线鼠标", "索尼 降噪耳机"):
        await make_product(name=name)
    await Product.update({Product.search_version: 0}, force=True)
    monkeypatch.setattr(search_index, "ANALYSE_AFTER", 3)
    assert await _term_rows_in_statistics(db) != await SearchTerm.count()
    assert await reindex_stale() == 3
    assert await _term_rows_in_statistics(db) == await SearchTerm.count()
