"""Checkout JSON API: `POST /api/checkout/quote` and the bodies shared with `POST /api/orders`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK

from accounts.access import ANYONE, Viewer
from core.i18n import gettext
from core.types import Id, Latitude, Longitude, Money, Quantity, ShortText
from fulfilment.checkout import CheckoutRequest, LineRequest, Quote, quote
from storefront.promotion_structs import AppliedOut, HintOut, PricedLineOut, pricing_fields


class LineIn(msgspec.Struct):
    """A variant and how many."""

    variant_id: Id
    quantity: Quantity


class PositionIn(msgspec.Struct):
    """Where the consumer is (WGS84 degrees)."""

    lat: Latitude
    lon: Longitude


class QuoteIn(msgspec.Struct):
    """What to buy and how: pickup at a store, or delivery."""

    lines: Annotated[list[LineIn], msgspec.Meta(max_length=200)]
    method: ShortText
    position: PositionIn | None = None
    #: For delivery, the recipient {name, phone, detail, province?, city?, district?};
    #: placed on the map when no position is given.
    address: dict[str, Any] | None = None
    location_id: Id | None = None
    #: Coupon codes (wallet coupons or public codes); left out: the best combination of
    #: the consumer's wallet; an empty list: no coupon.
    coupons: Annotated[list[ShortText], msgspec.Meta(max_length=10)] | None = None


class PickupContactIn(msgspec.Struct):
    """Who collects a pickup order (提货人); staff check the phone's last four digits."""

    name: ShortText
    phone: ShortText


class OrderIn(QuoteIn):
    """The quote's body and how to pay."""

    payment_method: str = "sandbox"
    #: For pickup: who collects it (optional).
    pickup_contact: PickupContactIn | None = None
    #: For delivery: a saved address of the address book (`/api/addresses`), used instead
    #: of `address` when given.
    address_id: Id | None = None
    #: Points to spend as part payment (100 points = ¥1; at most half the goods after
    #: discounts and never above the balance); left out: none.
    points: Money = 0


class QuoteLineOut(msgspec.Struct):
    """A variant and how many, in one fulfilment."""

    variant_id: int
    quantity: int


class PlannedOut(msgspec.Struct):
    """One location's share of the order."""

    method: str
    location_id: int
    location_name: str
    supplier_id: int | None
    lines: list[QuoteLineOut]
    ready_at: datetime | None


class CandidateOut(msgspec.Struct):
    """A pickup store near the consumer and what it holds."""

    location_id: int
    name: str
    address: str
    distance_m: int
    holds_all: bool
    opening_hours: list[str]
    ready_at: datetime | None
    available: list[QuoteLineOut]


class QuoteOut(msgspec.Struct):
    """The fulfilment plan and the price."""

    fulfilments: list[PlannedOut]
    candidates: list[CandidateOut]
    subtotal: int
    shipping: int
    discount: int
    total: int
    currency: str
    notes: list[str]
    #: Each line's discounts and the promotions that gave them.
    lines: list[PricedLineOut] = []
    #: Each promotion that applied, with its whole discount.
    promotions: list[AppliedOut] = []
    #: What is close: spend `missing` more to save `save` (再买 ¥25 减 30).
    hints: list[HintOut] = []
    #: The coupon codes used (the best combination when none were named).
    coupons: list[str] = []
    #: Fen the buyer's member prices (会员价) took off, part of `discount`.
    member_discount: int = 0


def checkout_request(data: QuoteIn, customer_id: int | None = None) -> CheckoutRequest:
    """The domain request of a quote or order body."""
    return CheckoutRequest(
        lines=[LineRequest(ln.variant_id, ln.quantity) for ln in data.lines],
        method=data.method,
        position=(data.position.lat, data.position.lon) if data.position else None,
        address=data.address or {},
        location_id=data.location_id,
        coupons=data.coupons,
        customer_id=customer_id,
    )


def quote_out(quoted: Quote) -> QuoteOut:
    """A quote as JSON, notes in the visitor's language."""
    plan = quoted.plan
    return QuoteOut(
        fulfilments=[
            PlannedOut(
                method=f.method,
                location_id=f.location_id,
                location_name=f.location_name,
                supplier_id=f.supplier_id,
                lines=[QuoteLineOut(v, q) for v, q in sorted(f.lines.items())],
                ready_at=f.ready_at,
            )
            for f in plan.fulfilments
        ],
        candidates=[
            CandidateOut(
                location_id=c.location_id,
                name=c.name,
                address=c.address,
                distance_m=round(c.distance_m),
                holds_all=c.holds_all,
                opening_hours=c.opening_hours,
                ready_at=plan.ready_at.get(c.location_id),
                available=[QuoteLineOut(v, q) for v, q in sorted(c.available.items())],
            )
            for c in plan.candidates
        ],
        subtotal=quoted.subtotal,
        shipping=quoted.shipping,
        discount=quoted.discount,
        total=quoted.total,
        currency=quoted.currency,
        notes=[gettext(n.message).format(**n.params) for n in plan.notes],
        **pricing_fields(quoted.pricing),
        member_discount=quoted.pricing.member_discount,
    )


class CheckoutApi(Controller):
    """Quote an order."""

    path = "/api"
    tags = ["checkout"]

    @post("/checkout/quote", status_code=HTTP_200_OK, opt=ANYONE)
    async def quote(self, viewer: Viewer, data: JSONBody[QuoteIn]) -> QuoteOut:
        """Plan pickup or delivery and price it under today's promotions; nothing is reserved."""
        customer_id = viewer.id if viewer is not None else None
        return quote_out(await quote(checkout_request(data, customer_id)))
