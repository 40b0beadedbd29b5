"""Consumer order JSON API: list, detail, pay, cancel, confirm receipt (own orders only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from accounts.access import SIGNED_IN, Me
from accounts.roles import Role
from fulfilment.addresses import delivery_address_from_book
from fulfilment.carriers import ParcelEventView, parcel_events, refresh_parcels
from fulfilment.errors import InvalidOrder
from fulfilment.order_centre import order_centre, parse_tab
from fulfilment.orders import (
    PlaceOrder,
    cancel_order,
    confirm_receipt,
    customer_order,
    place_order,
    restart_payment,
)
from fulfilment.reviewing import LineReview, review_states
from fulfilment.views import FulfilmentView, OrderView, orders_of_customer
from payments.service import PaymentStart
from storefront.checkout_api import OrderIn, checkout_request
from storefront.review_api import ReviewOut, review_out


class OrderLineOut(msgspec.Struct):
    """A bought variant; `review_state` is reviewable | reviewed | waiting (order detail)."""

    id: int
    variant_id: int
    product_name: str
    sku: str
    supplier_id: int
    quantity: int
    unit_price: int
    line_total: int
    #: The promotions' discount on this line (fen); `line_total` is after it.
    discount: int = 0
    review_state: str | None = None
    review: ReviewOut | None = None


class ParcelEventOut(msgspec.Struct):
    """One scan of a parcel, where and when.

    `kind`: parcel_collected | parcel_in_transit | parcel_out_for_delivery | parcel_delivered.
    """

    kind: str
    place: str
    note: str
    happened_at: datetime


class FulfilmentOut(msgspec.Struct):
    """One location's share of an order."""

    id: int
    method: str
    location_id: int
    location_name: str
    location_address: str
    opening_hours: list[str]
    supplier_id: int | None
    status: str
    carrier: str
    tracking_number: str
    ready_by: datetime | None
    pickup_deadline: datetime | None
    lines: list[OrderLineOut]
    #: The store's phone (pickup instructions).
    location_phone: str = ""
    #: The carrier's scans of a delivery parcel, newest first (order detail).
    parcel_events: list[ParcelEventOut] = []


class PaymentBrief(msgspec.Struct):
    """The order's latest payment."""

    provider: str
    status: str
    pay_url: str | None
    amount: int


class EventOut(msgspec.Struct):
    """One line of the status timeline."""

    kind: str
    old_state: str
    new_state: str
    note: str
    fulfilment_id: int | None
    created_at: datetime


class OrderOut(msgspec.Struct):
    """An order."""

    id: int
    number: str
    channel: str
    status: str
    subtotal: int
    shipping: int
    discount: int
    total: int
    currency: str
    payment_method: str
    created_at: datetime
    paid_at: datetime | None
    delivery_address: dict[str, Any]
    payment: PaymentBrief | None
    fulfilments: list[FulfilmentOut]
    can_cancel: bool
    can_confirm_receipt: bool
    events: list[EventOut] = []
    #: Who collects a pickup order: {name, phone} (the buyer's own order only).
    pickup_contact: dict[str, Any] = {}
    #: Fen paid with points (100 points = ¥1); `total` is the money paid besides them.
    points_paid: int = 0


class PayOut(msgspec.Struct):
    """Where to pay."""

    payment_id: int
    provider: str
    status: str
    pay_url: str | None


def _review_of(state: LineReview | None) -> ReviewOut | None:
    return review_out(state.review) if state is not None and state.review is not None else None


def fulfilment_out(
    f: FulfilmentView,
    reviews: dict[int, LineReview] | None = None,
    parcels: dict[int, list[ParcelEventView]] | None = None,
) -> FulfilmentOut:
    """A fulfilment as JSON, with each line's review state when `reviews` are given."""
    reviews = reviews or {}
    scans = (parcels or {}).get(f.id, [])
    return FulfilmentOut(
        id=f.id,
        method=f.method,
        location_id=f.location_id,
        location_name=f.location_name,
        location_address=f.location_address,
        opening_hours=f.opening_hours,
        supplier_id=f.supplier_id,
        status=f.status,
        carrier=f.carrier,
        tracking_number=f.tracking_number,
        ready_by=f.ready_by,
        pickup_deadline=f.pickup_deadline,
        location_phone=f.location_phone,
        parcel_events=msgspec.convert(scans, list[ParcelEventOut], from_attributes=True),
        lines=[
            OrderLineOut(
                id=ln.id,
                variant_id=ln.variant_id,
                product_name=ln.product_name,
                sku=ln.sku,
                supplier_id=ln.supplier_id,
                quantity=ln.quantity,
                unit_price=ln.unit_price,
                line_total=ln.line_total,
                discount=ln.discount,
                review_state=reviews[ln.id].state if ln.id in reviews else None,
                review=_review_of(reviews.get(ln.id)),
            )
            for ln in f.lines
        ],
    )


def order_out(
    order: OrderView,
    started: PaymentStart | None = None,
    reviews: dict[int, LineReview] | None = None,
    parcels: dict[int, list[ParcelEventView]] | None = None,
) -> OrderOut:
    """An order as JSON; `started` is a payment just opened for it (else its latest one)."""
    payment = order.payment
    brief = (
        PaymentBrief(payment.provider, payment.status, payment.pay_url, payment.amount)
        if payment
        else None
    )
    if started is not None:
        brief = PaymentBrief(started.provider, started.status, started.pay_url, order.total)
    return OrderOut(
        id=order.id,
        number=order.number,
        channel=order.channel,
        status=order.status,
        subtotal=order.subtotal,
        shipping=order.shipping,
        discount=order.discount,
        total=order.total,
        currency=order.currency,
        payment_method=order.payment_method,
        created_at=order.created_at,
        paid_at=order.paid_at,
        delivery_address=order.delivery_address,
        payment=brief,
        fulfilments=[fulfilment_out(f, reviews, parcels) for f in order.fulfilments],
        can_cancel=order.can_cancel,
        can_confirm_receipt=order.can_confirm_receipt,
        pickup_contact=order.pickup_contact,
        points_paid=order.points_paid,
        events=[
            EventOut(e.kind, e.old_state, e.new_state, e.note, e.fulfilment_id, e.created_at)
            for e in order.events
        ],
    )


class OrderCentreOut(msgspec.Struct):
    """One tab of the order centre and how many orders each tab holds."""

    tab: str
    #: all, to_pay, to_ship, to_receive, to_collect, to_review → number of orders.
    counts: dict[str, int]
    items: list[OrderOut]


class OrderApi(Controller):
    """`/api/orders…` of the logged-in consumer; others' orders answer 404."""

    path = "/api/orders"
    tags = ["orders"]

    @get("/", opt=SIGNED_IN)
    async def list_orders(
        self,
        me: Me,
    ) -> list[OrderOut]:
        """My orders, newest first."""
        return [order_out(o) for o in await orders_of_customer(me.id)]

    @get("/centre", opt=SIGNED_IN)
    async def centre(self, me: Me, tab: FromQuery[str] = "all") -> OrderCentreOut:
        """My order centre: one tab's orders and how many orders every tab holds.

        Tabs: `to_pay`, `to_ship`, `to_receive`, `to_collect`, `to_review`, `all`.
        """
        found = await order_centre(me.id, parse_tab(tab))
        return OrderCentreOut(
            tab=found.tab,
            counts={str(t): n for t, n in found.counts.items()},
            items=[order_out(o) for o in found.orders],
        )

    @get("/{order_id:int}", opt=SIGNED_IN)
    async def detail(self, me: Me, order_id: FromPath[int]) -> OrderOut:
        """One of my orders with its fulfilments, timeline, parcel scans and reviewable lines."""
        order = await customer_order(order_id, me.id)
        parcels = [f.id for f in order.fulfilments if f.method == "delivery" and f.tracking_number]
        if parcels and await refresh_parcels(parcels):
            order = await customer_order(order_id, me.id)  # a parcel may have been signed for
        return order_out(
            order, reviews=await review_states(order), parcels=await parcel_events(parcels)
        )

    @post("/{order_id:int}/pay", status_code=HTTP_200_OK, opt=SIGNED_IN)
    async def pay(self, me: Me, order_id: FromPath[int]) -> PayOut:
        """Open (or reopen) the online payment of an unpaid order: where to pay."""
        started = await restart_payment(order_id, me.id)
        return PayOut(started.payment_id, started.provider, started.status, started.pay_url)

    @post("/{order_id:int}/cancel", status_code=HTTP_200_OK, opt=SIGNED_IN)
    async def cancel(self, me: Me, order_id: FromPath[int]) -> OrderOut:
        """Cancel before anything is ready or shipped: stock released, payment refunded."""
        return order_out(await cancel_order(order_id, actor_id=me.id, customer_id=me.id))

    @post("/{order_id:int}/confirm-receipt", status_code=HTTP_200_OK, opt=SIGNED_IN)
    async def confirm(self, me: Me, order_id: FromPath[int]) -> OrderOut:
        """Everything arrived: the order is completed."""
        return order_out(await confirm_receipt(order_id, customer_id=me.id, actor_id=me.id))

    @post("/", opt=SIGNED_IN)
    async def place(
        self,
        me: Me,
        data: JSONBody[OrderIn],
        idempotency_key: Annotated[
            str | None, HeaderParameter(name="Idempotency-Key", required=False)
        ] = None,
    ) -> Response[OrderOut]:
        """Place the order and hold its stock: 201, or 200 with the same order on a replay."""
        if not idempotency_key:
            raise InvalidOrder("The Idempotency-Key header is required to place an order")
        if me.role is not Role.CONSUMER:
            raise InvalidOrder("Only consumer accounts place online orders")
        request_body = checkout_request(data, me.id)
        address = request_body.address
        if data.address_id is not None:
            address = await delivery_address_from_book(me.id, data.address_id)
        placed = await place_order(
            PlaceOrder(
                channel="online",
                customer_id=me.id,
                lines=request_body.lines,
                method=request_body.method,
                payment_method=data.payment_method,
                idempotency_key=idempotency_key,
                position=request_body.position,
                address=address,
                pickup_contact=msgspec.structs.asdict(data.pickup_contact)
                if data.pickup_contact
                else {},
                location_id=data.location_id,
                actor_id=me.id,
                clear_cart=True,
                coupons=request_body.coupons,
                points=data.points,
            )
        )
        return Response(
            order_out(placed.order, placed.payment),
            status_code=HTTP_201_CREATED if placed.created else HTTP_200_OK,
        )
