"""Placing an order, online or at the POS: checked, quoted, written in one transaction.

Placing an order is ONE write transaction: the order, its lines, fulfilments, stock
reservations, events and the payment it opens (`payments.service.start_payment` joins the
transaction) commit together or not at all, so an order never exists without its stock held
and its payment to be made. Realtime events go out after the commit. The same idempotency
key returns the same order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from core.database import write_transaction
from core.realtime import publish_after_commit
from core.row_insert import insert_numbered, insert_rows
from core.statements import fetch
from fulfilment.checkout import CheckoutRequest, LineRequest, Quote, quote
from fulfilment.contacts import check_mobile, check_pickup_contact
from fulfilment.errors import IdempotencyKeyReused, InvalidOrder, OutOfStock
from fulfilment.hours import STORE_TZ
from fulfilment.moves import announce, now_utc
from fulfilment.routing import pinned_store_shortage
from fulfilment.statuses import Channel, FulfilmentMethod, FulfilmentStatus, OrderStatus
from fulfilment.tables import Fulfilment, Order, OrderEvent, OrderLine
from fulfilment.views import OrderView, load_order, order_view_of_rows
from locations.errors import InsufficientStock
from locations.stock import StockLine, reserve_stock
from members.points import check_points, spend_for_order
from payments.providers import provider_names, registered_providers
from payments.service import PaymentStart, start_payment
from promotions.pricing import split
from promotions.usage import count_uses, line_totals

CHANNELS = tuple(Channel)
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
    #: Who collects a pickup order (提货人): {name, phone}; optional.
    pickup_contact: dict[str, Any] = field(default_factory=dict)
    location_id: int | None = None
    #: The selling store, for POS orders.
    store_location_id: int | None = None
    actor_id: int | None = None
    #: Take the ordered variants out of the customer's cart, in the order's transaction.
    clear_cart: bool = False
    #: Coupon codes chosen or typed; None picks the best of the customer's wallet.
    coupons: Sequence[str] | None = None
    #: The member found at the counter (user id) for a POS sale: member prices, points.
    member_id: int | None = None
    #: Points the member spends as part payment (`members.points` limit), spent in the
    #: order's transaction and split over the lines' discounts.
    points: int = 0


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
    provider = registered_providers().get(cmd.payment_method)
    if provider is None:
        raise InvalidOrder(
            "Choose a payment method: {choices}, not {method}",
            choices=", ".join(provider_names()),
            method=cmd.payment_method,
        )
    if cmd.method not in provider.serves:
        raise InvalidOrder(
            "Payment method {payment_method} is not possible for {method} orders",
            payment_method=cmd.payment_method,
            method=cmd.method,
        )
    if cmd.idempotency_key is not None and not 1 <= len(cmd.idempotency_key) <= 100:
        raise InvalidOrder("The Idempotency-Key must be 1 to 100 characters")
    if cmd.channel == Channel.ONLINE and cmd.customer_id is None:
        raise InvalidOrder("Online orders need a customer account")
    if cmd.method == FulfilmentMethod.DELIVERY:
        missing = [k for k in ("name", "phone", "detail") if not str(cmd.address.get(k) or "")]
        if missing:
            raise InvalidOrder("Delivery needs the recipient's {fields}", fields=", ".join(missing))
        check_mobile(cmd.address["phone"])
    check_pickup_contact(cmd.pickup_contact)


async def _existing(customer_id: int | None, key: str | None) -> PlacedOrder | None:
    if customer_id is None or key is None:
        return None
    rows = await fetch(
        "SELECT id FROM orders WHERE customer_id = {} AND idempotency_key = {} LIMIT 1",
        customer_id,
        key,
    )
    if not rows:
        return None
    view = await load_order(rows[0]["id"], with_events=False)
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


def order_number(order_id: int, created_at: Any) -> str:
    """`KQ` + the local (Asia/Shanghai) date + the zero-padded id: KQ20261125-000123."""
    return f"{order_number_prefix(created_at)}{order_id:06d}"


def order_number_prefix(created_at: Any) -> str:
    """An order number before its id: `KQ` + the local (Asia/Shanghai) date + `-`.

    The id (at least 6 digits, as `order_number`) is added by the database as the row is
    inserted (`core.row_insert.insert_numbered`).
    """
    return f"KQ{created_at.astimezone(STORE_TZ):%Y%m%d}-"


async def place_order(cmd: PlaceOrder) -> PlacedOrder:
    """Place an order and hold its stock; the same idempotency key returns the same order.

    Raises:
        OutOfStock: some line cannot be had; nothing was written. `extra["lines"]` names
            each line with how many were asked for and how many are available; for a
            pickup pinned to a store (`location_id`) that can no longer hold every line,
            also what each nearby store can give (`stores`).
        InvalidOrder: the request breaks a rule (method, payment method, address…).
    """
    _check(cmd)
    # The key is not looked up first: a replay is rare, and the unique index on customer
    # and key refuses its order row (the first statement of the write, so nothing else is
    # written). It is looked up only when this request was not placed.
    try:
        view, payment = await _quote_and_write(cmd)
    except Exception:
        # An order with this key exists: a replay, or a concurrent request with the same
        # key won (the unique index refused this one's order row and its transaction rolled
        # back). Its first order is the answer even when the request could no longer be
        # placed now: the last unit sold since, the item unlisted, the coupon used, the
        # geocoder unreachable.
        found = await _existing(cmd.customer_id, cmd.idempotency_key)
        if found is None:
            raise
        return _same_request_or_refuse(found, cmd)
    return PlacedOrder(order=view, created=True, payment=payment)


async def _quote_and_write(cmd: PlaceOrder) -> tuple[OrderView, PaymentStart]:
    """Plan, price and write a new order; the order's view and the payment it opened."""
    # The plan is read before the write transaction, so orders plan side by side and only
    # their writes queue. A plan gone stale meanwhile costs nothing: the conditional
    # reserve refuses units that are no longer there, and nothing is written.
    quoted = await _quote(cmd)
    _refuse_if_pinned_store_short(cmd, quoted)
    covered = await _points_covered(cmd, quoted)
    provider = registered_providers()[cmd.payment_method]  # checked by _check
    if any(f.method not in provider.serves for f in quoted.plan.fulfilments):
        raise InvalidOrder("Part of this order is delivered: pay online or choose another store")
    try:
        return await _write_order(cmd, quoted, covered)
    except OutOfStock:
        if not _pinned_pickup(cmd):
            raise
        # The store's last units went to another order between the plan and the write:
        # refuse as a fresh plan would, naming what each nearby store can give now.
        _refuse_if_pinned_store_short(cmd, await _quote(cmd))
        raise


def _member_of(cmd: PlaceOrder) -> int | None:
    """The member the order is for: the online customer, or the member found at the counter."""
    return cmd.customer_id if cmd.customer_id is not None else cmd.member_id


async def _points_covered(cmd: PlaceOrder, quoted: Quote) -> int:
    """Fen the points asked for would pay (checked against the limit; nothing spent yet).

    Points pay at most half of the goods after discounts (shipping is paid in money), never
    above the balance: `members.points.points_limit`, the same rule as at the counter.
    """
    if cmd.points <= 0:
        return 0
    member = _member_of(cmd)
    if member is None:
        raise InvalidOrder("points: find the member before paying with points")
    return await check_points(member, cmd.points, quoted.subtotal - quoted.discount)


async def _quote(cmd: PlaceOrder) -> Quote:
    """Plan and price the order as `POST /api/checkout/quote` would, reserving nothing."""
    return await quote(
        CheckoutRequest(
            lines=cmd.lines,
            method=cmd.method,
            position=cmd.position,
            address=cmd.address,
            location_id=cmd.location_id,
            coupons=cmd.coupons,
            customer_id=cmd.customer_id,
            member_id=_member_of(cmd),
            at_counter=cmd.channel == Channel.POS,
        )
    )


def _pinned_pickup(cmd: PlaceOrder) -> bool:
    """A pickup at the store the buyer chose (not one routing picked)."""
    return cmd.method == FulfilmentMethod.PICKUP and cmd.location_id is not None


def _refuse_if_pinned_store_short(cmd: PlaceOrder, quoted: Quote) -> None:
    """A pinned pickup is placed at its store whole, or refused with 409: never reshaped."""
    if not _pinned_pickup(cmd):
        return
    assert cmd.location_id is not None
    short = pinned_store_shortage(quoted.plan, quoted.wanted, quoted.goods, cmd.location_id)
    if short is not None:
        raise short


async def _write_order(
    cmd: PlaceOrder, quoted: Any, covered: int
) -> tuple[OrderView, PaymentStart]:
    """Write the order in one transaction; returns its view and the payment it opened.

    `covered`: fen paid by the member's points, spent here (a balance spent meanwhile by
    another order refuses this one, and nothing is written).

    The view is built from the rows as written (RETURNING every column), not read back:
    it needs neither the timeline nor the payment row (`payment`).
    """
    now = now_utc()
    goods = quoted.goods
    async with write_transaction():
        # Rows are inserted as dicts in prepared statements (`core.row_insert`): Piccolo's
        # per-row Table objects and nested query strings were a third of an order's time.
        # The number is written with the row (`KQ<date>-<id>`): the id is drawn in the same
        # statement, so no UPDATE follows.
        order_row = await insert_numbered(
            Order,
            {
                "channel": cmd.channel,
                "customer_id": cmd.customer_id,
                "store_location_id": cmd.store_location_id,
                "subtotal": quoted.subtotal,
                "shipping": quoted.shipping,
                "discount": quoted.discount,
                "points_paid": covered,
                "total": quoted.total - covered,
                "currency": quoted.currency,
                "payment_method": cmd.payment_method,
                "idempotency_key": cmd.idempotency_key,
                "delivery_address": _delivery_address(cmd),
                "pickup_contact": _pickup_contact(cmd),
                "position": (
                    {"lat": quoted.position[0], "lon": quoted.position[1]}
                    if quoted.position
                    else {}
                ),
                "created_at": now,
            },
            number_column="number",
            prefix=order_number_prefix(now),
        )
        order_id = order_row["id"]
        number = order_row["number"]
        order_row |= {
            "delivery_address": _delivery_address(cmd),
            "pickup_contact": _pickup_contact(cmd),
        }
        plans = quoted.plan.fulfilments
        fulfilment_rows = await insert_rows(
            Fulfilment,
            [
                {
                    "order": order_id,
                    "location": planned.location_id,
                    "method": planned.method,
                    "supplier_id": planned.supplier_id,
                    "ready_by": planned.ready_at,
                }
                for planned in plans
            ],
        )
        line_dicts: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = [
            {
                "order": order_id,
                "kind": "placed",
                "actor_id": cmd.actor_id,
                "new_state": "pending_payment",
            }
        ]
        stock_lines: list[StockLine] = []
        # Where each variant's lines go (a variant split over two stores shares its discount).
        positions: dict[int, list[tuple[int, int]]] = {}
        positions_flat: list[int] = []
        for planned, created in zip(plans, fulfilment_rows, strict=True):
            fulfilment_id = created["id"]
            line_dicts += [
                {
                    "order": order_id,
                    "fulfilment": fulfilment_id,
                    "variant": variant_id,
                    "product_name": goods[variant_id].product_name,
                    "sku": goods[variant_id].sku,
                    "supplier_id": goods[variant_id].supplier_id,
                    "quantity": quantity,
                    "unit_price": goods[variant_id].price,
                }
                for variant_id, quantity in sorted(planned.lines.items())
            ]
            for variant_id, quantity in sorted(planned.lines.items()):
                positions.setdefault(variant_id, []).append((len(positions_flat), quantity))
                positions_flat.append(variant_id)
            stock_lines += [StockLine(planned.location_id, v, q) for v, q in planned.lines.items()]
            events.append(
                {
                    "order": order_id,
                    "fulfilment": fulfilment_id,
                    "kind": "allocated",
                    "actor_id": cmd.actor_id,
                    "new_state": FulfilmentStatus.ALLOCATED,
                    "note": planned.location_name[:255],
                }
            )
            if planned.method == FulfilmentMethod.PICKUP:
                await publish_after_commit(
                    f"location:{planned.location_id}",
                    {
                        "type": "fulfilment_created",
                        "order_id": order_id,
                        "fulfilment_id": fulfilment_id,
                        "status": FulfilmentStatus.ALLOCATED,
                    },
                )
        for index, discount in line_totals(quoted.pricing, positions).items():
            line_dicts[index]["discount"] = discount
        if covered:
            member = _member_of(cmd)
            assert member is not None  # checked by _points_covered
            await spend_for_order(
                member,
                order_id,
                cmd.points,
                total=quoted.subtotal - quoted.discount,
                channel=cmd.channel,
                number=number,
            )
            _split_points(line_dicts, covered)
        line_rows = await insert_rows(OrderLine, line_dicts)
        await count_uses(
            order_id,
            cmd.customer_id,
            quoted.pricing,
            {v: [(line_rows[i]["id"], q) for i, q in placed] for v, placed in positions.items()},
        )
        await insert_rows(OrderEvent, events, ids_only=True)
        try:
            await reserve_stock(stock_lines, reference=number, actor_id=cmd.actor_id)
        except InsufficientStock as short:
            raise _out_of_stock(short, goods) from short
        if cmd.clear_cart and cmd.customer_id is not None and quoted.wanted:
            wanted = sorted(quoted.wanted)
            await fetch(
                "DELETE FROM cart_item WHERE user_id = {} AND variant IN ("
                + ", ".join("{}" for _ in wanted)
                + ")",
                cmd.customer_id,
                *wanted,
            )
        payment = await start_payment(
            order_id=order_id,
            order_number=number,
            amount=quoted.total - covered,
            currency=quoted.currency,
            provider=cmd.payment_method,
            customer_id=cmd.customer_id,
            new_order=True,
        )
        await announce(
            order_id, {"type": "order", "status": OrderStatus.PENDING_PAYMENT, "kind": "placed"}
        )
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


def _split_points(line_dicts: list[dict[str, Any]], covered: int) -> None:
    """Add what the points paid to the lines' discounts, in proportion to what each costs.

    So `fulfilment.money.line_paid` stays the money paid for a line: settlement and
    refunds read it, and a refund gives the points back in the same proportion.
    """
    weights = {
        i: line["unit_price"] * line["quantity"] - line.get("discount", 0)
        for i, line in enumerate(line_dicts)
    }
    for index, share in split(covered, weights).items():
        line_dicts[index]["discount"] = line_dicts[index].get("discount", 0) + share


def _pickup_contact(cmd: PlaceOrder) -> dict[str, str]:
    """Who collects a pickup order (checked, phone as 11 digits); none for delivery."""
    return check_pickup_contact(cmd.pickup_contact) if cmd.method == FulfilmentMethod.PICKUP else {}


def _delivery_address(cmd: PlaceOrder) -> dict[str, Any]:
    """The address an order is delivered to; none for pickup."""
    return cmd.address if cmd.method == FulfilmentMethod.DELIVERY else {}


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
