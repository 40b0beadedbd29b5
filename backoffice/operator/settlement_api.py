"""Operator JSON API for settlement: statements, commission overrides, deposits, refunds."""

from __future__ import annotations

from datetime import date

import msgspec
from litestar import Controller, Response, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from accounts.access import OPERATORS, Me
from backoffice.supplier.money_api import (
    MoneyOut,
    StatementOut,
    csv_response,
    money_out,
    statement_out,
)
from core.types import BasisPoints, Id, Money, ShortText
from fulfilment.after_sale import refund_fulfilment
from settlement.commission import overrides, remove_override, set_override
from settlement.deposits import deduct_deposit, refund_deposit
from settlement.statements import (
    get_statement,
    issue_statement,
    mark_statement_paid,
    recover_from_deposit,
    statements,
)


class IssueIn(msgspec.Struct):
    """A supplier and the first and last day of the period (China time)."""

    supplier_id: Id
    period_start: date
    period_end: date


class PaidIn(msgspec.Struct):
    """The bank transfer's reference (optional)."""

    paid_ref: ShortText = ""


class OverrideIn(msgspec.Struct):
    """A supplier's commission rate in a category, in basis points (500 = 5 %)."""

    supplier_id: Id
    category_id: Id
    commission_bp: BasisPoints


class OverrideOut(msgspec.Struct):
    """A category rate."""

    id: int
    supplier_id: int
    category_id: int
    commission_bp: int


class DeductIn(msgspec.Struct):
    """Fen taken from the deposit and why (e.g. a dispute ruling)."""

    amount: Money
    reason: ShortText


class ReasonIn(msgspec.Struct):
    """Why (optional)."""

    reason: ShortText = ""


class RefundIn(msgspec.Struct):
    """Fen given back for a finished part of an order, and why."""

    amount: Money
    reason: ShortText


class BalanceOut(msgspec.Struct):
    """A deposit amount in fen."""

    amount: int


class RefundOut(msgspec.Struct):
    """Fen refunded."""

    refunded: int


class OperatorSettlementApi(Controller):
    """`/api/operator/settlement…`: what the platform owes suppliers and holds of theirs."""

    path = "/api/operator/settlement"
    tags = ["operator"]

    @get("/statements", opt=OPERATORS)
    async def list_statements(
        self, supplier_id: FromQuery[int | None] = None, status: FromQuery[str | None] = None
    ) -> list[StatementOut]:
        """Statements, newest first (`?supplier_id=`, `?status=issued|paid`)."""
        return [statement_out(s) for s in await statements(supplier_id, status)]

    @post("/statements", opt=OPERATORS)
    async def issue(self, me: Me, data: JSONBody[IssueIn]) -> StatementOut:
        """Settle a supplier's unsettled sales of a period (409 when there are none)."""
        issued = await issue_statement(
            data.supplier_id, data.period_start, data.period_end, actor_id=me.id
        )
        return statement_out(issued)

    @get("/statements/{statement_id:int}", opt=OPERATORS)
    async def statement(self, statement_id: FromPath[int]) -> StatementOut:
        """One statement with its lines."""
        return statement_out(await get_statement(statement_id))

    @get("/statements/{statement_id:int}/csv", opt=OPERATORS, media_type="text/csv")
    async def statement_csv(self, statement_id: FromPath[int]) -> Response[str]:
        """One statement as CSV (fen)."""
        return csv_response(await get_statement(statement_id))

    @post("/statements/{statement_id:int}/paid", status_code=HTTP_200_OK, opt=OPERATORS)
    async def mark_paid(
        self, me: Me, statement_id: FromPath[int], data: JSONBody[PaidIn]
    ) -> StatementOut:
        """The payable was transferred: issued → paid."""
        paid = await mark_statement_paid(statement_id, paid_ref=data.paid_ref, actor_id=me.id)
        return statement_out(paid)

    @post("/statements/{statement_id:int}/recover", status_code=HTTP_200_OK, opt=OPERATORS)
    async def recover(self, me: Me, statement_id: FromPath[int]) -> StatementOut:
        """A negative statement (应扣回) settled from the supplier's deposit: issued → paid.

        409 when it is paid already, owes the supplier money, or the deposit holds less.
        """
        return statement_out(await recover_from_deposit(statement_id, actor_id=me.id))

    @get("/overrides", opt=OPERATORS)
    async def list_overrides(self, supplier_id: FromQuery[int | None] = None) -> list[OverrideOut]:
        """Commission rates per category."""
        found = await overrides(supplier_id)
        return msgspec.convert(found, list[OverrideOut], from_attributes=True)

    @post("/overrides", status_code=HTTP_200_OK, opt=OPERATORS)
    async def put_override(self, data: JSONBody[OverrideIn]) -> OverrideOut:
        """Set a supplier's commission rate in a category."""
        made = await set_override(data.supplier_id, data.category_id, data.commission_bp)
        return msgspec.convert(made, OverrideOut, from_attributes=True)

    @delete("/overrides/{override_id:int}", status_code=HTTP_204_NO_CONTENT, opt=OPERATORS)
    async def drop_override(self, override_id: FromPath[int]) -> None:
        """Drop a category rate."""
        await remove_override(override_id)

    @get("/suppliers/{supplier_id:int}/money", opt=OPERATORS)
    async def supplier_money(self, supplier_id: FromPath[int]) -> MoneyOut:
        """A supplier's dues and deposit ledger."""
        return await money_out(supplier_id)

    @post("/suppliers/{supplier_id:int}/deduct", status_code=HTTP_200_OK, opt=OPERATORS)
    async def deduct(
        self, me: Me, supplier_id: FromPath[int], data: JSONBody[DeductIn]
    ) -> BalanceOut:
        """Deduct from the deposit (e.g. a dispute ruling); returns the new balance."""
        left = await deduct_deposit(supplier_id, data.amount, data.reason, actor_id=me.id)
        return BalanceOut(left)

    @post("/suppliers/{supplier_id:int}/refund-deposit", status_code=HTTP_200_OK, opt=OPERATORS)
    async def refund_deposit(
        self, me: Me, supplier_id: FromPath[int], data: JSONBody[ReasonIn]
    ) -> BalanceOut:
        """A suspended supplier leaves: its remaining deposit goes back; returns the fen."""
        return BalanceOut(await refund_deposit(supplier_id, data.reason, actor_id=me.id))

    @post("/fulfilments/{fulfilment_id:int}/refund", status_code=HTTP_200_OK, opt=OPERATORS)
    async def refund_part(
        self, me: Me, fulfilment_id: FromPath[int], data: JSONBody[RefundIn]
    ) -> RefundOut:
        """Give money back for a finished part of an order (nets against its settlement)."""
        given = await refund_fulfilment(
            fulfilment_id, amount=data.amount, reason=data.reason, actor_id=me.id
        )
        return RefundOut(sum(r.amount for r in given))
