"""Supplier after-sales page: the queue with deadlines, answer, parcels received, messages."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from accounts.access import SUPPLIERS, Me
from aftersales.requests import add_message, answer_request, receive_parcel, supplier_queue
from core.errors import DomainError
from core.i18n import gettext
from core.types import MAX_MONEY_FEN, parse_decimal


class AnswerForm(msgspec.Struct):
    """decision approve | reject | partial (yuan) | received | message."""

    decision: str = ""
    note: str = ""
    amount: str = ""
    damaged: str = ""


def _fen(text: str) -> int | None:
    if not text.strip():
        return None
    from decimal import Decimal

    return int(parse_decimal(text, "amount", places=2, high=Decimal(MAX_MONEY_FEN) / 100) * 100)


class SupplierAfterSalesPages(Controller):
    """`/supplier/after-sales`."""

    include_in_schema = False

    @get("/supplier/after-sales", opt=SUPPLIERS)
    async def page(self, me: Me) -> Template:
        """Open requests, soonest deadline first."""
        return Template(
            "backoffice/supplier_aftersales.html",
            context={"requests": await supplier_queue(me.supplier_id or 0)},
        )

    @post("/supplier/after-sales/{request_id:int}", opt=SUPPLIERS)
    async def act(
        self,
        me: Me,
        request: Request[Any, Any, Any],
        request_id: FromPath[int],
        data: URLEncodedBody[AnswerForm],
    ) -> Redirect:
        """Answer, mark a parcel received, or add a message."""
        try:
            if data.decision == "received":
                await receive_parcel(me, request_id, damaged=bool(data.damaged))
            elif data.decision == "message":
                await add_message(me, request_id, data.note)
            else:
                await answer_request(
                    me,
                    request_id,
                    decision=data.decision,
                    note=data.note,
                    amount=_fen(data.amount),
                )
            flash(request, gettext("Saved"), "success")
        except DomainError as error:
            flash(request, error.localized(), "error")
        return Redirect(f"/supplier/after-sales#request-{request_id}")
