"""Consumer after-sales JSON API: ask about a received line, follow, accept, ship, dispute."""

from __future__ import annotations

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from accounts.access import CONSUMERS, SIGNED_IN, Me
from aftersales.requests import (
    RequestView,
    accept_offer,
    add_message,
    create_request,
    get_request,
    requests_of_order,
    ship_back,
)
from consultation.disputes import open_dispute
from core.types import Id, LongText, ShortText


class AfterSaleIn(msgspec.Struct):
    """kind: refund_only | return_refund | exchange; return_method: none | parcel | store."""

    kind: ShortText
    reason: LongText
    return_method: ShortText = "none"
    store_location_id: Id | None = None
    replacement_variant_id: Id | None = None


class ShipBackIn(msgspec.Struct):
    """The return parcel's carrier and tracking number."""

    carrier: ShortText
    tracking_number: ShortText


class NoteIn(msgspec.Struct):
    """A message, a piece of evidence or the reason of a dispute."""

    body: LongText


class AfterSalesApi(Controller):
    """`/api/orders/{id}/…after-sales` and `/api/after-sales/{id}…` for the consumer."""

    path = "/api"
    tags = ["after-sales"]

    @get("/orders/{order_id:int}/after-sales", opt=CONSUMERS)
    async def of_order(self, me: Me, order_id: FromPath[int]) -> list[RequestView]:
        """The requests of one's own order."""
        return await requests_of_order(me, order_id)

    @post(
        "/orders/{order_id:int}/lines/{line_id:int}/after-sales",
        opt=CONSUMERS,
        status_code=HTTP_201_CREATED,
    )
    async def ask(
        self, me: Me, order_id: FromPath[int], line_id: FromPath[int], data: JSONBody[AfterSaleIn]
    ) -> RequestView:
        """Ask for a refund, a return or an exchange of a received line (within the window)."""
        return await create_request(
            me,
            order_id,
            line_id,
            kind=data.kind,
            reason=data.reason,
            return_method=data.return_method,
            store_location_id=data.store_location_id,
            replacement_variant_id=data.replacement_variant_id,
        )

    @get("/after-sales/{request_id:int}", opt=SIGNED_IN)
    async def one(self, me: Me, request_id: FromPath[int]) -> RequestView:
        """A request with its thread (its consumer, supplier, store or an operator)."""
        return await get_request(me, request_id)

    @post("/after-sales/{request_id:int}/accept-offer", opt=CONSUMERS, status_code=HTTP_200_OK)
    async def accept(self, me: Me, request_id: FromPath[int]) -> RequestView:
        """Take the supplier's partial refund offer."""
        return await accept_offer(me, request_id)

    @post("/after-sales/{request_id:int}/ship-back", opt=CONSUMERS, status_code=HTTP_200_OK)
    async def ship(
        self, me: Me, request_id: FromPath[int], data: JSONBody[ShipBackIn]
    ) -> RequestView:
        """Tell the return parcel's carrier and tracking number."""
        return await ship_back(
            me, request_id, carrier=data.carrier, tracking_number=data.tracking_number
        )

    @post("/after-sales/{request_id:int}/escalate", opt=CONSUMERS, status_code=HTTP_200_OK)
    async def dispute(
        self, me: Me, request_id: FromPath[int], data: JSONBody[NoteIn]
    ) -> RequestView:
        """Dispute a rejection or an offer: the operator rules."""
        return await open_dispute(me, request_id, note=data.body)

    @post("/after-sales/{request_id:int}/messages", opt=SIGNED_IN, status_code=HTTP_200_OK)
    async def message(
        self, me: Me, request_id: FromPath[int], data: JSONBody[NoteIn]
    ) -> RequestView:
        """Add a message or evidence to the request's thread."""
        return await add_message(me, request_id, data.body)
