"""Notifications: written with the change they describe, mailed after commit (SMTP or log)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aiosmtpd.controller import Controller
from piccolo.engine.base import Engine

from core.database import write_transaction
from core.errors import NotFound
from fulfilment.orders import cancel_order, mark_order_paid
from fulfilment.shipments import ship_fulfilment
from notifications.service import inbox, mark_read, notify, unread_count
from notifications.tables import EmailOutbox, Notification
from payments.tables import Payment
from tests.support.factories import make_order, make_product, make_store, make_user, stock
from tests.support.live import free_port


class Inbox:
    """An SMTP handler that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append((envelope.rcpt_tos, envelope.content.decode()))
        return "250 OK"


async def test_email_goes_through_smtp_after_commit(
    db: Engine, environment: Callable[..., None]
) -> None:
    handler = Inbox()
    port = free_port()
    server = Controller(handler, hostname="127.0.0.1", port=port)
    server.start()
    try:
        environment(KUAIQU_SMTP_URL=f"smtp://127.0.0.1:{port}")
        user = await make_user(name="王芳")
        async with write_transaction():
            await notify(user.id, "test", title="Hello", body="World", email=user.email)
            assert handler.messages == []  # nothing leaves before the commit
        assert [to for to, _ in handler.messages] == [[user.email]]
        mail = await EmailOutbox.select().first()
        assert mail["status"] == "sent" and mail["sent_at"] is not None
    finally:
        server.stop()


async def test_rolled_back_change_sends_nothing_and_smtp_failures_are_kept(
    db: Engine, environment: Callable[..., None]
) -> None:
    user = await make_user()
    with pytest.raises(RuntimeError):
        async with write_transaction():
            await notify(user.id, "test", title="Never", email=user.email)
            raise RuntimeError("rolled back")
    assert await Notification.count() == 0 and await EmailOutbox.count() == 0

    environment(KUAIQU_SMTP_URL="smtp://127.0.0.1:1")
    await notify(user.id, "test", title="Unreachable", email=user.email)
    mail = await EmailOutbox.select().first()
    assert mail["status"] == "failed" and mail["error"]


async def test_inbox_is_private_and_read_state_counts(db: Engine) -> None:
    me, other = await make_user(), await make_user()
    first = await notify(me.id, "test", title="One")
    await notify(me.id, "test", title="Two")
    assert [n.title for n in await inbox(me.id)] == ["Two", "One"]
    assert await unread_count(me.id) == 2
    await mark_read(me.id, first)
    assert await unread_count(me.id) == 1
    with pytest.raises(NotFound):
        await mark_read(other.id, first)


async def test_consumer_is_told_when_shipped_and_when_refunded(db: Engine) -> None:
    store = await make_store()
    product = await make_product(prices=(5000,))
    await stock(store, product["variant_ids"][0], 2)
    consumer = await make_user()
    order = await make_order(consumer.id, [(product["variant_ids"][0], 1)], method="delivery")
    payment = await Payment.select().where(Payment.order_id == order.id).first()
    await Payment.update({Payment.status: "succeeded"}).where(Payment.id == payment["id"])
    await mark_order_paid(order.id, payment_id=payment["id"])
    await ship_fulfilment(
        product["supplier_id"],
        order.fulfilments[0].id,
        carrier="顺丰",
        tracking_number="SF1234567890",
        actor_id=None,
    )
    second = await make_order(consumer.id, [(product["variant_ids"][0], 1)], method="delivery")
    paid = await Payment.select().where(Payment.order_id == second.id).first()
    await Payment.update({Payment.status: "succeeded"}).where(Payment.id == paid["id"])
    await mark_order_paid(second.id, payment_id=paid["id"])
    await cancel_order(second.id, actor_id=consumer.id, customer_id=consumer.id)

    kinds = [n.kind for n in reversed(await inbox(consumer.id))]
    # Each paid order confirms its payment once; then the parcel and the refund.
    assert kinds == ["paid", "shipped", "paid", "refunded"]
    assert "SF1234567890" in (await inbox(consumer.id))[2].body


async def test_without_smtp_the_log_says_a_mail_was_not_sent_but_not_its_body(
    db: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("KUAIQU_SMTP_URL", raising=False)
    user = await make_user()
    with caplog.at_level("INFO", logger="notifications.service"):
        await notify(
            user.id, "pickup_ready", title="Ready", body="Your code is 48213907", email=user.email
        )
    assert "not sent" in caplog.text
    assert "48213907" not in caplog.text
    mail = await EmailOutbox.select().first()
    assert mail["status"] == "logged" and "48213907" in mail["body"]
