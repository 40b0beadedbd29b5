"""Pickup at the store counter through the JSON API: queue, ready, QR scan, handover."""

from __future__ import annotations

import io

import zxingcpp
from httpx import AsyncClient
from PIL import Image

from accounts.roles import Role
from fulfilment.tables import Order, OrderEvent, PickupScanAudit
from notifications.tables import EmailOutbox, Notification
from tests.support.factories import (
    login,
    make_order,
    make_product,
    make_store,
    make_user,
    stock,
)
from tests.support.stock import stock_level as levels


async def setup_pickup(
    *, payment_method: str = "in_store", quantities: tuple[int, ...] = (1,), prices=(3000,)
) -> dict:
    """A store with staff, a consumer with a phone, and their pickup order placed there."""
    store = await make_store(name="王府井店")
    other_store = await make_store(name="三里屯店")
    product = await make_product(prices=prices)
    for variant in product["variant_ids"]:
        await stock(store, variant, 5)
    staff = await make_user(Role.STAFF, store_ids=[store], name="张店员")
    stranger = await make_user(Role.STAFF, store_ids=[other_store], name="李店员")
    consumer = await make_user(name="王芳")
    from accounts.tables import User

    await User.update({User.phone: "13800138000"}).where(User.id == consumer.id)
    order = await make_order(
        consumer.id,
        list(zip(product["variant_ids"], quantities, strict=True)),
        location_id=store,
        payment_method=payment_method,
    )
    return {
        "store": store,
        "other_store": other_store,
        "staff": staff,
        "stranger": stranger,
        "consumer": consumer,
        "order": order,
        "fid": order.fulfilments[0].id,
        "variants": product["variant_ids"],
    }


def decode_qr(png: bytes) -> str:
    """Read a QR code image with a real decoder (zxing-cpp)."""
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(found) == 1
    return found[0].text


async def ready_and_read_qr(client: AsyncClient, s: dict) -> tuple[str, str]:
    """Staff mark the order ready; the consumer fetches the QR; returns (token, short code)."""
    await login(client, s["staff"])
    ready = await client.post(f"/api/pos/{s['store']}/fulfilments/{s['fid']}/ready")
    assert ready.status_code == 200, ready.text
    assert ready.json()["status"] == "ready_for_pickup"
    short_code = ready.json()["short_code"]
    await login(client, s["consumer"])
    qr = await client.get(f"/api/orders/{s['order'].id}/fulfilments/{s['fid']}/pickup-qr")
    assert qr.status_code == 200, qr.text
    assert qr.headers["content-type"] == "image/png"
    return decode_qr(qr.content), short_code


async def test_qr_scanned_hands_over_once_then_says_already_collected_with_when(
    client: AsyncClient,
) -> None:
    s = await setup_pickup()
    token, _ = await ready_and_read_qr(client, s)
    await login(client, s["staff"])

    scanned = await client.post(f"/api/pos/{s['store']}/scan", json={"code": token})
    assert scanned.status_code == 200, scanned.text
    body = scanned.json()
    assert body["can_hand_over"] is True and body["reason"] is None
    assert body["fulfilment_id"] == s["fid"]
    assert body["order_number"] == s["order"].number
    assert body["customer_name"] == "王芳"
    assert body["phone"] == "138****8000"
    assert body["lines"][0]["qty"] == 1
    assert body["payment_status"] == "to_pay_in_store" and body["amount_due"] == 3000

    no_code = await client.post(
        f"/api/pos/{s['store']}/fulfilments/{s['fid']}/handover", json={"payment_method": "cash"}
    )
    assert no_code.status_code == 400 and "code" in no_code.text
    no_payment = await client.post(
        f"/api/pos/{s['store']}/fulfilments/{s['fid']}/handover", json={"code": token}
    )
    assert no_payment.status_code == 400
    handed = await client.post(
        f"/api/pos/{s['store']}/fulfilments/{s['fid']}/handover",
        json={"code": token, "payment_method": "cash"},
    )
    assert handed.status_code == 200, handed.text
    assert handed.json()["status"] == "collected"
    assert await levels(s["store"], s["variants"][0]) == (4, 0)
    order = await Order.select(Order.status).where(Order.id == s["order"].id).first()
    assert order["status"] == "completed"

    again = await client.post(f"/api/pos/{s['store']}/scan", json={"code": token})
    assert again.json()["can_hand_over"] is False
    assert again.json()["reason"] == "collected"
    assert again.json()["collected_at"] is not None
    assert again.json()["collected_by"] == "张店员"
    twice = await client.post(
        f"/api/pos/{s['store']}/fulfilments/{s['fid']}/handover",
        json={"code": token, "payment_method": "cash"},
    )
    assert twice.status_code == 409
    assert "张店员" in twice.json()["detail"]
    refusals = await OrderEvent.count().where(
        (OrderEvent.fulfilment == s["fid"]) & (OrderEvent.kind == "scan_refused")
    )
    assert refusals == 1
    # the refused scan is the store's audit trail, not news for the customer
    await login(client, s["consumer"])
    timeline = (await client.get(f"/api/orders/{s['order'].id}")).json()
    assert "scan_refused" not in {event["kind"] for event in timeline["events"]}
    assert "collected" in {event["kind"] for event in timeline["events"]}


async def test_staff_of_another_store_get_403_and_wrong_store_is_named(
    client: AsyncClient,
) -> None:
    s = await setup_pickup()
    token, _ = await ready_and_read_qr(client, s)
    await login(client, s["stranger"])

    assert (
        await client.post(f"/api/pos/{s['store']}/scan", json={"code": token})
    ).status_code == 403
    assert (
        await client.post(
            f"/api/pos/{s['store']}/fulfilments/{s['fid']}/handover",
            json={"code": token, "payment_method": "cash"},
        )
    ).status_code == 403
    assert (await client.get(f"/api/pos/{s['store']}/queue")).status_code == 403
    at_own_store = await client.post(f"/api/pos/{s['other_store']}/scan", json={"code": token})
    assert at_own_store.json()["reason"] == "wrong_store"
    assert "王府井店" in at_own_store.json()["detail"]


async def test_forged_or_altered_tokens_are_refused_and_audited(client: AsyncClient) -> None:
    s = await setup_pickup()
    token, _ = await ready_and_read_qr(client, s)
    await login(client, s["staff"])
    parts = token.split(".")
    altered = ".".join([*parts[:2], str(s["fid"] + 1), *parts[3:]])
    forged = ".".join([*parts[:5], "A" * len(parts[5])])

    for bad in (altered, forged, "KQ1.nope"):
        result = await client.post(f"/api/pos/{s['store']}/scan", json={"code": bad})
        assert result.status_code == 200
        assert result.json()["reason"] == "invalid"
        assert result.json()["can_hand_over"] is False
    assert await PickupScanAudit.count().where(PickupScanAudit.kind == "token") == 3
    assert (await client.post(f"/api/pos/{s['store']}/scan", json={"code": " "})).status_code == 400


async def test_short_code_typed_by_hand_and_brute_force_gets_429(client: AsyncClient) -> None:
    s = await setup_pickup(payment_method="sandbox")
    await Order.update({Order.status: "paid"}).where(Order.id == s["order"].id)
    _, short_code = await ready_and_read_qr(client, s)
    await login(client, s["staff"])

    typed = await client.post(f"/api/pos/{s['store']}/scan", json={"code": short_code})
    assert typed.json()["can_hand_over"] is True
    assert typed.json()["payment_status"] == "paid"
    wrong = "0" * 8 if short_code != "0" * 8 else "1" * 8
    for _ in range(5):
        failed = await client.post(f"/api/pos/{s['store']}/scan", json={"code": wrong})
        assert failed.json()["reason"] == "invalid"
    blocked = await client.post(f"/api/pos/{s['store']}/scan", json={"code": short_code})
    assert blocked.status_code == 429
    assert "15" in blocked.json()["detail"]
    assert await PickupScanAudit.count().where(PickupScanAudit.kind == "short_code") == 5


async def test_queue_preparing_ready_notifies_consumer_with_the_code(client: AsyncClient) -> None:
    s = await setup_pickup()
    await login(client, s["staff"])

    queue = (await client.get(f"/api/pos/{s['store']}/queue")).json()
    assert [i["fulfilment_id"] for i in queue["items"]] == [s["fid"]]
    assert queue["items"][0]["status"] == "allocated"
    preparing = await client.post(f"/api/pos/{s['store']}/fulfilments/{s['fid']}/preparing")
    assert preparing.json()["status"] == "preparing"
    early = await client.post(
        f"/api/pos/{s['store']}/fulfilments/{s['fid']}/handover", json={"code": "12345678"}
    )
    assert early.status_code in (400, 403, 409)
    ready = await client.post(f"/api/pos/{s['store']}/fulfilments/{s['fid']}/ready")
    code = ready.json()["short_code"]

    note = await Notification.select().where(Notification.user_id == s["consumer"].id).first()
    assert note["kind"] == "ready_for_pickup" and code in note["body"]
    mail = await EmailOutbox.select().first()
    assert mail["to"] == s["consumer"].email and mail["status"] == "logged"
    await login(client, s["consumer"])
    inbox = (await client.get("/api/notifications")).json()
    assert inbox["unread"] == 1
    read = await client.post(f"/api/notifications/{inbox['items'][0]['id']}/read")
    assert read.json()["read_at"] is not None
    assert (await client.get("/api/notifications")).json()["unread"] == 0
    svg = await client.get(
        f"/api/orders/{s['order'].id}/fulfilments/{s['fid']}/pickup-qr?format=svg"
    )
    assert svg.headers["content-type"].startswith("image/svg+xml")
    stranger = await make_user(name="别人")
    await login(client, stranger)
    assert (
        await client.get(f"/api/orders/{s['order'].id}/fulfilments/{s['fid']}/pickup-qr")
    ).status_code == 404
    assert (
        await client.post(f"/api/notifications/{inbox['items'][0]['id']}/read")
    ).status_code == 404


async def test_partial_pickup_keeps_the_rest_ready_or_cancels_and_refunds_it(
    client: AsyncClient,
) -> None:
    s = await setup_pickup(payment_method="in_store", quantities=(1, 2), prices=(3000, 1000))
    await login(client, s["staff"])
    ready = await client.post(f"/api/pos/{s['store']}/fulfilments/{s['fid']}/ready")
    code = ready.json()["short_code"]
    lines = (await client.post(f"/api/pos/{s['store']}/scan", json={"code": code})).json()["lines"]
    first = next(line for line in lines if line["variant_id"] == s["variants"][0])

    handed = await client.post(
        f"/api/pos/{s['store']}/fulfilments/{s['fid']}/handover",
        json={"code": code, "lines": [first["id"]], "payment_method": "card", "rest": "cancel"},
    )

    assert handed.status_code == 200, handed.text
    assert handed.json()["refunded"] == 2000
    assert await levels(s["store"], s["variants"][0]) == (4, 0)
    assert await levels(s["store"], s["variants"][1]) == (5, 0)
    order = await Order.select(Order.status).where(Order.id == s["order"].id).first()
    assert order["status"] == "completed"


async def test_sixty_wrong_codes_sent_at_once_are_evaluated_at_most_five_times(
    client: AsyncClient,
) -> None:
    import asyncio

    s = await setup_pickup()
    await login(client, s["staff"])
    answers = await asyncio.gather(
        *(
            client.post(f"/api/pos/{s['store']}/scan", json={"code": f"{90000000 + i}"})
            for i in range(60)
        )
    )
    evaluated = [a for a in answers if a.status_code == 200]
    assert len(evaluated) <= 5
    assert all(a.status_code in (200, 429) for a in answers)
    assert await PickupScanAudit.count().where(PickupScanAudit.kind == "short_code") <= 5


async def test_handover_needs_the_code_of_this_pickup(client: AsyncClient) -> None:
    s = await setup_pickup()
    _, short_code = await ready_and_read_qr(client, s)
    other = await setup_pickup()
    other_token, other_code = await ready_and_read_qr(client, other)
    await login(client, s["staff"])
    url = f"/api/pos/{s['store']}/fulfilments/{s['fid']}/handover"

    missing = await client.post(url, json={"payment_method": "cash"})
    assert missing.status_code == 400 and "code" in missing.json()["detail"]
    for wrong in (other_code, other_token):
        refused = await client.post(url, json={"code": wrong, "payment_method": "cash"})
        assert refused.status_code == 403
        assert refused.json()["detail"] == "这不是此自提单的取货码"
        assert refused.json()["code"] == "wrong_pickup_code"
    assert await levels(s["store"], s["variants"][0]) == (5, 1)
    queue = (await client.get(f"/api/pos/{s['store']}/queue")).json()["items"]
    assert [(i["fulfilment_id"], i["status"]) for i in queue] == [(s["fid"], "ready_for_pickup")]

    handed = await client.post(url, json={"code": short_code, "payment_method": "cash"})
    assert handed.status_code == 200, handed.text
    assert handed.json()["status"] == "collected"
    assert await levels(s["store"], s["variants"][0]) == (4, 0)
