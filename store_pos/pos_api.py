"""Store POS JSON API: pickup queue, ready, scan, handover, walk-in sales and stock counts.

Every route is for staff of the store in the path (`STAFF_HERE`):
staff of another store get 403 before any handler runs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from accounts.access import STAFF, STAFF_HERE, Me
from accounts.roles import CurrentUser
from core.i18n import gettext
from core.types import Id, LongText, Quantity, ShortText, StockCount, StockDelta
from fulfilment.checkout import LineRequest
from fulfilment.pickup import (
    PickupTicket,
    ScanResult,
    cancel_pickup_lines,
    hand_over,
    mark_preparing,
    mark_ready,
    pickup_queue,
    scan,
)
from fulfilment.pickup_attempts import PickupAttemptLimiter
from fulfilment.pos_sales import count_stock, sell_walk_in, store_goods, store_sale
from fulfilment.views import OrderView
from locations.locations import locations_by_ids

#: Name of the Litestar store that counts wrong pickup codes (see server/app.py).
ATTEMPTS_STORE = "pickup_attempts"


def limiter_of(request: Request[Any, Any, Any]) -> PickupAttemptLimiter:
    """The wrong-code limiter shared by every app process (Redis when configured)."""
    return PickupAttemptLimiter(request.app.stores.get(ATTEMPTS_STORE))


class LineOut(msgspec.Struct):
    """A line of a pickup."""

    id: int
    variant_id: int
    name: str
    sku: str
    qty: int
    unit_price: int


class TicketOut(msgspec.Struct):
    """A pickup as the counter sees it: never its code, which the customer brings."""

    fulfilment_id: int
    order_id: int
    order_number: str
    status: str
    customer_name: str
    phone: str
    payment_status: str
    payment_method: str
    amount_due: int
    currency: str
    lines: list[LineOut]
    ready_by: datetime | None
    pickup_deadline: datetime | None
    overdue: bool
    expiring_soon: bool
    #: Who collects (提货人) and only the last four digits of their phone.
    collector_name: str = ""
    collector_phone_last4: str = ""


def ticket_out(t: PickupTicket) -> TicketOut:
    """A pickup ticket as JSON."""
    return TicketOut(
        fulfilment_id=t.fulfilment_id,
        order_id=t.order_id,
        order_number=t.order_number,
        status=t.status,
        customer_name=t.customer_name,
        phone=t.phone,
        payment_status=t.payment_status,
        payment_method=t.payment_method,
        amount_due=t.amount_due,
        currency=t.currency,
        lines=[
            LineOut(line.id, line.variant_id, line.name, line.sku, line.quantity, line.unit_price)
            for line in t.lines
        ],
        ready_by=t.ready_by,
        pickup_deadline=t.pickup_deadline,
        overdue=t.overdue,
        expiring_soon=t.expiring_soon,
        collector_name=t.collector_name,
        collector_phone_last4=t.collector_phone_last4,
    )


class QueueOut(msgspec.Struct):
    """A store's open pickups."""

    location_id: int
    items: list[TicketOut]


class ReadyOut(msgspec.Struct):
    """A pickup marked ready."""

    id: int
    status: str
    short_code: str
    pickup_deadline: datetime


class ScanIn(msgspec.Struct):
    """What the scanner or the keyboard typed."""

    code: ShortText


class ScanOut(msgspec.Struct):
    """Who and what, or why not (DESIGN.md)."""

    fulfilment_id: int | None
    order_number: str | None
    customer_name: str | None
    phone: str | None
    lines: list[LineOut]
    payment_status: str | None
    amount_due: int
    can_hand_over: bool
    reason: str | None
    detail: str
    collected_at: datetime | None = None
    collected_by: str | None = None
    collector_name: str = ""
    collector_phone_last4: str = ""


def scan_out(result: ScanResult) -> ScanOut:
    """A scan result as JSON, its message in the request's language."""
    t = result.ticket
    return ScanOut(
        fulfilment_id=t.fulfilment_id if t else None,
        order_number=t.order_number if t else None,
        customer_name=t.customer_name if t else None,
        phone=t.phone if t else None,
        lines=ticket_out(t).lines if t else [],
        payment_status=t.payment_status if t else None,
        amount_due=t.amount_due if t else 0,
        can_hand_over=result.can_hand_over,
        reason=result.reason,
        detail=gettext(result.message).format(**result.params),
        collector_name=t.collector_name if t else "",
        collector_phone_last4=t.collector_phone_last4 if t else "",
        collected_at=result.collected_at,
        collected_by=result.collected_by or None,
    )


class HandoverIn(msgspec.Struct):
    """This pickup's code, lines to hand over (all when absent), how it was paid in store."""

    #: The scanned QR token or the typed short code of this pickup (proof the customer is here).
    code: ShortText
    lines: Annotated[list[Id], msgspec.Meta(max_length=200)] | None = None
    payment_method: Literal["cash", "card", "qr"] | None = None
    #: What happens to lines not handed over: keep them ready, or cancel and refund.
    rest: Literal["keep", "cancel"] = "keep"


class HandoverOut(msgspec.Struct):
    """A handed-over pickup."""

    id: int
    status: str
    rest_fulfilment_id: int | None
    refunded: int


class CancelLinesIn(msgspec.Struct):
    """Lines of a pickup to cancel before it is ready."""

    lines: Annotated[list[Id], msgspec.Meta(max_length=200)]
    reason: ShortText = "cancelled by the store"


class SaleLineIn(msgspec.Struct):
    """A variant and how many."""

    variant_id: Id
    quantity: Quantity = 1


class SaleIn(msgspec.Struct):
    """A walk-in sale."""

    lines: Annotated[list[SaleLineIn], msgspec.Meta(max_length=200)]
    payment_method: Literal["cash", "card", "qr"]


class SaleLineOut(msgspec.Struct):
    """A sold line."""

    variant_id: int
    name: str
    sku: str
    quantity: int
    unit_price: int
    line_total: int


class SaleOut(msgspec.Struct):
    """A completed walk-in sale."""

    id: int
    number: str
    status: str
    channel: str
    total: int
    currency: str
    payment_method: str
    created_at: datetime
    lines: list[SaleLineOut]
    receipt_url: str


def sale_out(view: OrderView, location_id: int) -> SaleOut:
    """A walk-in sale as JSON."""
    return SaleOut(
        id=view.id,
        number=view.number,
        status=view.status,
        channel=view.channel,
        total=view.total,
        currency=view.currency,
        payment_method=view.payment.method if view.payment else "",
        created_at=view.created_at,
        lines=[
            SaleLineOut(
                line.variant_id,
                line.product_name,
                line.sku,
                line.quantity,
                line.unit_price,
                line.line_total,
            )
            for f in view.fulfilments
            for line in f.lines
        ],
        receipt_url=f"/pos/{location_id}/receipts/{view.id}",
    )


class ItemOut(msgspec.Struct):
    """A variant held at the store."""

    variant_id: int
    sku: str
    barcode: str
    name: str
    price: int
    on_hand: int
    reserved: int
    available: int


class CountIn(msgspec.Struct):
    """A stock count (`on_hand`) or change (`delta`) with its reason."""

    variant_id: Id
    reason: ShortText
    on_hand: StockCount | None = None
    delta: StockDelta | None = None
    note: LongText = ""


class StoreOut(msgspec.Struct):
    """A store the staff member works at."""

    id: int
    name: str
    address: str


async def staff_stores(user: CurrentUser) -> list[StoreOut]:
    """The stores a staff member works at."""
    rows = await locations_by_ids(list(user.store_ids))
    return [StoreOut(r["id"], r["name"], r["address"]) for r in rows]


class PosApi(Controller):
    """POS endpoints for the staff of one store."""

    path = "/api/pos"
    tags = ["pos"]

    @get("/stores", opt=STAFF)
    async def stores(
        self,
        me: Me,
    ) -> list[StoreOut]:
        """The stores the logged-in staff member works at."""
        return await staff_stores(me)

    @get("/{location_id:int}/queue", opt=STAFF_HERE)
    async def queue(self, location_id: FromPath[int]) -> QueueOut:
        """The store's open pickups (new, preparing, ready), oldest first."""
        return QueueOut(location_id, [ticket_out(t) for t in await pickup_queue(location_id)])

    @post(
        "/{location_id:int}/fulfilments/{fid:int}/preparing",
        opt=STAFF_HERE,
        status_code=HTTP_200_OK,
    )
    async def preparing(self, me: Me, location_id: FromPath[int], fid: FromPath[int]) -> TicketOut:
        """Start picking a new pickup."""
        return ticket_out(await mark_preparing(location_id, fid, me))

    @post("/{location_id:int}/fulfilments/{fid:int}/ready", opt=STAFF_HERE, status_code=HTTP_200_OK)
    async def ready(self, me: Me, location_id: FromPath[int], fid: FromPath[int]) -> ReadyOut:
        """Packed: issue the pickup code and tell the consumer."""
        done = await mark_ready(location_id, fid, me)
        return ReadyOut(done.id, done.status, done.short_code, done.pickup_deadline)

    @post("/{location_id:int}/scan", opt=STAFF_HERE, status_code=HTTP_200_OK)
    async def scan(
        self,
        me: Me,
        request: Request[Any, Any, Any],
        location_id: FromPath[int],
        data: JSONBody[ScanIn],
    ) -> ScanOut:
        """Read a QR token or a typed short code: who and what, or why not."""
        result = await scan(location_id, data.code, me, limiter_of(request))
        return scan_out(result)

    @post(
        "/{location_id:int}/fulfilments/{fid:int}/handover", opt=STAFF_HERE, status_code=HTTP_200_OK
    )
    async def handover(
        self,
        me: Me,
        request: Request[Any, Any, Any],
        location_id: FromPath[int],
        fid: FromPath[int],
        data: JSONBody[HandoverIn],
    ) -> HandoverOut:
        """Hand the goods over (once) on this pickup's code, after taking any money due."""
        done = await hand_over(
            location_id,
            fid,
            me,
            data.code,
            limiter_of(request),
            line_ids=data.lines,
            payment_method=data.payment_method,
            rest=data.rest,
        )
        return HandoverOut(done.id, done.status, done.rest_id, done.refunded)

    @post(
        "/{location_id:int}/fulfilments/{fid:int}/cancel-lines",
        opt=STAFF_HERE,
        status_code=HTTP_200_OK,
    )
    async def cancel_lines(
        self,
        me: Me,
        location_id: FromPath[int],
        fid: FromPath[int],
        data: JSONBody[CancelLinesIn],
    ) -> HandoverOut:
        """Cancel lines of a pickup not yet ready: stock back, money back."""
        done = await cancel_pickup_lines(location_id, fid, me, data.lines, reason=data.reason[:200])
        return HandoverOut(done.id, done.status, done.rest_id, done.refunded)

    @post("/{location_id:int}/sales", opt=STAFF_HERE, status_code=HTTP_201_CREATED)
    async def sell(self, me: Me, location_id: FromPath[int], data: JSONBody[SaleIn]) -> SaleOut:
        """Sell to a walk-in customer from this store's stock."""
        view = await sell_walk_in(
            location_id,
            me,
            [LineRequest(line.variant_id, line.quantity) for line in data.lines],
            data.payment_method,
        )
        return sale_out(view, location_id)

    @get("/{location_id:int}/sales/{order_id:int}", opt=STAFF_HERE)
    async def sale(self, location_id: FromPath[int], order_id: FromPath[int]) -> SaleOut:
        """A walk-in sale of this store (its receipt)."""
        return sale_out(await store_sale(location_id, order_id), location_id)

    @get("/{location_id:int}/items", opt=STAFF_HERE)
    async def items(self, location_id: FromPath[int], q: FromQuery[str] = "") -> list[ItemOut]:
        """Goods held at this store, by name, SKU or barcode."""
        goods = await store_goods(location_id, q[:100])
        return msgspec.convert(goods, list[ItemOut], from_attributes=True)

    @post("/{location_id:int}/stock", opt=STAFF_HERE, status_code=HTTP_200_OK)
    async def stock(self, me: Me, location_id: FromPath[int], data: JSONBody[CountIn]) -> ItemOut:
        """Count or adjust a variant's stock at this store, with a reason."""
        counted = await count_stock(
            location_id,
            me,
            variant_id=data.variant_id,
            reason=data.reason,
            on_hand=data.on_hand,
            delta=data.delta,
            note=data.note[:80],
        )
        return msgspec.convert(counted, ItemOut, from_attributes=True)
