"""Supplier after-sales JSON API: the queue with deadlines, answers, parcels received."""

from __future__ import annotations

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from accounts.access import SUPPLIERS, Me
from aftersales.requests import RequestView, answer_request, receive_parcel, supplier_queue
from core.types import LongText, Money, ShortText


class AnswerIn(msgspec.Struct):
    """decision: approve | reject (note required) | partial (amount in fen)."""

    decision: ShortText
    note: LongText = ""
    amount: Money | None = None


class ReceivedIn(msgspec.Struct):
    """damaged: the goods go to the damaged count instead of the shelf."""

    damaged: bool = False


class SupplierAfterSalesApi(Controller):
    """`/api/supplier/after-sales…`."""

    path = "/api/supplier/after-sales"
    tags = ["after-sales"]

    @get("/", opt=SUPPLIERS)
    async def queue(self, me: Me) -> list[RequestView]:
        """Open requests about this supplier's goods, soonest deadline first."""
        return await supplier_queue(me.supplier_id or 0)

    @post("/{request_id:int}/answer", opt=SUPPLIERS, status_code=HTTP_200_OK)
    async def answer(
        self, me: Me, request_id: FromPath[int], data: JSONBody[AnswerIn]
    ) -> RequestView:
        """Approve, reject with a reason, or offer a partial refund."""
        return await answer_request(
            me, request_id, decision=data.decision, note=data.note, amount=data.amount
        )

    @post("/{request_id:int}/received", opt=SUPPLIERS, status_code=HTTP_200_OK)
    async def received(
        self, me: Me, request_id: FromPath[int], data: JSONBody[ReceivedIn]
    ) -> RequestView:
        """The returned parcel arrived: stock back, the line's paid share refunded."""
        return await receive_parcel(me, request_id, damaged=data.damaged)
