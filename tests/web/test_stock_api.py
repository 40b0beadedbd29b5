"""Supplier stock through the JSON API and the console page: own stock only, clear refusals."""

from __future__ import annotations

from httpx import AsyncClient
from piccolo.engine.base import Engine

from accounts.roles import Role
from catalog.tables import Variant
from locations.stock import StockLine, reserve_stock
from tests.integration.locations.test_stock_reservations import (
    assert_ledger_matches_levels,
    level,
)
from tests.support.factories import login, make_product, make_store, make_user, stock
from tests.support.web import submit_form


async def supplier_setup(client: AsyncClient) -> dict:
    """A logged-in supplier with one variant, a store, and another supplier's variant there."""
    product = await make_product()
    user = await make_user(Role.SUPPLIER, supplier_id=product["supplier_id"])
    await login(client, user)
    variant = product["variant_ids"][0]
    sku = (await Variant.select(Variant.sku).where(Variant.id == variant).first())["sku"]
    return {
        "user": user,
        "variant": variant,
        "sku": sku,
        "store": await make_store(name="徐汇店"),
        "theirs": (await make_product())["variant_ids"][0],
    }


async def test_put_sets_a_count_or_adjusts_with_a_reason(client: AsyncClient, db: Engine) -> None:
    s = await supplier_setup(client)
    url = f"/api/supplier/stock/{s['store']}/{s['variant']}"
    response = await client.put(url, json={"on_hand": 12, "reason": "count"})
    assert response.status_code == 200, response.text
    assert response.json() == {
        "location_id": s["store"],
        "variant_id": s["variant"],
        "on_hand": 12,
        "reserved": 0,
        "available": 12,
    }
    response = await client.put(url, json={"delta": -2, "reason": "damage", "note": "摔坏"})
    assert response.json()["on_hand"] == 10
    await reserve_stock([StockLine(s["store"], s["variant"], 8)], reference="O-1")
    refused = await client.put(url, json={"on_hand": 5, "reason": "count"})
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid_stock_change"
    assert "8" in refused.json()["detail"]
    assert await level(s["store"], s["variant"]) == (10, 8)
    bad_reason = await client.put(url, json={"delta": 1, "reason": "because"})
    assert bad_reason.status_code == 400
    await assert_ledger_matches_levels()


async def test_a_supplier_gets_403_for_another_suppliers_stock(
    client: AsyncClient, db: Engine
) -> None:
    s = await supplier_setup(client)
    await stock(s["store"], s["theirs"], 5)
    await stock(s["store"], s["variant"], 1)
    response = await client.put(
        f"/api/supplier/stock/{s['store']}/{s['theirs']}", json={"delta": -5, "reason": "loss"}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "stock_forbidden"
    listed = (await client.get("/api/supplier/stock")).json()["items"]
    assert [r["variant_id"] for r in listed] == [s["variant"]]
    transfer = await client.post(
        "/api/supplier/stock/transfers",
        json={
            "source_id": s["store"],
            "destination_id": await make_store(),
            "variant_id": s["theirs"],
            "quantity": 1,
        },
    )
    assert transfer.status_code == 403
    assert await level(s["store"], s["theirs"]) == (5, 0)


async def test_a_consumer_cannot_reach_stock(client: AsyncClient, db: Engine) -> None:
    await login(client, await make_user(Role.CONSUMER))
    assert (await client.get("/api/supplier/stock")).status_code == 403


async def test_low_stock_list_and_threshold(client: AsyncClient, db: Engine) -> None:
    s = await supplier_setup(client)
    other = await make_store(name="浦东店")
    await stock(s["store"], s["variant"], 2)
    await stock(other, s["variant"], 50)
    for location in (s["store"], other):
        response = await client.put(
            f"/api/supplier/stock/{location}/{s['variant']}",
            json={"reason": "count", "low_stock_threshold": 5},
        )
        assert response.status_code == 200, response.text
    low = (await client.get("/api/supplier/stock", params={"low": 1})).json()["items"]
    assert [(r["location_id"], r["available"], r["low"]) for r in low] == [(s["store"], 2, True)]
    at_one = await client.get("/api/supplier/stock", params={"location_id": other})
    assert [r["on_hand"] for r in at_one.json()["items"]] == [50]


async def test_transfer_through_the_api(client: AsyncClient, db: Engine) -> None:
    s = await supplier_setup(client)
    destination = await make_store(name="仓库", kind="warehouse")
    await stock(s["store"], s["variant"], 3)
    body = {
        "source_id": s["store"],
        "destination_id": destination,
        "variant_id": s["variant"],
        "quantity": 4,
    }
    too_many = await client.post("/api/supplier/stock/transfers", json=body)
    assert too_many.status_code == 400
    assert "3" in too_many.json()["detail"]
    started = await client.post("/api/supplier/stock/transfers", json={**body, "quantity": 2})
    assert started.status_code == 201
    transfer = started.json()
    assert (transfer["status"], transfer["sku"]) == ("in_transit", s["sku"])
    received = await client.post(f"/api/supplier/stock/transfers/{transfer['id']}/receive")
    assert received.json()["status"] == "received"
    again = await client.post(f"/api/supplier/stock/transfers/{transfer['id']}/receive")
    assert again.status_code == 409
    assert await level(destination, s["variant"]) == (2, 0)
    assert await level(s["store"], s["variant"]) == (1, 0)


async def test_csv_round_trip_and_refusal_through_the_api(client: AsyncClient, db: Engine) -> None:
    s = await supplier_setup(client)
    await stock(s["store"], s["variant"], 4)
    exported = await client.get("/api/supplier/stock/export.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    assert s["sku"] in exported.text
    good = f"location,sku,delta,reason\n徐汇店,{s['sku']},6,receive\n"
    response = await client.post(
        "/api/supplier/stock/import", content=good.encode(), headers={"content-type": "text/csv"}
    )
    assert response.json() == {"rows": 1, "changed": 1}
    bad = f"location,sku,delta,reason\n徐汇店,{s['sku']},6,receive\n火星店,{s['sku']},1,receive\n"
    refused = await client.post(
        "/api/supplier/stock/import", content=bad.encode(), headers={"content-type": "text/csv"}
    )
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {"line": 3, "problem": "location “火星店” is unknown or not yours"}
    ]
    assert "第 3 行" in refused.json()["detail"]
    assert await level(s["store"], s["variant"]) == (10, 0)


async def test_the_stock_page_shows_levels_and_its_forms_work(
    client: AsyncClient, db: Engine
) -> None:
    s = await supplier_setup(client)
    page = await client.get("/supplier/stock")
    assert page.status_code == 200 and "各地点库存" in page.text
    received = await submit_form(
        client,
        "/supplier/stock/receive",
        {"location_id": str(s["store"]), "sku": s["sku"], "quantity": "7"},
        page="/supplier/stock",
    )
    assert received.status_code in (302, 303)
    assert await level(s["store"], s["variant"]) == (7, 0)
    page = await client.get("/supplier/stock")
    assert s["sku"] in page.text and "已入库" in page.text
    refused = await submit_form(
        client,
        "/supplier/stock/adjust",
        {
            "location_id": str(s["store"]),
            "variant_id": str(s["variant"]),
            "mode": "delta",
            "amount": "-9",
            "reason": "loss",
        },
        page="/supplier/stock",
    )
    assert refused.status_code == 400
    assert "最多可扣减 7 件" in refused.text
    assert await level(s["store"], s["variant"]) == (7, 0)
    bad_file = await client.post(
        "/supplier/stock/import",
        files={"file": ("stock.csv", f"location,sku,delta\n徐汇店,{s['sku']},x\n".encode())},
        headers={"x-csrftoken": client.cookies.get("kuaiqu_csrf", "")},
    )
    assert bad_file.status_code == 400
    assert "第 2 行" in bad_file.text


async def test_the_ledger_shows_each_change_with_reason_and_actor(
    client: AsyncClient, db: Engine
) -> None:
    s = await supplier_setup(client)
    await stock(s["store"], s["theirs"], 3)  # another supplier's movement: not shown
    url = f"/api/supplier/stock/{s['store']}/{s['variant']}"
    await client.put(url, json={"delta": 5, "reason": "receive", "note": "送货单 A-1"})
    await client.put(url, json={"delta": -1, "reason": "damage"})
    ledger = (await client.get("/api/supplier/stock/movements")).json()
    assert [(m["reason"], m["on_hand_delta"], m["reference"]) for m in ledger] == [
        ("damage", -1, ""),
        ("receive", 5, "送货单 A-1"),
    ]
    assert {m["actor_id"] for m in ledger} == {s["user"].id}
    page = await client.get("/supplier/stock")
    assert "最近变动" in page.text and "损坏" in page.text


def test_every_stock_and_location_label_has_a_chinese_translation() -> None:
    from backoffice.shared.stock_labels import LABELS
    from core.i18n import zh_catalogue

    english = {text for group in LABELS.values() for text in group.values()}
    assert english - set(zh_catalogue()) == set()


async def test_the_stock_page_reads_well_in_english(client: AsyncClient, db: Engine) -> None:
    s = await supplier_setup(client)
    await client.put(
        f"/api/supplier/stock/{s['store']}/{s['variant']}", json={"delta": 3, "reason": "found"}
    )
    await client.get("/lang/en?next=/")
    page = await client.get("/supplier/stock")
    assert "Stock by location" in page.text and "Found in count" in page.text
    assert "reason:" not in page.text


async def test_the_stock_page_is_searchable_and_paged(client: AsyncClient, db: Engine) -> None:
    product = await make_product(name="整箱 矿泉水", prices=tuple(100 + i for i in range(60)))
    await login(client, await make_user(Role.SUPPLIER, supplier_id=product["supplier_id"]))
    store = await make_store(name="徐汇店")
    for variant in product["variant_ids"]:
        await stock(store, variant, 3)
    skus = [
        r["sku"] for r in await Variant.select(Variant.sku).where(Variant.product == product["id"])
    ]

    first = await client.get("/supplier/stock")
    assert first.text.count("data-row=") == 50 and "第 1 / 2 页" in first.text
    second = await client.get("/supplier/stock", params={"page": 2})
    assert second.text.count("data-row=") == 10
    one = await client.get("/supplier/stock", params={"q": skus[7].lower()})
    assert one.text.count("data-row=") == 1 and skus[7] in one.text


async def test_a_sku_with_one_left_counts_as_low_without_setting_a_threshold(
    client: AsyncClient, db: Engine
) -> None:
    s = await supplier_setup(client)
    await stock(s["store"], s["variant"], 1)
    low = (await client.get("/api/supplier/stock", params={"low": 1})).json()["items"]
    assert [(r["available"], r["low_stock_threshold"], r["low"]) for r in low] == [(1, 5, True)]
