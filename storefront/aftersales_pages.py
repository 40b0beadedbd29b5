"""Consumer after-sales pages: ask about a received line, follow it, show the store QR code."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, MultipartBody, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Response, Template

from accounts.access import CONSUMERS, Me
from aftersales.errors import NotYours
from aftersales.requests import (
    accept_offer,
    add_message,
    create_request,
    get_request,
    requests_of_order,
    ship_back,
)
from consultation.disputes import open_dispute
from core.errors import DomainError
from core.i18n import gettext
from core.types import MAX_INT64, parse_whole
from fulfilment.errors import OrderNotFound
from fulfilment.pickup_codes import qr_svg
from fulfilment.reviewing import line_received
from fulfilment.views import load_order
from locations.locations import list_locations


class AskForm(msgspec.Struct):
    """The request form of one line."""

    line_id: str = ""
    kind: str = "return_refund"
    reason: str = ""
    return_method: str = "store"
    store_location_id: str = ""
    replacement_variant_id: str = ""
    photo: UploadFile | None = None


class TextForm(msgspec.Struct):
    """A note or message; a parcel's carrier and tracking number."""

    body: str = ""
    carrier: str = ""
    tracking_number: str = ""


def _id(value: str, field: str) -> int | None:
    value = value.strip()
    return parse_whole(value, field, low=1, high=MAX_INT64) if value else None


async def _page(me: Any, order_id: int, *, error: str = "", status_code: int = 200) -> Template:
    order = await load_order(order_id, with_events=False, with_payment=False)
    if order is None:
        raise OrderNotFound("Order {id} was not found", id=order_id)
    if order.customer_id != me.id:
        raise NotYours("This order is not yours")
    requests = await requests_of_order(me, order_id)
    # A line with a request that is still open or was refunded takes no new request.
    taken = {r.line_id for r in requests if r.status not in ("closed", "exchanged")}
    lines = [
        ln
        for f in order.fulfilments
        if line_received(order, f)
        for ln in f.lines
        if ln.id not in taken
    ]
    stores = await list_locations("store")
    return Template(
        "storefront/aftersales.html",
        context={
            "order": order,
            "lines": lines,
            "stores": stores,
            "requests": requests,
            "error": error,
        },
        status_code=status_code,
    )


class AfterSalesPages(Controller):
    """`/orders/{id}/after-sales` and the actions on a request."""

    include_in_schema = False

    @get("/orders/{order_id:int}/after-sales", opt=CONSUMERS)
    async def page(self, me: Me, order_id: FromPath[int]) -> Template:
        """The received lines with the request form, and the order's requests."""
        return await _page(me, order_id)

    @post("/orders/{order_id:int}/after-sales", opt=CONSUMERS)
    async def ask(
        self,
        me: Me,
        request: Request[Any, Any, Any],
        order_id: FromPath[int],
        data: MultipartBody[AskForm],
    ) -> Redirect | Template:
        """Send a request; a refused one comes back with its reason."""
        try:
            photo = (
                await data.photo.read() if data.photo is not None and data.photo.filename else None
            )
            await create_request(
                me,
                order_id,
                _id(data.line_id, "line_id") or 0,
                kind=data.kind,
                reason=data.reason,
                return_method=data.return_method,
                store_location_id=_id(data.store_location_id, "store_location_id"),
                replacement_variant_id=_id(data.replacement_variant_id, "replacement_variant_id"),
                photo=photo,
            )
        except DomainError as error:
            return await _page(me, order_id, error=error.localized(), status_code=error.status_code)
        flash(request, gettext("Your after-sales request was sent"), "success")
        return Redirect(f"/orders/{order_id}/after-sales")

    @post("/after-sales/{request_id:int}/{action:str}", opt=CONSUMERS)
    async def act(
        self,
        me: Me,
        request: Request[Any, Any, Any],
        request_id: FromPath[int],
        action: FromPath[str],
        data: URLEncodedBody[TextForm],
    ) -> Redirect:
        """accept-offer, ship-back, escalate or message; back to the order's page."""
        found = await get_request(me, request_id)
        try:
            if action == "accept-offer":
                await accept_offer(me, request_id)
            elif action == "ship-back":
                await ship_back(
                    me, request_id, carrier=data.carrier, tracking_number=data.tracking_number
                )
            elif action == "escalate":
                await open_dispute(me, request_id, note=data.body)
            elif action == "message":
                await add_message(me, request_id, data.body)
            else:
                flash(request, gettext("Unknown action"), "error")
        except DomainError as error:
            flash(request, error.localized(), "error")
        return Redirect(f"/orders/{found.order_id}/after-sales#request-{request_id}")

    @get("/after-sales/{request_id:int}/qr", opt=CONSUMERS, media_type="image/svg+xml")
    async def qr(self, me: Me, request_id: FromPath[int]) -> Response[bytes]:
        """The QR code the consumer shows at the store (its own request only)."""
        found = await get_request(me, request_id)
        if found.customer_id != me.id:
            raise NotYours("This after-sales request is not yours")
        return Response(
            qr_svg(found.token),
            media_type="image/svg+xml",
            headers={"Cache-Control": "private, no-store"},
        )
