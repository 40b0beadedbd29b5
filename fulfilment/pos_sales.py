"""Walk-in sales at the store counter, from the same stock rows as online orders.

A sale is placed through the one `place_order` (channel "pos", this store, no customer),
which reserves with the conditional UPDATE, so a walk-in and an online buyer racing for the
last unit cannot both win. Then, in a second transaction, the money taken is recorded and
the goods are sold: the order ends completed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from accounts.roles import CurrentUser
from catalog.variant_facts import variants_info
from core.database import write_transaction
from core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from fulfilment.checkout import LineRequest
from fulfilment.errors import InvalidOrder, OrderNotFound
from fulfilment.goods import goods_by_id
from fulfilment.moves import move_fulfilment, move_order, now_utc
from fulfilment.orders import PlaceOrder, cancel_order, mark_order_paid, place_order
from fulfilment.pickup import COUNTER_METHODS
from fulfilment.selling import sell_lines
from fulfilment.statuses import Channel, FulfilmentMethod, FulfilmentStatus, OrderStatus
from fulfilment.tables import Fulfilment, Order, OrderLine
from fulfilment.views import OrderView, load_order
from locations.adjustments import ADJUST_REASONS
from locations.stock import StockLine, change_on_hand, count_delta
from locations.stock_reads import store_stock
from members.points import earn_for_order
from payments.providers import InStoreProvider
from payments.service import confirm_offline_payment

#: Most different items one sale may hold.
MAX_LINES = 50


async def sell_walk_in(
    location_id: int,
    staff: CurrentUser,
    lines: Sequence[LineRequest],
    payment_method: str,
    tendered: int | None = None,
    coupons: Sequence[str] = (),
    member_id: int | None = None,
    points: int = 0,
) -> OrderView:
    """Sell goods held at this store to a walk-in customer; returns the completed order.

    `member_id` is the user id of the member found at the counter (member QR or phone,
    `members.cards.find_member`): they get their member prices, earn points on the money
    paid, in the same transaction, and may pay part of the sale with `points` (within
    `members.points`' limit, spent with the order); the order's total is then the rest,
    which the counter takes.

    `tendered` is the cash the customer handed over (fen), when paying cash; less than the
    total refuses the sale (nothing is kept) — `cash_change` says what to give back.

    The sale is priced like an online order of the same goods at this store: platform,
    supplier and this store's promotions apply, and `coupons` (codes scanned from a
    consumer's wallet or typed) are redeemed.

    Raises:
        OutOfStock: the store does not hold enough of some line; nothing was written.
        InvalidOrder: no lines, a bad quantity, an unknown payment method, too little cash.
    """
    if payment_method not in COUNTER_METHODS:
        raise InvalidOrder("Choose how the customer pays: cash, card or qr")
    if not lines:
        raise InvalidOrder("Add at least one item")
    if len(lines) > MAX_LINES:
        raise InvalidOrder("At most {n} different items per sale", n=MAX_LINES)
    if any(line.quantity < 1 for line in lines):
        raise InvalidOrder("Each quantity must be at least 1")
    if points and member_id is None:
        raise InvalidOrder("points: find the member before paying with points")
    # The member found at the counter gets member prices and may spend points: both are
    # written with the order (points split over the lines' discounts), so the order's
    # total is the money the counter takes.
    placed = await place_order(
        PlaceOrder(
            channel=Channel.POS,
            customer_id=None,
            lines=lines,
            method=FulfilmentMethod.PICKUP,
            payment_method=InStoreProvider.name,
            location_id=location_id,
            store_location_id=location_id,
            actor_id=staff.id,
            coupons=list(coupons),
            member_id=member_id,
            points=points,
        )
    )
    order_id = placed.order.id
    if any(f.location_id != location_id for f in placed.order.fulfilments):
        await cancel_order(order_id, actor_id=staff.id, reason="not all held at this store")
        raise InvalidOrder("This store does not hold every item of the sale")
    try:
        cash_change(placed.order.total, tendered, payment_method)
    except DomainError:
        await cancel_order(order_id, actor_id=staff.id, reason="payment refused at the counter")
        raise
    try:
        async with write_transaction():
            paid = await confirm_offline_payment(
                order_id=order_id, method=payment_method, actor_id=staff.id
            )
            await mark_order_paid(order_id, payment_id=paid.payment_id, actor_id=staff.id)
            if member_id is not None:
                await earn_for_order(
                    member_id,
                    order_id,
                    spend=placed.order.total,
                    channel=Channel.POS,
                    number=placed.order.number,
                )
            stock_lines: list[StockLine] = []
            for f in await Fulfilment.select().where(Fulfilment.order == order_id):
                await move_fulfilment(
                    f, FulfilmentStatus.READY_FOR_PICKUP, kind="pos_sale", actor_id=staff.id
                )
                await move_fulfilment(
                    f, FulfilmentStatus.COLLECTED, kind="collected", actor_id=staff.id
                )
                stock_lines += [
                    StockLine(location_id, line["variant"], line["quantity"])
                    for line in await OrderLine.select().where(OrderLine.fulfilment == f["id"])
                ]
            number = placed.order.number
            await sell_lines(stock_lines, reference=number, actor_id=staff.id)
            order = await Order.select().where(Order.id == order_id).first()
            assert order is not None
            await move_order(
                order,
                OrderStatus.COMPLETED,
                kind="completed",
                actor_id=staff.id,
                values={Order.closed_at: now_utc()},
            )
    except Exception:
        await cancel_order(order_id, actor_id=staff.id, reason="the sale could not be completed")
        raise
    view = await load_order(order_id)
    assert view is not None
    return view


async def store_sale(location_id: int, order_id: int) -> OrderView:
    """A completed walk-in sale of this store, for its receipt (404 for any other)."""
    view = await load_order(order_id, with_events=False)
    order = (
        await Order.select(Order.store_location_id, Order.channel)
        .where(Order.id == order_id)
        .first()
    )
    if (
        view is None
        or order is None
        or order["channel"] != Channel.POS
        or (order["store_location_id"] != location_id)
    ):
        raise OrderNotFound("Order {id} was not found", id=order_id)
    return view


def cash_change(total: int, tendered: int | None, payment_method: str) -> int | None:
    """The change to give (fen) for cash handed over; None when not paying cash or not told.

    Raises:
        InvalidOrder: the cash handed over is less than the total (field `tendered`).
    """
    if payment_method != "cash" or tendered is None:
        return None
    if tendered < total:
        error = InvalidOrder(
            "The customer handed over ¥{tendered}, less than the total ¥{total}",
            tendered=f"{tendered / 100:.2f}",
            total=f"{total / 100:.2f}",
        )
        error.extra["field"] = "tendered"
        raise error
    return tendered - total


@dataclass(frozen=True, slots=True)
class StoreItem:
    """A variant held at a store, as the counter sells and counts it."""

    variant_id: int
    sku: str
    barcode: str
    name: str
    price: int
    on_hand: int
    reserved: int
    available: int
    #: The variant's options ({"颜色": "黑色", "版本": "8GB+256GB"}): tells variants apart.
    options: dict[str, str] = field(default_factory=dict)


async def store_goods(
    location_id: int,
    query: str = "",
    *,
    limit: int = 50,
    options_of: Iterable[int] | None = None,
) -> list[StoreItem]:
    """Variants this store holds, matching a name, SKU or exact barcode (all when empty).

    Each carries its options; `options_of` limits that look-up to some variants (the till's
    cart, when every item of the store is listed).
    """
    rows = await store_stock(location_id, query, limit=limit)
    wanted = [r["variant_id"] for r in rows] if options_of is None else list(options_of)
    goods = await goods_by_id(wanted)
    return [
        StoreItem(
            variant_id=r["variant_id"],
            sku=r["sku"],
            barcode=r["barcode"] or "",
            name=r["name"],
            price=r["price"],
            on_hand=r["on_hand"],
            reserved=r["reserved"],
            available=r["on_hand"] - r["reserved"],
            options=dict(goods[r["variant_id"]].options) if r["variant_id"] in goods else {},
        )
        for r in rows
    ]


async def count_stock(
    location_id: int,
    staff: CurrentUser,
    *,
    variant_id: int,
    reason: str,
    on_hand: int | None = None,
    delta: int | None = None,
    note: str = "",
) -> StoreItem:
    """Set a counted figure, or add/remove units, at the staff's store, with a reason.

    Goes through `locations.stock.change_on_hand` (one conditional UPDATE, never below
    what is reserved for orders, a ledger row with the reason and the staff member).
    """
    if not staff.works_at(location_id):
        raise PermissionDenied("You are not staff of this store")
    if reason not in ADJUST_REASONS:
        raise InvalidInput(
            "Reason {reason} is not one of {reasons}",
            reason=reason or "(empty)",
            reasons=", ".join(ADJUST_REASONS),
        )
    if (delta is None) == (on_hand is None):
        raise InvalidInput("Give either the counted figure or a change, not both")
    if on_hand is not None and on_hand < 0:
        raise InvalidInput("On-hand stock cannot be negative")
    info = (await variants_info([variant_id])).get(variant_id)
    if info is None:
        raise NotFound("No variant {variant}", variant=variant_id)
    async with write_transaction():
        # The count is read with the row locked, so no sale slips in before it is set.
        if on_hand is not None:
            delta = await count_delta(location_id, variant_id, on_hand)
        assert delta is not None
        if delta != 0:
            await change_on_hand(
                location_id=location_id,
                variant_id=variant_id,
                delta=delta,
                reason=reason,
                reference=f"POS {note}".strip(),
                actor_id=staff.id,
                sku=info.sku,
            )
    found = [i for i in await store_goods(location_id, info.sku) if i.variant_id == variant_id]
    return found[0]
