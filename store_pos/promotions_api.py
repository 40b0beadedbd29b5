"""POS JSON API of promotions: price a walk-in cart before the customer pays."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from accounts.access import STAFF_HERE
from core.types import Id, Quantity, ShortText
from fulfilment.cart_offers import price_goods


class QuoteLineIn(msgspec.Struct):
    """A variant and how many."""

    variant_id: Id
    quantity: Quantity = 1


class PosQuoteIn(msgspec.Struct):
    """A walk-in cart and the coupon codes scanned."""

    lines: Annotated[list[QuoteLineIn], msgspec.Meta(min_length=1, max_length=200)]
    coupons: Annotated[list[ShortText], msgspec.Meta(max_length=10)] = []


class PosDiscountOut(msgspec.Struct):
    """A promotion that applied to the cart."""

    promotion_id: int
    kind: str
    name: str
    amount: int
    code: str = ""


class PosLineOut(msgspec.Struct):
    """A line before and after its discounts."""

    variant_id: int
    quantity: int
    unit_price: int
    discount: int
    total: int


class PosQuoteOut(msgspec.Struct):
    """What the walk-in customer pays, and why."""

    subtotal: int
    discount: int
    total: int
    lines: list[PosLineOut]
    promotions: list[PosDiscountOut]


class PosPromotionsApi(Controller):
    """Price a walk-in cart under the platform's, suppliers' and this store's promotions."""

    path = "/api/pos"
    tags = ["pos"]

    @post("/{location_id:int}/quote", opt=STAFF_HERE, status_code=HTTP_200_OK)
    async def quote(self, location_id: FromPath[int], data: JSONBody[PosQuoteIn]) -> PosQuoteOut:
        """The same price an online order of these goods at this store would have."""
        wanted: dict[int, int] = {}
        for line in data.lines:
            wanted[line.variant_id] = wanted.get(line.variant_id, 0) + line.quantity
        pricing = await price_goods(
            wanted, customer_id=None, codes=data.coupons, location_id=location_id, at_counter=True
        )
        return PosQuoteOut(
            subtotal=pricing.subtotal,
            discount=pricing.discount,
            total=pricing.subtotal - pricing.discount,
            lines=[
                PosLineOut(p.key, p.quantity, p.unit_price, p.discount, p.total)
                for p in pricing.lines
            ],
            promotions=[
                PosDiscountOut(a.promotion_id, a.kind.value, a.name, a.amount, a.code)
                for a in pricing.applied
            ],
        )
