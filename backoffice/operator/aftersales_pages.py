"""Operator pages: disputes to rule on (and their conversations), and the order console."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from accounts.access import OPERATORS, Me
from aftersales.console import find_orders, order_file
from aftersales.requests import add_message, operator_queue, rule
from consultation.disputes import join_dispute, write_in_dispute
from core.errors import DomainError
from core.i18n import gettext
from core.types import MAX_MONEY_FEN, ShortText, parse_decimal


class RulingForm(msgspec.Struct):
    """ruling full | partial | uphold | message; amounts in yuan."""

    ruling: str = ""
    amount: str = ""
    deduct: str = ""
    note: str = ""


class DisputeMessageForm(msgspec.Struct):
    """What the platform says in the dispute's conversation."""

    body: str = ""


def _fen(text: str, field: str) -> int | None:
    if not text.strip():
        return None
    high = Decimal(MAX_MONEY_FEN) / 100
    return int(parse_decimal(text, field, places=2, high=high) * 100)


class OperatorAfterSalesPages(Controller):
    """`/operator/after-sales` and `/operator/orders…`."""

    include_in_schema = False

    @get("/operator/after-sales", opt=OPERATORS)
    async def queue(self) -> Template:
        """Requests waiting for a ruling, oldest first."""
        return Template(
            "backoffice/operator_aftersales.html", context={"requests": await operator_queue()}
        )

    @post("/operator/after-sales/{request_id:int}", opt=OPERATORS)
    async def act(
        self,
        me: Me,
        request: Request[Any, Any, Any],
        request_id: FromPath[int],
        data: URLEncodedBody[RulingForm],
    ) -> Redirect:
        """Rule (and carry it out) or add a message."""
        try:
            if data.ruling == "message":
                await add_message(me, request_id, data.note)
            else:
                await rule(
                    me,
                    request_id,
                    ruling=data.ruling,
                    amount=_fen(data.amount, "amount"),
                    deduct=_fen(data.deduct, "deduct") or 0,
                    note=data.note,
                )
            flash(request, gettext("Saved"), "success")
        except DomainError as error:
            flash(request, error.localized(), "error")
        return Redirect("/operator/after-sales")

    @get("/operator/after-sales/{request_id:int}/conversation", opt=OPERATORS)
    async def conversation(self, me: Me, request_id: FromPath[int]) -> Template:
        """Join the conversation the dispute points to: its history (live) and a form."""
        thread = await join_dispute(me, request_id)
        return Template("backoffice/operator_dispute_chat.html", context={"thread": thread})

    @post("/operator/after-sales/{request_id:int}/conversation", opt=OPERATORS)
    async def write(
        self,
        me: Me,
        request: Request[Any, Any, Any],
        request_id: FromPath[int],
        data: URLEncodedBody[DisputeMessageForm],
    ) -> Redirect:
        """Write in the dispute's conversation as the platform, then back to it."""
        try:
            await write_in_dispute(me, request_id, data.body)
        except DomainError as error:
            flash(request, error.localized(), "error")
        return Redirect(
            f"/operator/after-sales/{request_id}/conversation", status_code=HTTP_303_SEE_OTHER
        )

    @get("/operator/orders", opt=OPERATORS)
    async def orders(self, q: FromQuery[ShortText] = "") -> Template:
        """Search orders by number, phone or `s:<supplier id>`."""
        return Template(
            "backoffice/operator_orders.html", context={"q": q, "orders": await find_orders(q)}
        )

    @get("/operator/orders/{order_id:int}", opt=OPERATORS)
    async def order(self, order_id: FromPath[int]) -> Template:
        """One order's timeline, payments, refunds and after-sales, with the actions."""
        return Template(
            "backoffice/operator_order.html", context={"file": await order_file(order_id)}
        )
