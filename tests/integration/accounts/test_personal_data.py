"""PIPL: the export holds every row about a consumer; erasure leaves no personal field."""

from __future__ import annotations

import pytest
from piccolo.engine.base import Engine

from accounts.personal_data import (
    PERSON_COLUMNS,
    PERSONAL_DATA,
    STAFF_COLUMNS,
    _rows_of,
    erase_person,
    export_person,
)
from accounts.roles import Role
from accounts.tables import User
from analytics.tables import ShopperEvent
from consultation.conversations import open_conversation, send_message
from core.database import all_tables
from core.errors import PermissionDenied
from fulfilment.payment_events import pay_in_sandbox
from fulfilment.tables import Address, CartItem, Order
from notifications.service import notify_user
from tests.support.factories import make_order, make_product, make_store, make_user, stock


def test_the_catalogue_names_every_column_that_points_to_a_person() -> None:
    listed = {(p.table, p.column) for p in PERSONAL_DATA}
    missing = [
        (table._meta.tablename, column._meta.name)
        for table in all_tables()
        for column in table._meta.columns
        if column._meta.name in PERSON_COLUMNS
        and (table._meta.tablename, column._meta.name) not in listed | STAFF_COLUMNS
    ]
    assert missing == []


async def test_export_holds_every_row_and_erasure_keeps_only_anonymous_accounting(
    db: Engine,
) -> None:
    store = await make_store()
    product = await make_product(prices=(2599,))
    variant = product["variant_ids"][0]
    await stock(store, variant, 10)
    consumer = await make_user(name="张三")
    await User.update({User.phone: "13700001111"}).where(User.id == consumer.id)
    order = await make_order(
        consumer.id,
        [(variant, 2)],
        location_id=store,
        method="delivery",
        address={"name": "张三", "phone": "13700001111", "detail": "朝阳路 8 号"},
    )
    await pay_in_sandbox(order.payment.id, consumer.id, "succeeded")
    await Address.insert(
        Address(user_id=consumer.id, name="张三", phone="13700001111", detail="朝阳路 8 号")
    )
    await CartItem.insert(CartItem(user_id=consumer.id, variant=variant, quantity=1))
    await notify_user(consumer.id, "shipped", title="已发货")
    await ShopperEvent.insert(
        ShopperEvent(kind="view", user_id=consumer.id, product_id=product["id"])
    )
    chat = await open_conversation(consumer, "supplier", product["supplier_id"])
    await send_message(consumer, chat.id, body="我的电话 13700001111")
    totals_before = await Order.select(Order.id, Order.total).where(Order.id == order.id)

    exported = await export_person(consumer.id)
    assert {
        "account",
        "orders",
        "payment",
        "address",
        "cart_item",
        "notification",
        "email_outbox",
        "shopper_event",
        "member",
        "points_entry",
        "conversation",
        "chat_message",
    } <= set(exported)
    assert exported["account"][0]["phone"] == "13700001111"
    assert "password_hash" not in exported["account"][0]
    assert exported["orders"][0]["delivery_address"]["detail"] == "朝阳路 8 号"

    await erase_person(consumer.id)

    left = await _rows_of(consumer.id)
    assert {name for name, rows in left.items() if rows} == {"account"}
    account = left["account"][0]
    assert account["name"] == "" and account["phone"] == "" and "erased" in account["email"]
    assert not account["is_active"]
    kept = await Order.select().where(Order.id == order.id).first()
    assert kept["customer_id"] is None
    assert kept["delivery_address"] in ({}, "{}") and kept["pickup_contact"] in ({}, "{}")
    assert await Order.select(Order.id, Order.total).where(Order.id == order.id) == totals_before
    with pytest.raises(PermissionDenied):
        await erase_person((await make_user(Role.STAFF, store_ids=[store])).id)
