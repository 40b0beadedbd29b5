"""Operator after-sales JSON API: disputes to rule on, the order console, return windows."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from accounts.access import OPERATORS, Me
from aftersales.console import OrderFile, find_orders, order_file
from aftersales.requests import RequestView, operator_queue, rule
from aftersales.windows import set_return_days
from consultation.conversations import MessageView
from consultation.disputes import DisputeThread, join_dispute, write_in_dispute
from core.types import Count32, LongText, Money, ShortText


class RulingIn(msgspec.Struct):
    """ruling: full | partial (amount in fen) | uphold; deduct: fen off the deposit."""

    ruling: ShortText
    amount: Money | None = None
    deduct: Money = 0
    note: LongText = ""


class DisputeMessageIn(msgspec.Struct):
    """What the platform says in the dispute's conversation."""

    body: LongText


class WindowIn(msgspec.Struct):
    """Days after receipt the category's goods may be returned (0 to 365)."""

    days: Count32


class OperatorAfterSalesApi(Controller):
    """`/api/operator/after-sales…`, `/api/operator/orders…`, `/api/operator/return-windows…`."""

    path = "/api/operator"
    tags = ["after-sales"]

    @get("/after-sales", opt=OPERATORS)
    async def queue(self) -> list[RequestView]:
        """Requests waiting for a ruling (escalated or disputed), oldest first."""
        return await operator_queue()

    @post("/after-sales/{request_id:int}/rule", opt=OPERATORS, status_code=HTTP_200_OK)
    async def rule(
        self, me: Me, request_id: FromPath[int], data: JSONBody[RulingIn]
    ) -> RequestView:
        """Rule and carry it out: the refund, the deposit deduction."""
        return await rule(
            me,
            request_id,
            ruling=data.ruling,
            amount=data.amount,
            deduct=data.deduct,
            note=data.note,
        )

    @get("/after-sales/{request_id:int}/conversation", opt=OPERATORS)
    async def conversation(self, me: Me, request_id: FromPath[int]) -> DisputeThread:
        """Join the conversation the dispute points to and read its history."""
        return await join_dispute(me, request_id)

    @post(
        "/after-sales/{request_id:int}/conversation/messages",
        opt=OPERATORS,
        status_code=HTTP_201_CREATED,
    )
    async def write(
        self, me: Me, request_id: FromPath[int], data: JSONBody[DisputeMessageIn]
    ) -> MessageView:
        """Write in the dispute's conversation as the platform; both parties see it live."""
        return await write_in_dispute(me, request_id, data.body)

    @get("/orders", opt=OPERATORS)
    async def orders(self, q: FromQuery[ShortText] = "") -> list[dict[str, Any]]:
        """Orders by number, consumer phone or `s:<supplier id>`."""
        return await find_orders(q)

    @get("/orders/{order_id:int}", opt=OPERATORS)
    async def order(self, order_id: FromPath[int]) -> OrderFile:
        """An order's timeline, payments, refunds and after-sales."""
        return await order_file(order_id)

    @put("/return-windows/{category_id:int}", opt=OPERATORS, status_code=HTTP_200_OK)
    async def window(self, category_id: FromPath[int], data: JSONBody[WindowIn]) -> dict[str, int]:
        """Set a category's return window in days."""
        await set_return_days(category_id, data.days)
        return {"category_id": category_id, "days": data.days}
