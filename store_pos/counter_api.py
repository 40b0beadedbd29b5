"""Store POS JSON API, the till: walk-in sales, receipts, goods held and stock counts.

Every route is for staff of the store in the path (`STAFF_HERE`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from accounts.access import STAFF_HERE, Me
from core.types import Id, LongText, Money, Quantity, ShortText, StockCount, StockDelta
from fulfilment.checkout import LineRequest
from fulfilment.pos_sales import (
    cash_change,
    count_stock,
    sell_walk_in,
    store_goods,
    store_sale,
)
from fulfilment.views import OrderView
from members.cards import find_member


class SaleLineIn(msgspec.Struct):
    """A variant and how many."""

    variant_id: Id
    quantity: Quantity = 1


class SaleIn(msgspec.Struct):
    """A walk-in sale."""

    lines: Annotated[list[SaleLineIn], msgspec.Meta(max_length=200)]
    payment_method: Literal["cash", "card", "qr"]
    #: Coupon codes scanned from consumers' wallets or typed (public codes).
    coupons: Annotated[list[ShortText], msgspec.Meta(max_length=10)] = []
    #: Cash handed over, in fen (cash only): less than the total refuses the sale.
    tendered: Money | None = None
    #: The member's QR text (scanned) or phone (typed): the sale earns them points.
    member_code: ShortText = ""
    member_phone: ShortText = ""
    #: Points the member spends as part payment (100 points = ¥1, at most half the total).
    points: Money = 0


class SaleLineOut(msgspec.Struct):
    """A sold line."""

    variant_id: int
    name: str
    sku: str
    quantity: int
    unit_price: int
    line_total: int
    discount: int = 0


class SaleOut(msgspec.Struct):
    """A completed walk-in sale."""

    id: int
    number: str
    status: str
    channel: str
    subtotal: int
    discount: int
    total: int
    currency: str
    payment_method: str
    created_at: datetime
    lines: list[SaleLineOut]
    receipt_url: str
    #: Cash handed over and the change to give back (fen), for a cash sale told `tendered`.
    tendered: int | None = None
    change: int | None = None
    #: Fen the member's points paid (`total` is the money taken besides them).
    points_paid: int = 0


def sale_out(view: OrderView, location_id: int) -> SaleOut:
    """A walk-in sale as JSON."""
    return SaleOut(
        id=view.id,
        number=view.number,
        status=view.status,
        channel=view.channel,
        subtotal=view.subtotal,
        discount=view.discount,
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
                line.discount,
            )
            for f in view.fulfilments
            for line in f.lines
        ],
        receipt_url=f"/pos/{location_id}/receipts/{view.id}",
        points_paid=view.points_paid,
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
    #: The variant's options: what tells variants of one product apart.
    options: dict[str, str] = {}


class CountIn(msgspec.Struct):
    """A stock count (`on_hand`) or change (`delta`) with its reason."""

    variant_id: Id
    reason: ShortText
    on_hand: StockCount | None = None
    delta: StockDelta | None = None
    note: LongText = ""


class PosCounterApi(Controller):
    """POS endpoints for walk-in sales and stock counts."""

    path = "/api/pos"
    tags = ["pos"]

    @post("/{location_id:int}/sales", opt=STAFF_HERE, status_code=HTTP_201_CREATED)
    async def sell(self, me: Me, location_id: FromPath[int], data: JSONBody[SaleIn]) -> SaleOut:
        """Sell to a walk-in customer from this store's stock."""
        member_id = None
        if data.member_code or data.member_phone:
            member_id = await find_member(code=data.member_code, phone=data.member_phone)
        view = await sell_walk_in(
            location_id,
            me,
            [LineRequest(line.variant_id, line.quantity) for line in data.lines],
            data.payment_method,
            coupons=data.coupons,
            tendered=data.tendered,
            member_id=member_id,
            points=data.points,
        )
        out = sale_out(view, location_id)
        # The order's total is what the counter takes: the points already came off it.
        change = cash_change(view.total, data.tendered, data.payment_method)
        if change is not None:
            out = msgspec.structs.replace(out, tendered=data.tendered, change=change)
        return out

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
