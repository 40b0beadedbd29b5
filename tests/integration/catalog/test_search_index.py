"""The search index follows the catalogue: edits, approvals, category renames, the catch-up."""

from __future__ import annotations

import pytest
from piccolo.engine.base import Engine

from accounts.roles import Role
from catalog import search_index
from catalog.categories import update_category
from catalog.listings import ProductInput, approve_product, edit_product
from catalog.products import VariantInput
from catalog.search import SearchQuery, search_products
from catalog.search_index import INDEX_VERSION, reindex_stale
from catalog.tables import Product, SearchTerm
from core.database import is_postgres
from tests.support.factories import make_category, make_product, make_supplier, make_user


async def ids(q: str) -> list[int]:
    return [item["id"] for item in (await search_products(SearchQuery(q=q))).items]


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
