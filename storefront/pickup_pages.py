"""A consumer's pickup on the order page: the code block and the "collect on" chooser (htmx)."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from accounts.access import SIGNED_IN, Me
from core.errors import DomainError
from core.i18n import gettext
from fulfilment.hours import STORE_TZ
from fulfilment.pickup import choose_pickup_day, consumer_pickup_code, pickup_days


@get(
    "/orders/{order_id:int}/fulfilments/{fid:int}/pickup-code",
    opt=SIGNED_IN,
    include_in_schema=False,
)
async def pickup_code_fragment(me: Me, order_id: FromPath[int], fid: FromPath[int]) -> Template:
    """The QR code and short code block of the order page (an htmx fragment)."""
    code = await consumer_pickup_code(order_id, fid, me.id)
    return Template(
        "storefront/pickup_code.html",
        context={"code": code, "order_id": order_id, "tz": STORE_TZ},
    )


class PickupDayForm(msgspec.Struct):
    """The pickup day chosen on the order page."""

    day: str = ""


@get(
    "/orders/{order_id:int}/fulfilments/{fid:int}/pickup-day",
    opt=SIGNED_IN,
    include_in_schema=False,
)
async def pickup_day_fragment(me: Me, order_id: FromPath[int], fid: FromPath[int]) -> Template:
    """The "collect on" chooser of the order page (an htmx fragment)."""
    found = await pickup_days(order_id, fid, me.id)
    return Template(
        "storefront/pickup_day.html",
        context={"found": found, "order_id": order_id, "tz": STORE_TZ},
    )


@post(
    "/orders/{order_id:int}/fulfilments/{fid:int}/pickup-day",
    opt=SIGNED_IN,
    include_in_schema=False,
)
async def pickup_day_submit(
    me: Me,
    request: Request[Any, Any, Any],
    order_id: FromPath[int],
    fid: FromPath[int],
    data: URLEncodedBody[PickupDayForm],
) -> Redirect:
    """Save the chosen pickup day and go back to the order."""
    try:
        ready = await choose_pickup_day(order_id, fid, me.id, date.fromisoformat(data.day))
        flash(
            request,
            gettext("Your order will be ready at {time}").format(
                time=f"{ready.astimezone(STORE_TZ):%m-%d %H:%M}"
            ),
            "success",
        )
    except ValueError:
        flash(request, gettext("Choose a day from the list"), "error")
    except DomainError as error:
        flash(request, error.localized(), "error")
    return Redirect(f"/orders/{order_id}")
