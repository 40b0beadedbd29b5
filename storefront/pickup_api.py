"""A consumer's pickup through the JSON API: the QR code once ready, and the day to collect on."""

from __future__ import annotations

from datetime import date, datetime

import msgspec
from litestar import Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK

from accounts.access import SIGNED_IN, Me
from core.errors import InvalidInput
from fulfilment.pickup import choose_pickup_day, pickup_days, pickup_token
from fulfilment.pickup_codes import qr_png, qr_svg


@get(
    "/api/orders/{order_id:int}/fulfilments/{fid:int}/pickup-qr",
    opt=SIGNED_IN,
    tags=["orders"],
    media_type="image/png",
)
async def pickup_qr(
    me: Me,
    order_id: FromPath[int],
    fid: FromPath[int],
    format: FromQuery[str] = "png",
) -> Response[bytes]:
    """The QR code to show at the store counter (`?format=svg` for SVG)."""
    if format not in ("png", "svg"):
        raise InvalidInput("Choose png or svg, not {format}", format=format[:10])
    token = await pickup_token(order_id, fid, me.id)
    headers = {"Cache-Control": "private, no-store"}
    if format == "svg":
        return Response(qr_svg(token), media_type="image/svg+xml", headers=headers)
    return Response(qr_png(token), media_type="image/png", headers=headers)


class PickupDayIn(msgspec.Struct):
    """The day the consumer will collect on (YYYY-MM-DD)."""

    day: date


class PickupDaysOut(msgspec.Struct):
    """The days the consumer may choose and the current ready time."""

    fulfilment_id: int
    ready_by: datetime | None
    days: list[date]
    chosen: date | None


@get("/api/orders/{order_id:int}/fulfilments/{fid:int}/pickup-days", opt=SIGNED_IN, tags=["orders"])
async def pickup_days_api(me: Me, order_id: FromPath[int], fid: FromPath[int]) -> PickupDaysOut:
    """The days within the store's hold window the consumer may collect on."""
    found = await pickup_days(order_id, fid, me.id)
    return PickupDaysOut(found.fulfilment_id, found.ready_by, found.days, found.chosen)


@post(
    "/api/orders/{order_id:int}/fulfilments/{fid:int}/pickup-day",
    opt=SIGNED_IN,
    tags=["orders"],
    status_code=HTTP_200_OK,
)
async def choose_pickup_day_api(
    me: Me,
    order_id: FromPath[int],
    fid: FromPath[int],
    data: JSONBody[PickupDayIn],
) -> PickupDaysOut:
    """Collect on another day within the hold window."""
    await choose_pickup_day(order_id, fid, me.id, data.day)
    found = await pickup_days(order_id, fid, me.id)
    return PickupDaysOut(found.fulfilment_id, found.ready_by, found.days, found.chosen)
