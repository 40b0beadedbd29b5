"""The one order model's services: place, pay, cancel, confirm receipt (online and POS).

Placing an order is ONE write transaction: the order, its lines, fulfilments, stock
reservations, events and the payment it opens (`payments.service.start_payment` joins the
transaction) commit together or not at all, so an order never exists without its stock held
and its payment to be made. Realtime events go out after the commit.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import asyncpg

from core.database import write_transaction
from core.realtime import publish_after_commit
from fulfilment.checkout import CheckoutRequest, LineRequest, quote
from fulfilment.errors import (
    IdempotencyKeyReused,
    InvalidOrder,
    OrderNotFound,
    OrderNotPayable,
    OutOfStock,
)
from fulfilment.hours import STORE_TZ
from fulfilment.moves import announce, move_fulfilment, move_order, now_utc, record_event
from fulfilment.state_machine import FULFILMENT_FINAL
from fulfilment.tables import CartItem, Fulfilment, Order, OrderEvent, OrderLine
from fulfilment.views import CANCELLABLE_FULFILMENT, OrderView, load_order, order_view_of_rows
from locations.errors import InsufficientStock
from locations.stock import StockLine, release_stock, reserve_stock
from payments.service import PaymentStart, refund_order_payments, start_payment

CHANNELS = ("online", "pos")
PAYMENT_METHODS = ("sandbox", "in_store", "cod")
#: Days after the last parcel is delivered before the order completes by itself.
AUTO_CONFIRM_DAYS = 7


@dataclass(frozen=True, slots=True)
class PlaceOrder:
    """Everything needed to place an order, from the storefront or the POS."""

    channel: str
    customer_id: int | None
    lines: Sequence[LineRequest]
    method: str
    payment_method: str
    idempotency_key: str | None = None
    position: tuple[float, float] | None = None
    address: dict[str, Any] = field(default_factory=dict)
    location_id: int | None = None
    #: The selling store, for POS orders.
    store_location_id: int | None = None
    actor_id: int | None = None
    #: Take the ordered variants out of the customer's cart, in the order's transaction.
    clear_cart: bool = False
    coupons: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class PlacedOrder:
    """The order, whether this call created it (False: an idempotent replay), its payment.

    `payment` is the payment opened by this call; on a replay it is None and
    `order.payment` holds the order's latest payment instead.
    """

    order: OrderView
    created: bool
    payment: PaymentStart | None


def _check(cmd: PlaceOrder) -> None:
    if cmd.channel not in CHANNELS:
        raise InvalidOrder("Unknown sales channel {channel}", channel=cmd.channel)
    if cmd.payment_method not in PAYMENT_METHODS:
        raise InvalidOrder(
            "Choose a payment method: sandbox, in_store or cod, not {method}",
            method=cmd.payment_method,
        )
    if cmd.payment_method == "in_store" and cmd.method != "pickup":
        raise InvalidOrder("Paying in store is only possible for pickup orders")
    if cmd.payment_method == "cod" and cmd.method != "delivery":
        raise InvalidOrder("Cash on delivery is only possible for delivery orders")
    if cmd.idempotency_key is not None and not 1 <= len(cmd.idempotency_key) <= 100:
        raise InvalidOrder("The Idempotency-Key must be 1 to 100 characters")
    if cmd.channel == "online" and cmd.customer_id is None:
        raise InvalidOrder("Online orders need a customer account")
    if cmd.method == "delivery":
        missing = [k for k in ("name", "phone", "detail") if not str(cmd.address.get(k) or "")]
        if missing:
            raise InvalidOrder("Delivery needs the recipient's {fields}", fields=", ".join(missing))


async def _existing(customer_id: int | None, key: str | None) -> PlacedOrder | None:
    if customer_id is None or key is None:
        return None
    row = (
        await Order.select(Order.id)
        .where((Order.customer_id == customer_id) & (Order.idempotency_key == key))
        .first()
    )
    if row is None:
        return None
    view = await load_order(row["id"], with_events=False)
    assert view is not None
    return PlacedOrder(order=view, created=False, payment=None)


def _same_request_or_refuse(found: PlacedOrder, cmd: PlaceOrder) -> PlacedOrder:
    """The first order, when the replay asks for the same goods and payment.

    A different request under a used key is a client bug, refused with 422.
    """
    ordered: dict[int, int] = {}
    for fulfilment in found.order.fulfilments:
        for line in fulfilment.lines:
            ordered[line.variant_id] = ordered.get(line.variant_id, 0) + line.quantity
    asked: dict[int, int] = {}
    for request in cmd.lines:
        asked[request.variant_id] = asked.get(request.variant_id, 0) + request.quantity
    if ordered != asked or found.order.payment_method != cmd.payment_method:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was already used for order {number} with different "
            "contents; use a new key for a new order",
            number=found.order.number,
        )
    return found


def _is_duplicate_key(error: BaseException) -> bool:
    return isinstance(error, sqlite3.IntegrityError | asyncpg.UniqueViolationError)


def order_number(order_id: int, created_at: Any) -> str:
    """`KQ` + the local (Asia/Shanghai) date + the zero-padded id: KQ20261125-000123."""
    return f"KQ{created_at.astimezone(STORE_TZ):%Y%m%d}-{order_id:06d}"


async def place_order(cmd: PlaceOrder) -> PlacedOrder:
    """Place an order and hold its stock; the same idempotency key returns the same order.

    Raises:
        OutOfStock: some line cannot be had; nothing was written. `extra["lines"]` names
            each line with how many were asked for and how many are available.
        InvalidOrder: the request breaks a rule (method, payment method, address…).
    """
    _check(cmd)
    if (found := await _existing(cmd.customer_id, cmd.idempotency_key)) is not None:
        return _same_request_or_refuse(found, cmd)
    # The plan is read before the write transaction, so orders plan side by side and only
    # their writes queue. A plan gone stale meanwhile costs nothing: the conditional
    # reserve refuses units that are no longer there, and nothing is written.
    quoted = await quote(
        CheckoutRequest(
            lines=cmd.lines,
            method=cmd.method,
            position=cmd.position,
            address=cmd.address,
            location_id=cmd.location_id,
            coupons=cmd.coupons,
        )
    )
    if cmd.payment_method == "in_store" and any(
        f.method != "pickup" for f in quoted.plan.fulfilments
    ):
        raise InvalidOrder("Part of this order is delivered: pay online or choose another store")
    try:
        view, payment = await _write_order(cmd, quoted)
    except Exception as error:
        if not _is_duplicate_key(error):
            raise
        # A concurrent request with the same key won (the unique index on customer and key
        # refused this one's order row, and its transaction rolled back): answer with its order.
        found = await _existing(cmd.customer_id, cmd.idempotency_key)
        if found is None:
            raise
        return _same_request_or_refuse(found, cmd)
    return PlacedOrder(order=view, created=True, payment=payment)


async def _write_order(cmd: PlaceOrder, quoted: Any) -> tuple[OrderView, PaymentStart]:
    """Write the order in one transaction; returns its view and the payment it opened.

    The view is built from the rows as written (RETURNING every column), not read back:
    it needs neither the timeline nor the payment row (`payment`).
    """
    now = now_utc()
    goods = quoted.goods
    async with write_transaction():
        inserted = await Order.insert(
            Order(
                number=f"new-{uuid.uuid4().hex[:28]}",
                channel=cmd.channel,
                customer_id=cmd.customer_id,
                store_location_id=cmd.store_location_id,
                subtotal=quoted.subtotal,
                shipping=quoted.shipping,
                discount=quoted.discount,
                total=quoted.total,
                currency=quoted.currency,
                payment_method=cmd.payment_method,
                idempotency_key=cmd.idempotency_key,
                delivery_address=_delivery_address(cmd),
                position=(
                    {"lat": quoted.position[0], "lon": quoted.position[1]}
                    if quoted.position
                    else {}
                ),
                created_at=now,
            )
        ).returning(*Order.all_columns())
        order_row = inserted[0]
        order_id = order_row["id"]
        number = order_number(order_id, now)
        await Order.update({Order.number: number}).where(Order.id == order_id)
        order_row |= {"number": number, "delivery_address": _delivery_address(cmd)}
        fulfilment_rows: list[dict[str, Any]] = []
        line_rows: list[dict[str, Any]] = []
        events = [
            OrderEvent(
                order=order_id, kind="placed", actor_id=cmd.actor_id, new_state="pending_payment"
            )
        ]
        stock_lines: list[StockLine] = []
        for planned in quoted.plan.fulfilments:
            created = await Fulfilment.insert(
                Fulfilment(
                    order=order_id,
                    location=planned.location_id,
                    method=planned.method,
                    supplier_id=planned.supplier_id,
                    ready_by=planned.ready_at,
                )
            ).returning(*Fulfilment.all_columns())
            fulfilment_rows += created
            fulfilment_id = created[0]["id"]
            line_rows += await OrderLine.insert(
                *[
                    OrderLine(
                        order=order_id,
                        fulfilment=fulfilment_id,
                        variant=variant_id,
                        product_name=goods[variant_id].product_name,
                        sku=goods[variant_id].sku,
                        supplier_id=goods[variant_id].supplier_id,
                        quantity=quantity,
                        unit_price=goods[variant_id].price,
                    )
                    for variant_id, quantity in sorted(planned.lines.items())
                ]
            ).returning(*OrderLine.all_columns())
            stock_lines += [StockLine(planned.location_id, v, q) for v, q in planned.lines.items()]
            events.append(
                OrderEvent(
                    order=order_id,
                    fulfilment=fulfilment_id,
                    kind="allocated",
                    actor_id=cmd.actor_id,
                    new_state="allocated",
                    note=planned.location_name[:255],
                )
            )
            if planned.method == "pickup":
                await publish_after_commit(
                    f"location:{planned.location_id}",
                    {
                        "type": "fulfilment_created",
                        "order_id": order_id,
                        "fulfilment_id": fulfilment_id,
                        "status": "allocated",
                    },
                )
        await OrderEvent.insert(*events)
        try:
            await reserve_stock(stock_lines, reference=number, actor_id=cmd.actor_id)
        except InsufficientStock as short:
            raise _out_of_stock(short, goods) from short
        if cmd.clear_cart and cmd.customer_id is not None:
            await CartItem.delete().where(
                (CartItem.user_id == cmd.customer_id)
                & CartItem.variant.is_in(sorted(quoted.wanted))
            )
        payment = await start_payment(
            order_id=order_id,
            order_number=number,
            amount=quoted.total,
            currency=quoted.currency,
            provider=cmd.payment_method,
            customer_id=cmd.customer_id,
            new_order=True,
        )
        await announce(order_id, {"type": "order", "status": "pending_payment", "kind": "placed"})
    places = [
        {
            "id": f.location_id,
            "name": f.location_name,
            "address": f.location_address,
            "opening_hours": f.opening_hours,
        }
        for f in quoted.plan.fulfilments
    ]
    view = await order_view_of_rows(order_row, fulfilment_rows, line_rows, places)
    return view, payment


def _delivery_address(cmd: PlaceOrder) -> dict[str, Any]:
    """The address an order is delivered to; none for pickup."""
    return cmd.address if cmd.method == "delivery" else {}


def _out_of_stock(short: InsufficientStock, goods: dict[int, Any]) -> OutOfStock:
    lines = short.extra.get("lines", [])
    first = lines[0] if lines else {"variant_id": 0, "requested": 0, "available": 0}
    item = goods.get(first["variant_id"])
    error = OutOfStock(
        "Only {available} left of {name} (you asked for {requested})",
        available=first["available"],
        name=item.product_name if item else f"#{first['variant_id']}",
        requested=first["requested"],
    )
    error.extra["lines"] = lines
    return error


async def _order_row(order_id: int) -> dict[str, Any]:
    row = await Order.select().where(Order.id == order_id).first()
    if row is None:
        raise OrderNotFound("Order {id} was not found", id=order_id)
    return row


#: Order events kept for staff and audits, not shown on the customer's timeline.
STAFF_ONLY_EVENTS = frozenset({"scan_refused"})


async def customer_order(order_id: int, customer_id: int) -> OrderView:
    """A consumer's own order; someone else's is as not found (404).

    Its timeline leaves out the store's own audit events (refused scans), which say
    nothing to the customer.
    """
    view = await load_order(order_id)
    if view is None or view.customer_id != customer_id:
        raise OrderNotFound("Order {id} was not found", id=order_id)
    view.events = [e for e in view.events if e.kind not in STAFF_ONLY_EVENTS]
    return view


async def mark_order_paid(order_id: int, *, payment_id: int, actor_id: int | None = None) -> None:
    """The order's payment succeeded: pending_payment → paid (idempotent).

    Raises:
        OrderNotPayable: the order was cancelled meanwhile; the caller refunds the payment.
    """
    async with write_transaction():
        order = await _order_row(order_id)
        if order["status"] in ("paid", "completed"):
            return
        if order["status"] != "pending_payment":
            raise OrderNotPayable(
                "Order {number} is {status} and can no longer be paid",
                number=order["number"],
                status=order["status"],
            )
        await move_order(
            order,
            "paid",
            kind="paid",
            actor_id=actor_id,
            note=f"#{payment_id}",
            values={Order.paid_at: now_utc()},
        )


async def mark_payment_failed(order_id: int, *, payment_id: int) -> None:
    """Record a failed payment; the order stays waiting for payment."""
    async with write_transaction():
        order = await _order_row(order_id)
        await record_event(
            order_id,
            "payment_failed",
            old_state=order["status"],
            new_state=order["status"],
            note=f"#{payment_id}",
        )
        await announce(
            order_id, {"type": "order", "status": order["status"], "kind": "payment_failed"}
        )


async def restart_payment(order_id: int, customer_id: int) -> PaymentStart:
    """Open (or reopen) the online payment of a consumer's unpaid order."""
    view = await customer_order(order_id, customer_id)
    if not view.can_pay:
        raise OrderNotPayable(
            "Order {number} is {status} and can no longer be paid",
            number=view.number,
            status=view.status,
        )
    return await start_payment(
        order_id=view.id,
        order_number=view.number,
        amount=view.total,
        currency=view.currency,
        provider="sandbox",
        customer_id=customer_id,
    )


async def cancel_order(
    order_id: int,
    *,
    actor_id: int | None,
    customer_id: int | None = None,
    reason: str = "cancelled by the customer",
) -> OrderView:
    """Cancel an order before anything is ready or shipped: stock back, money back.

    `customer_id` limits it to the consumer's own order (404 otherwise).
    """
    async with write_transaction():
        order = await _order_row(order_id)
        if customer_id is not None and order["customer_id"] != customer_id:
            raise OrderNotFound("Order {id} was not found", id=order_id)
        fulfilments = await Fulfilment.select().where(Fulfilment.order == order_id)
        late = [f for f in fulfilments if f["status"] not in {*CANCELLABLE_FULFILMENT, "cancelled"}]
        if late and order["status"] in ("pending_payment", "paid"):
            raise OrderNotPayable(
                "Order {number} can no longer be cancelled: part of it is {status}",
                number=order["number"],
                status=late[0]["status"],
            )
        was_paid = order["status"] == "paid"
        await move_order(
            order,
            "cancelled",
            kind="cancelled",
            actor_id=actor_id,
            note=reason,
            values={Order.closed_at: now_utc()},
        )
        lines = await OrderLine.select().where(OrderLine.order == order_id)
        for f in fulfilments:
            if f["status"] == "cancelled":
                continue
            await release_stock(
                [
                    StockLine(f["location"], line["variant"], line["quantity"])
                    for line in lines
                    if line["fulfilment"] == f["id"]
                ],
                reference=order["number"],
                actor_id=actor_id,
            )
            await move_fulfilment(f, "cancelled", kind="cancelled", actor_id=actor_id, note=reason)
        if was_paid:
            await refund_order_payments(order_id=order_id, reason=reason)
    view = await load_order(order_id)
    assert view is not None
    return view


async def confirm_receipt(
    order_id: int, *, customer_id: int | None, actor_id: int | None
) -> OrderView:
    """Everything arrived: paid → completed (by the consumer, or by the auto-confirm sweep)."""
    async with write_transaction():
        order = await _order_row(order_id)
        if customer_id is not None and order["customer_id"] != customer_id:
            raise OrderNotFound("Order {id} was not found", id=order_id)
        fulfilments = await Fulfilment.select().where(Fulfilment.order == order_id)
        waiting = [f for f in fulfilments if f["status"] not in FULFILMENT_FINAL]
        if waiting and order["status"] == "paid":
            raise OrderNotPayable(
                "Order {number} has not fully arrived yet: part of it is {status}",
                number=order["number"],
                status=waiting[0]["status"],
            )
        await move_order(
            order,
            "completed",
            kind="receipt_confirmed" if customer_id is not None else "auto_confirmed",
            actor_id=actor_id,
            values={Order.closed_at: now_utc()},
        )
    view = await load_order(order_id)
    assert view is not None
    return view


async def after_fulfilment_settled(order_id: int) -> None:
    """Once every delivery parcel has arrived, start the auto-confirm clock."""
    fulfilments = await Fulfilment.select(Fulfilment.status).where(Fulfilment.order == order_id)
    if all(f["status"] in FULFILMENT_FINAL for f in fulfilments):
        await Order.update(
            {Order.auto_confirm_at: now_utc() + timedelta(days=AUTO_CONFIRM_DAYS)}
        ).where((Order.id == order_id) & (Order.status == "paid"))
