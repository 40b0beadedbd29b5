"""Every role hears what concerns it: suppliers of orders, operators of work, consumers."""

from __future__ import annotations

from piccolo.engine.base import Engine

from accounts.roles import Role
from consultation.conversations import open_conversation, send_message
from fulfilment.payment_events import pay_in_sandbox
from notifications.roles import tell_operators_of_application, tell_operators_of_product
from notifications.service import inbox
from tests.support.factories import make_order, make_product, make_store, make_user, stock


async def test_suppliers_operators_and_consumers_are_told(db: Engine) -> None:
    store = await make_store()
    product = await make_product(prices=(1000,))
    await stock(store, product["variant_ids"][0], 5)
    seller = await make_user(Role.SUPPLIER, supplier_id=product["supplier_id"])
    operator = await make_user(Role.OPERATOR)
    consumer = await make_user()

    order = await make_order(consumer.id, [(product["variant_ids"][0], 1)], location_id=store)
    await pay_in_sandbox(order.payment.id, consumer.id, "succeeded")
    assert [n.kind for n in await inbox(seller.id)] == ["new_order"]

    assert await tell_operators_of_application(product["supplier_id"]) >= 1
    assert await tell_operators_of_product(product["id"]) >= 1
    kinds = [n.kind for n in await inbox(operator.id)]
    assert kinds == ["product_to_review", "new_application"]

    chat = await open_conversation(consumer, "supplier", product["supplier_id"])
    await send_message(seller, chat.id, body="您好")
    await send_message(seller, chat.id, body="还在吗")  # still unread: no second inbox message
    replies = [n for n in await inbox(consumer.id) if n.kind == "chat_reply"]
    assert len(replies) == 1 and replies[0].link == f"/chat/{chat.id}"
