"""Supplier console page `/supplier/money`: dues to pay, the deposit ledger, statements."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from accounts.access import SUPPLIERS, Me
from backoffice.supplier.money_api import csv_response, own_supplier
from core.errors import DomainError
from settlement.deposits import deposit_ledger
from settlement.dues import online_providers, pay_dues, supplier_dues
from settlement.statements import get_statement, statements


class PayForm(msgspec.Struct):
    """The provider chosen to pay a due."""

    provider: str = ""


class SupplierMoneyPages(Controller):
    """`/supplier/money`: the supplier's entry fee, deposit and statements."""

    include_in_schema = False

    @get("/supplier/money", opt=SUPPLIERS)
    async def money_page(self, me: Me) -> Template:
        """Dues with pay buttons, the deposit ledger, statements with CSV links."""
        supplier_id = own_supplier(me)
        return Template(
            "backoffice/supplier_money.html",
            context={
                "dues": await supplier_dues(supplier_id),
                "ledger": await deposit_ledger(supplier_id),
                "statements": await statements(supplier_id),
                "providers": online_providers(),
            },
        )

    @post("/supplier/money/pay/{purpose:str}", opt=SUPPLIERS)
    async def pay(
        self,
        me: Me,
        request: Request[Any, Any, Any],
        purpose: FromPath[str],
        data: URLEncodedBody[PayForm],
    ) -> Redirect:
        """Open the payment and go to the provider's pay page."""
        try:
            started = await pay_dues(me, purpose, data.provider[:32] or None)
        except DomainError as error:
            flash(request, error.localized(), "error")
            return Redirect("/supplier/money", status_code=HTTP_303_SEE_OTHER)
        return Redirect(started.pay_url or "/supplier/money", status_code=HTTP_303_SEE_OTHER)

    @get("/supplier/money/statements/{statement_id:int}", opt=SUPPLIERS)
    async def statement_page(self, me: Me, statement_id: FromPath[int]) -> Template:
        """One statement with its settled lines."""
        statement = await get_statement(statement_id, supplier_id=own_supplier(me))
        return Template("backoffice/statement.html", context={"statement": statement})

    @get("/supplier/money/statements/{statement_id:int}/csv", opt=SUPPLIERS)
    async def statement_download(self, me: Me, statement_id: FromPath[int]) -> Response[str]:
        """One statement as CSV."""
        return csv_response(await get_statement(statement_id, supplier_id=own_supplier(me)))
