"""Members and consultation through the JSON API and pages (both databases)."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from accounts.roles import Role
from accounts.tables import User
from consultation import conversations
from tests.support.factories import (
    login,
    make_product,
    make_store,
    make_supplier,
    make_user,
    stock,
)
from tests.support.web import submit_form


async def test_counter_sale_by_phone_earns_points_shown_on_the_member_page(
    client: AsyncClient,
) -> None:
    store = await make_store()
    variant = (await make_product(prices=(19900,)))["variant_ids"][0]
    await stock(store, variant, 3)
    consumer = await make_user()
    await User.update({User.phone: "13911112222"}).where(User.id == consumer.id)
    await login(client, await make_user(Role.STAFF, store_ids=[store]))

    found = await client.get(f"/api/pos/{store}/members", params={"phone": "13911112222"})
    assert found.status_code == 200 and found.json()["user_id"] == consumer.id
    missing = await client.get(f"/api/pos/{store}/members", params={"phone": "1"})
    assert missing.status_code == 404
    sale = await client.post(
        f"/api/pos/{store}/sales",
        json={
            "lines": [{"variant_id": variant, "quantity": 1}],
            "payment_method": "card",
            "member_phone": "13911112222",
        },
    )
    assert sale.status_code == 201, sale.text

    await login(client, consumer)
    card = (await client.get("/api/member")).json()
    assert card["points"] == 199 and card["history"][0]["channel"] == "pos"
    page = await client.get("/member")
    assert page.status_code == 200 and "积分明细" in page.text and "199" in page.text
    qr = await client.get("/member/qr.svg")
    assert qr.headers["content-type"].startswith("image/svg")


async def test_operator_sets_levels_by_api_and_page(client: AsyncClient) -> None:
    await login(client, await make_user(Role.OPERATOR))
    saved = await client.put(
        "/api/operator/member-levels",
        json=[
            {"name_zh": "银卡", "name_en": "Silver", "min_spend": 0},
            {"name_zh": "金卡", "name_en": "Gold", "min_spend": 100000},
        ],
    )
    assert saved.status_code == 200 and [x["name_en"] for x in saved.json()] == ["Silver", "Gold"]
    bad = await client.put("/api/operator/member-levels", json=[{"name_zh": "x"}])
    assert bad.status_code == 400
    done = await submit_form(
        client, "/operator/member-levels", {"levels": "普通, Basic, 0\n钻石, Diamond, 5000"}
    )
    assert done.status_code == 303
    page = await client.get("/operator/member-levels")
    assert "钻石" in page.text
    wrong = await submit_form(client, "/operator/member-levels", {"levels": "只有一列"})
    assert wrong.status_code == 400 and "每行格式" in wrong.text


async def open_hours(_kind: str, _id: int) -> bool:
    return True


async def closed_hours(_kind: str, _id: int) -> bool:
    return False


async def test_consumer_asks_a_shop_and_staff_answer_with_unread_counts(
    client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conversations, "answering_now", open_hours)
    supplier = await make_supplier()
    product = await make_product(supplier_id=supplier)
    consumer = await make_user()
    staff = await make_user(Role.SUPPLIER, supplier_id=supplier)
    stranger = await make_user()

    await login(client, consumer)
    opened = await client.post(
        "/api/chat",
        json={
            "party_kind": "supplier",
            "party_id": supplier,
            "subject_kind": "product",
            "subject_id": product["id"],
        },
    )
    assert opened.status_code == 201, opened.text
    cid = opened.json()["id"]
    sent = await client.post(f"/api/chat/{cid}/messages", json={"body": "有货吗？"})
    assert sent.status_code == 201 and sent.json()["side"] == "consumer"
    card = await client.post(f"/api/chat/{cid}/messages", json={"product_id": product["id"]})
    assert card.json()["kind"] == "product" and card.json()["product"]["id"]
    empty = await client.post(f"/api/chat/{cid}/messages", json={"body": "  "})
    assert empty.status_code == 400

    await login(client, staff)
    listed = (await client.get("/api/chat")).json()
    assert listed["unread"] >= 2 and listed["items"][0]["id"] == cid
    await client.post("/api/chat/quick-replies", json={"text": "有货，欢迎下单"})
    reply = (await client.get("/api/chat/quick-replies")).json()[0]["text"]
    await client.post(f"/api/chat/{cid}/messages", json={"body": reply})
    assert (await client.post(f"/api/chat/{cid}/read")).json()["unread"] == 0

    await login(client, stranger)
    assert (await client.get(f"/api/chat/{cid}/messages")).status_code == 404

    await login(client, consumer)
    assert (await client.get("/api/chat/unread")).json()["unread"] == 1
    history = (await client.get(f"/api/chat/{cid}/messages")).json()
    assert history[0]["body"] == "有货吗？" and history[-1]["body"] == "有货，欢迎下单"
    await client.post(f"/api/chat/{cid}/read")
    assert (await client.get("/api/chat/unread")).json()["unread"] == 0

    # No after-sales dispute points to this conversation: the platform stays out of it
    # (tests/web/test_dispute_conversation.py joins one that a dispute points to).
    await login(client, await make_user(Role.OPERATOR))
    joined = await client.post(f"/api/chat/{cid}/join")
    assert joined.status_code == 403 and joined.json()["code"] == "forbidden"
    assert (await client.get(f"/api/chat/{cid}/messages")).status_code == 403


async def test_outside_opening_hours_the_consumer_gets_the_away_message_once(
    client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conversations, "answering_now", closed_hours)
    store = await make_store()
    await login(client, await make_user())
    cid = (await client.post("/api/chat", json={"party_kind": "store", "party_id": store})).json()[
        "id"
    ]
    for text in ("在吗", "还在吗"):
        await client.post(f"/api/chat/{cid}/messages", json={"body": text})
    history = (await client.get(f"/api/chat/{cid}/messages")).json()
    assert [m["kind"] for m in history] == ["text", "away", "text"]
    assert (await client.get("/api/chat/unread")).json()["unread"] == 1
    unknown = await client.post("/api/chat", json={"party_kind": "store", "party_id": 999999})
    assert unknown.status_code == 400


async def test_my_data_page_json_and_erasure_end_the_session(client: AsyncClient) -> None:
    consumer = await make_user(name="赵六")
    await login(client, consumer)
    register = await client.get("/register")
    assert "导出或删除" in register.text
    exported = (await client.get("/api/me/data")).json()
    assert exported["account"][0]["name"] == "赵六"
    page = await client.get("/account/data")
    assert page.status_code == 200 and "赵六" in page.text and "删除我的数据" in page.text
    download = await client.get("/account/data.json")
    assert download.json()["account"][0]["id"] == consumer.id
    refused = await client.post("/api/me/data/erase", json={"confirm": False})
    assert refused.status_code == 400 and "confirm" in refused.json()["detail"]
    erased = await client.post("/api/me/data/erase", json={"confirm": True})
    assert erased.status_code == 200 and erased.json()["account"] == 1
    assert (await client.get("/api/me/data")).status_code == 401
    assert (await User.select().where(User.id == consumer.id).first())["name"] == ""


async def test_chat_pages_from_the_product_page_to_a_live_thread(
    client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conversations, "answering_now", open_hours)
    product = await make_product()
    await login(client, await make_user())
    page = f"/products/{product['id']}"
    assert "咨询店铺" in (await client.get(page)).text
    started = await submit_form(
        client,
        "/chat/start",
        {
            "party_kind": "supplier",
            "party_id": str(product["supplier_id"]),
            "subject_kind": "product",
            "subject_id": str(product["id"]),
        },
        page=page,
    )
    assert started.status_code == 303
    thread = started.headers["location"]
    sent = await submit_form(client, f"{thread}/send", {"body": "<b>能便宜点吗</b>"}, page=thread)
    assert sent.status_code == 303
    shown = await client.get(thread)
    assert (
        "&lt;b&gt;能便宜点吗&lt;/b&gt;" in shown.text
        and 'data-live-socket="/ws/chat"' in shown.text
    )
    assert "咨询" in (await client.get("/chat")).text


async def test_favourites_and_browsing_history(client: AsyncClient) -> None:
    product = await make_product(name="收藏测试耳机")
    await login(client, await make_user())
    await client.get(f"/products/{product['id']}")  # a recorded view
    saved = await client.post(
        "/api/favourites", json={"kind": "product", "target_id": product["id"]}
    )
    assert saved.status_code == 200 and saved.json()["products"][0]["id"] == product["id"]
    again = await client.post(
        "/api/favourites", json={"kind": "product", "target_id": product["id"]}
    )
    assert len(again.json()["products"]) == 1
    shop = await client.post(
        "/api/favourites", json={"kind": "shop", "target_id": product["supplier_id"]}
    )
    assert shop.json()["shops"][0]["id"] == product["supplier_id"]
    missing = await client.post("/api/favourites", json={"kind": "product", "target_id": 999999})
    assert missing.status_code == 400 and "target_id" in missing.json()["detail"]
    page = await client.get("/favourites")
    assert "收藏测试耳机" in page.text and "浏览记录" in page.text
    await submit_form(
        client,
        "/favourites",
        {"kind": "product", "target_id": str(product["id"]), "action": "remove"},
        page="/favourites",
    )
    assert (await client.get("/api/favourites")).json()["products"] == []
    removed = await client.delete(f"/api/favourites/shop/{product['supplier_id']}")
    assert removed.json()["shops"] == []


async def test_pos_page_sale_with_the_member_qr_earns_points(client: AsyncClient) -> None:
    store = await make_store()
    variant = (await make_product(prices=(5000,)))["variant_ids"][0]
    await stock(store, variant, 3)
    consumer = await make_user()
    await login(client, consumer)
    qr = (await client.get("/api/member")).json()["qr"]
    await login(client, await make_user(Role.STAFF, store_ids=[store]))
    sale_page = f"/pos/{store}/sale"
    await submit_form(
        client, f"/pos/{store}/sale/add", {"variant_id": str(variant)}, page=sale_page
    )
    confirm = f"/pos/{store}/sale/confirm?payment_method=card"
    assert "会员" in (await client.get(confirm)).text
    paid = await submit_form(
        client, f"/pos/{store}/sale/pay", {"payment_method": "card", "member": qr}, page=confirm
    )
    assert "/receipts/" in paid.headers["location"]
    await submit_form(
        client, f"/pos/{store}/sale/add", {"variant_id": str(variant)}, page=sale_page
    )
    again = await submit_form(
        client,
        f"/pos/{store}/sale/pay",
        {"payment_method": "card", "member": qr, "points": "20"},
        page=confirm,
    )
    assert "/receipts/" in again.headers["location"]
    await login(client, consumer)
    assert (await client.get("/api/member")).json()["points"] == 50 - 20 + 49
