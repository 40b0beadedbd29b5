"""Store POS JSON API: returns at the store (scan the request's QR code, receive the goods)."""

from __future__ import annotations

import msgspec
from litestar import Controller, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from accounts.access import STAFF_HERE, Me
from aftersales.requests import RequestView, receive_at_store, request_by_token
from core.types import ShortText


class TokenIn(msgspec.Struct):
    """The code the request's QR code carries; damaged: the goods go to the damaged count."""

    token: ShortText
    damaged: bool = False


class PosReturnsApi(Controller):
    """`/api/pos/{location_id}/returns/…` for staff of that store."""

    path = "/api/pos/{location_id:int}/returns"
    tags = ["pos"]

    @post("/scan", opt=STAFF_HERE, status_code=HTTP_200_OK)
    async def scan(
        self, me: Me, location_id: FromPath[int], data: JSONBody[TokenIn]
    ) -> RequestView:
        """The return the scanned code names (nothing changes yet)."""
        return await request_by_token(me, location_id, data.token)

    @post("/receive", opt=STAFF_HERE, status_code=HTTP_200_OK)
    async def receive(
        self, me: Me, location_id: FromPath[int], data: JSONBody[TokenIn]
    ) -> RequestView:
        """Receive the goods: stock back at this store (or damaged), the paid share refunded."""
        return await receive_at_store(me, location_id, data.token, damaged=data.damaged)
