"""CSV stock import and export: a good file applies, a file with a bad row applies nothing."""

from __future__ import annotations

import pytest
from piccolo.engine.base import Engine

from accounts.roles import Role
from catalog.tables import Variant
from locations.errors import CsvRejected
from locations.stock import StockLine, reserve_stock
from locations.stock_csv import export_stock_csv, import_stock_csv
from locations.tables import StockMovement
from tests.integration.locations.test_stock_reservations import (
    assert_ledger_matches_levels,
    level,
)
from tests.support.factories import make_product, make_store, make_user, stock


async def setup() -> dict:
    product = await make_product(prices=(100, 200))
    skus = {
        r["id"]: r["sku"]
        for r in await Variant.select(Variant.id, Variant.sku).where(
            Variant.product == product["id"]
        )
    }
    return {
        "user": await make_user(Role.SUPPLIER, supplier_id=product["supplier_id"]),
        "variants": product["variant_ids"],
        "skus": skus,
        "store": await make_store(name="徐汇店"),
        "other": await make_store(name="浦东店"),
    }


async def test_a_good_file_is_applied(db: Engine) -> None:
    s = await setup()
    first, second = s["variants"]
    await stock(s["store"], first, 10)
    await reserve_stock([StockLine(s["store"], first, 2)], reference="O-1")
    text = (
        "location,sku,on_hand,delta,reason,low_stock_threshold,note\n"
        f"徐汇店,{s['skus'][first]},7,,count,3,盘点\n"
        f"{s['other']},{s['skus'][second]},,5,,,\n"
        f"浦东店,{s['skus'][first]},,4,receive,,\n"
    )
    result = await import_stock_csv(s["user"], text.encode("utf-8"))
    assert (result.rows, result.changed) == (3, 3)
    assert await level(s["store"], first) == (7, 2)
    assert await level(s["other"], second) == (5, 0)
    assert await level(s["other"], first) == (4, 0)
    await assert_ledger_matches_levels()


async def test_a_file_with_a_bad_row_is_refused_whole_naming_the_line(db: Engine) -> None:
    s = await setup()
    first, second = s["variants"]
    await stock(s["store"], first, 10)
    before = await StockMovement.count()
    text = (
        "location_id,sku,delta,reason\n"
        f"{s['store']},{s['skus'][first]},5,receive\n"
        f"{s['store']},NO-SUCH-SKU,5,receive\n"
        f"{s['store']},{s['skus'][second]},abc,receive\n"
    )
    with pytest.raises(CsvRejected) as refused:
        await import_stock_csv(s["user"], text)
    assert refused.value.extra["errors"] == [
        {"line": 3, "problem": "sku “NO-SUCH-SKU” is unknown or not yours"},
        {"line": 4, "problem": "delta “abc” is not a whole number"},
    ]
    assert "第 3 行" in refused.value.localized()  # zh-CN is the default language
    assert await level(s["store"], first) == (10, 0)
    assert await StockMovement.count() == before


async def test_a_row_that_would_go_below_reserved_rolls_back_earlier_rows(db: Engine) -> None:
    s = await setup()
    first, second = s["variants"]
    await stock(s["store"], first, 5)
    await reserve_stock([StockLine(s["store"], first, 4)], reference="O-2")
    text = (
        "location_id,sku,on_hand,reason\n"
        f"{s['store']},{s['skus'][second]},8,count\n"
        f"{s['store']},{s['skus'][first]},1,count\n"
    )
    with pytest.raises(CsvRejected) as refused:
        await import_stock_csv(s["user"], text)
    assert refused.value.extra["errors"][0]["line"] == 3
    assert await level(s["store"], second) == (0, 0)  # line 2 was rolled back
    assert await level(s["store"], first) == (5, 4)


async def test_another_suppliers_sku_is_refused(db: Engine) -> None:
    s = await setup()
    theirs = (await make_product())["variant_ids"][0]
    sku = (await Variant.select(Variant.sku).where(Variant.id == theirs).first())["sku"]
    with pytest.raises(CsvRejected, match="unknown or not yours"):
        await import_stock_csv(s["user"], f"location_id,sku,delta\n{s['store']},{sku},5\n")


async def test_missing_columns_are_named(db: Engine) -> None:
    s = await setup()
    with pytest.raises(CsvRejected, match="sku"):
        await import_stock_csv(s["user"], "location_id,on_hand\n1,2\n")


async def test_export_lists_own_stock_and_can_be_imported_back(db: Engine) -> None:
    s = await setup()
    first, _ = s["variants"]
    await stock(s["store"], first, 9)
    await stock(s["store"], (await make_product())["variant_ids"][0], 4)  # not theirs
    text = await export_stock_csv(s["user"])
    lines = text.lstrip("\ufeff").strip().splitlines()
    assert lines[0].startswith("location_id,location,sku,product,on_hand,reserved,available")
    assert len(lines) == 2 and s["skus"][first] in lines[1] and ",9,0,9," in lines[1]
    edited = text.replace(",9,0,9,", ",6,0,9,")
    result = await import_stock_csv(s["user"], edited.encode("utf-8-sig"))
    assert result.changed == 1
    assert await level(s["store"], first) == (6, 0)
