"""The pickup QR code of a consumer's ready pickup, as PNG or SVG (own orders only)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from fulfilment.hours import STORE_TZ
from fulfilment.pickup import consumer_pickup_code, pickup_token
from fulfilment.pickup_codes import qr_png, qr_svg
from server.auth.guards import current_user, logged_in
from server.errors import InvalidInput


@get(
    "/api/orders/{order_id:int}/fulfilments/{fid:int}/pickup-qr",
    opt=logged_in(),
    tags=["orders"],
    media_type="image/png",
)
async def pickup_qr(
    request: Request[Any, Any, Any],
    order_id: FromPath[int],
    fid: FromPath[int],
    format: FromQuery[str] = "png",
) -> Response[bytes]:
    """The QR code to show at the store counter (`?format=svg` for SVG)."""
    user = current_user(request)
    assert user is not None
    if format not in ("png", "svg"):
        raise InvalidInput("Choose png or svg, not {format}", format=format[:10])
    token = await pickup_token(order_id, fid, user.id)
    headers = {"Cache-Control": "private, no-store"}
    if format == "svg":
        return Response(qr_svg(token), media_type="image/svg+xml", headers=headers)
    return Response(qr_png(token), media_type="image/png", headers=headers)


@get(
    "/orders/{order_id:int}/fulfilments/{fid:int}/pickup-code",
    opt=logged_in(),
    include_in_schema=False,
)
async def pickup_code_fragment(
    request: Request[Any, Any, Any], order_id: FromPath[int], fid: FromPath[int]
) -> Template:
    """The QR code and short code block of the order page (an htmx fragment)."""
    user = current_user(request)
    assert user is not None
    code = await consumer_pickup_code(order_id, fid, user.id)
    return Template(
        "storefront/pickup_code.html",
        context={"code": code, "order_id": order_id, "tz": STORE_TZ},
    )
