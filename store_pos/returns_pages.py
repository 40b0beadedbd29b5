"""POS returns page: scan a return's QR code, see what comes back, receive it."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Template
from litestar.status_codes import HTTP_200_OK

from accounts.access import STAFF_HERE, Me
from accounts.roles import CurrentUser
from aftersales.requests import receive_at_store, request_by_token
from core.errors import DomainError
from core.i18n import gettext
from store_pos.pickup_api import staff_stores


class ReturnForm(msgspec.Struct):
    """The scanned code; `damaged` ticked sends the goods to the damaged count."""

    token: str = ""
    damaged: str = ""


async def _context(me: CurrentUser, location_id: int, **extra: Any) -> dict[str, Any]:
    stores = await staff_stores(me)
    store = next((s for s in stores if s.id == location_id), None)
    return {"stores": stores, "store": store, "tab": "returns", **extra}


class PosReturnsPages(Controller):
    """`/pos/{location_id}/returns`."""

    include_in_schema = False

    @get("/pos/{location_id:int}/returns", opt=STAFF_HERE)
    async def page(self, me: Me, location_id: FromPath[int]) -> Template:
        """The scan field."""
        return Template("store_pos/returns.html", context=await _context(me, location_id))

    @post("/pos/{location_id:int}/returns", opt=STAFF_HERE, status_code=HTTP_200_OK)
    async def look_up(
        self, me: Me, location_id: FromPath[int], data: URLEncodedBody[ReturnForm]
    ) -> Template:
        """What the scanned return is, with the receive button."""
        found, error = None, ""
        try:
            found = await request_by_token(me, location_id, data.token)
        except DomainError as failure:
            error = failure.localized()
        return Template(
            "store_pos/returns.html",
            context=await _context(me, location_id, found=found, error=error, token=data.token),
        )

    @post("/pos/{location_id:int}/returns/receive", opt=STAFF_HERE, status_code=HTTP_200_OK)
    async def receive(
        self, me: Me, location_id: FromPath[int], data: URLEncodedBody[ReturnForm]
    ) -> Template:
        """Receive the goods: stock back here (or damaged) and the refund."""
        done, error = None, ""
        try:
            done = await receive_at_store(me, location_id, data.token, damaged=bool(data.damaged))
        except DomainError as failure:
            error = failure.localized()
        return Template(
            "store_pos/returns.html",
            context=await _context(
                me,
                location_id,
                done=done,
                error=error,
                message=gettext("Received; the refund is on its way") if done else "",
            ),
        )
