"""Operator console page `/operator/settlement`: statements, commission rates, deposits."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from accounts.access import OPERATORS, Me
from backoffice.operator.console_pages import _flat
from backoffice.supplier.forms import parse_int, parse_yuan, text
from backoffice.supplier.money_api import csv_response
from catalog import categories, onboarding
from core.errors import DomainError, InvalidInput
from core.i18n import gettext
from fulfilment.after_sale import refund_fulfilment
from settlement.commission import overrides, remove_override, set_override
from settlement.deposits import deduct_deposit, deposit_balance, refund_deposit
from settlement.dues import supplier_dues
from settlement.statements import (
    get_statement,
    issue_statement,
    mark_statement_paid,
    recover_from_deposit,
    statements,
)

SETTLEMENT = "/operator/settlement"


def _day(value: str, field: str) -> date:
    """A date typed as YYYY-MM-DD (400 naming the field otherwise)."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput("{field} must be a date like 2026-12-01", field=field) from None


class OperatorSettlementPages(Controller):
    """`/operator/settlement`: what the platform owes suppliers and holds of theirs."""

    include_in_schema = False

    @get(SETTLEMENT, opt=OPERATORS)
    async def settlement_page(self) -> Template:
        """Issue statements, mark them paid, set category rates, deduct or refund deposits."""
        suppliers = [
            s
            for s in await onboarding.suppliers()
            if s["status"] in ("approved", "active", "suspended")
        ]
        names = {s["id"]: s["name"] for s in await onboarding.suppliers()}
        deposits = []
        for s in suppliers:
            dues = await supplier_dues(s["id"])
            deposits.append(
                {"supplier": s, "dues": dues, "balance": await deposit_balance(s["id"])}
            )
        return Template(
            "backoffice/operator_settlement.html",
            context={
                "suppliers": suppliers,
                "names": names,
                "statements": await statements(),
                "overrides": await overrides(),
                "categories": _flat(await categories.category_tree()),
                "deposits": deposits,
            },
        )

    @post(f"{SETTLEMENT}/statements", opt=OPERATORS)
    async def issue(self, me: Me, request: Request[Any, Any, Any]) -> Redirect:
        """Issue a statement for a supplier and period."""
        form = await request.form()
        try:
            issued = await issue_statement(
                parse_int(text(form, "supplier_id"), "Supplier"),
                _day(text(form, "period_start"), "period_start"),
                _day(text(form, "period_end"), "period_end"),
                actor_id=me.id,
            )
            flash(request, gettext("Statement issued") + f": {issued.number}", "success")
        except DomainError as error:
            flash(request, error.localized(), "error")
        return Redirect(SETTLEMENT, status_code=HTTP_303_SEE_OTHER)

    @get(f"{SETTLEMENT}/statements/{{statement_id:int}}", opt=OPERATORS)
    async def statement_page(self, statement_id: FromPath[int]) -> Template:
        """One statement with its lines."""
        return Template(
            "backoffice/statement.html", context={"statement": await get_statement(statement_id)}
        )

    @get(f"{SETTLEMENT}/statements/{{statement_id:int}}/csv", opt=OPERATORS)
    async def statement_download(self, statement_id: FromPath[int]) -> Response[str]:
        """One statement as CSV."""
        return csv_response(await get_statement(statement_id))

    @post(f"{SETTLEMENT}/statements/{{statement_id:int}}/paid", opt=OPERATORS)
    async def mark_paid(
        self, me: Me, request: Request[Any, Any, Any], statement_id: FromPath[int]
    ) -> Redirect:
        """Mark a statement paid with the transfer's reference."""
        form = await request.form()
        try:
            await mark_statement_paid(statement_id, paid_ref=text(form, "paid_ref"), actor_id=me.id)
            flash(request, gettext("Statement marked paid"), "success")
        except DomainError as error:
            flash(request, error.localized(), "error")
        return Redirect(SETTLEMENT, status_code=HTTP_303_SEE_OTHER)

    @post(f"{SETTLEMENT}/statements/{{statement_id:int}}/recover", opt=OPERATORS)
    async def recover(
        self, me: Me, request: Request[Any, Any, Any], statement_id: FromPath[int]
    ) -> Redirect:
        """Recover a negative statement from the supplier's deposit."""
        try:
            await recover_from_deposit(statement_id, actor_id=me.id)
            flash(request, gettext("Recovered from the deposit"), "success")
        except DomainError as error:
            flash(request, error.localized(), "error")
        return Redirect(SETTLEMENT, status_code=HTTP_303_SEE_OTHER)

    @post(f"{SETTLEMENT}/overrides", opt=OPERATORS)
    async def put_override(self, request: Request[Any, Any, Any]) -> Redirect:
        """Set a supplier's commission rate in a category."""
        form = await request.form()
        try:
            await set_override(
                parse_int(text(form, "supplier_id"), "Supplier"),
                parse_int(text(form, "category_id"), "Category"),
                # "2.5" % read like yuan is 250: basis points.
                parse_yuan(text(form, "commission_percent"), "Commission rate"),
            )
            flash(request, gettext("Commission rate saved"), "success")
        except DomainError as error:
            flash(request, error.localized(), "error")
        return Redirect(SETTLEMENT, status_code=HTTP_303_SEE_OTHER)

    @post(f"{SETTLEMENT}/overrides/{{override_id:int}}/delete", opt=OPERATORS)
    async def drop_override(
        self, request: Request[Any, Any, Any], override_id: FromPath[int]
    ) -> Redirect:
        """Drop a category rate."""
        await remove_override(override_id)
        flash(request, gettext("Commission rate removed"), "success")
        return Redirect(SETTLEMENT, status_code=HTTP_303_SEE_OTHER)

    @post(f"{SETTLEMENT}/suppliers/{{supplier_id:int}}/deduct", opt=OPERATORS)
    async def deduct(
        self, me: Me, request: Request[Any, Any, Any], supplier_id: FromPath[int]
    ) -> Redirect:
        """Deduct from a supplier's deposit."""
        form = await request.form()
        try:
            await deduct_deposit(
                supplier_id,
                parse_yuan(text(form, "amount"), "Amount"),
                text(form, "reason"),
                actor_id=me.id,
            )
            flash(request, gettext("Deposit deducted"), "success")
        except DomainError as error:
            flash(request, error.localized(), "error")
        return Redirect(SETTLEMENT, status_code=HTTP_303_SEE_OTHER)

    @post(f"{SETTLEMENT}/suppliers/{{supplier_id:int}}/refund-deposit", opt=OPERATORS)
    async def refund(
        self, me: Me, request: Request[Any, Any, Any], supplier_id: FromPath[int]
    ) -> Redirect:
        """Refund a suspended supplier's remaining deposit."""
        form = await request.form()
        try:
            await refund_deposit(supplier_id, text(form, "reason"), actor_id=me.id)
            flash(request, gettext("Deposit refunded"), "success")
        except DomainError as error:
            flash(request, error.localized(), "error")
        return Redirect(SETTLEMENT, status_code=HTTP_303_SEE_OTHER)

    @post(f"{SETTLEMENT}/refunds", opt=OPERATORS)
    async def refund_part(self, me: Me, request: Request[Any, Any, Any]) -> Redirect:
        """Give money back for a delivered or collected part of an order."""
        form = await request.form()
        try:
            await refund_fulfilment(
                parse_int(text(form, "fulfilment_id"), "Shipment"),
                amount=parse_yuan(text(form, "amount"), "Amount"),
                reason=text(form, "reason"),
                actor_id=me.id,
            )
            flash(request, gettext("Refund issued"), "success")
        except DomainError as error:
            flash(request, error.localized(), "error")
        return Redirect(SETTLEMENT, status_code=HTTP_303_SEE_OTHER)
