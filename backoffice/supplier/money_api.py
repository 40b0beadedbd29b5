"""Supplier JSON API for its money: dues to pay, the deposit ledger, statements as CSV."""

from __future__ import annotations

from datetime import date, datetime

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from accounts.access import SUPPLIERS, Me
from accounts.roles import CurrentUser
from core.errors import PermissionDenied
from core.types import ShortText
from settlement.deposits import deposit_ledger
from settlement.dues import online_providers, pay_dues, supplier_dues
from settlement.statements import StatementView, get_statement, statement_csv, statements


class DepositEntryOut(msgspec.Struct):
    """One line of the deposit ledger (fen; negative for deductions and refunds)."""

    id: int
    kind: str
    amount: int
    reason: str
    payment_id: int | None
    created_at: datetime


class DuesOut(msgspec.Struct):
    """The entry fee and deposit: asked, paid, still due (fen)."""

    status: str
    entry_fee: int
    entry_fee_paid: int
    entry_fee_due: int
    deposit: int
    deposit_balance: int
    deposit_due: int
    settled: bool
    providers: list[str]


class MoneyOut(msgspec.Struct):
    """The supplier's money page as data."""

    dues: DuesOut
    ledger: list[DepositEntryOut]


class PayIn(msgspec.Struct):
    """Which due to pay (entry_fee or deposit) and through which provider."""

    purpose: ShortText
    provider: ShortText | None = None


class PayOut(msgspec.Struct):
    """The payment opened and where to pay it."""

    payment_id: int
    provider: str
    status: str
    pay_url: str | None


class StatementLineOut(msgspec.Struct):
    """One settled order line, or an adjustment clawing back a later refund of one (fen)."""

    order_line_id: int
    fulfilment_id: int
    order_number: str
    quantity: int
    sales: int
    refunds: int
    commission_bp: int
    commission: int
    fees: int
    payable: int
    #: 0 for a line settled in this statement, n > 0 for its n-th adjustment.
    revision: int
    #: sale | adjustment
    kind: str


class StatementOut(msgspec.Struct):
    """A settlement statement (fen)."""

    id: int
    number: str
    supplier_id: int
    period_start: date
    period_end: date
    sales: int
    refunds: int
    commission: int
    fees: int
    #: Negative when the supplier owes the platform (refunds clawed back).
    payable: int
    #: Fen to be recovered from the supplier (应扣回): −payable when that is negative, else 0.
    to_recover: int
    status: str
    issued_at: datetime
    paid_at: datetime | None
    paid_ref: str
    lines: list[StatementLineOut]


def own_supplier(me: CurrentUser) -> int:
    """The supplier the signed-in staff acts for."""
    if me.supplier_id is None:
        raise PermissionDenied("Your account is not linked to a supplier")
    return me.supplier_id


def statement_out(statement: StatementView) -> StatementOut:
    """A statement as the API sends it."""
    return msgspec.convert(statement, StatementOut, from_attributes=True)


def csv_response(statement: StatementView) -> Response[str]:
    """The statement as a CSV download."""
    return Response(
        statement_csv(statement),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{statement.number}.csv"'},
    )


async def money_out(supplier_id: int) -> MoneyOut:
    """Dues and deposit ledger of a supplier."""
    dues = await supplier_dues(supplier_id)
    return MoneyOut(
        dues=DuesOut(
            status=dues.status,
            entry_fee=dues.entry_fee,
            entry_fee_paid=dues.entry_fee_paid,
            entry_fee_due=dues.entry_fee_due,
            deposit=dues.deposit,
            deposit_balance=dues.deposit_balance,
            deposit_due=dues.deposit_due,
            settled=dues.settled,
            providers=online_providers(),
        ),
        ledger=msgspec.convert(
            await deposit_ledger(supplier_id), list[DepositEntryOut], from_attributes=True
        ),
    )


class SupplierMoneyApi(Controller):
    """`/api/supplier/money…`: entry fee, deposit and statements of the signed-in supplier."""

    path = "/api/supplier/money"
    tags = ["supplier"]

    @get("/", opt=SUPPLIERS)
    async def money(self, me: Me) -> MoneyOut:
        """What is due, what was paid, and the deposit ledger."""
        return await money_out(own_supplier(me))

    @post("/pay", status_code=HTTP_200_OK, opt=SUPPLIERS)
    async def pay(self, me: Me, data: JSONBody[PayIn]) -> PayOut:
        """Open the payment of the entry fee or the deposit; pay it at `pay_url`."""
        started = await pay_dues(me, data.purpose, data.provider)
        return PayOut(started.payment_id, started.provider, started.status, started.pay_url)

    @get("/statements", opt=SUPPLIERS)
    async def list_statements(self, me: Me) -> list[StatementOut]:
        """My statements, newest first (without lines)."""
        return [statement_out(s) for s in await statements(own_supplier(me))]

    @get("/statements/{statement_id:int}", opt=SUPPLIERS)
    async def statement(self, me: Me, statement_id: FromPath[int]) -> StatementOut:
        """One of my statements with its lines."""
        return statement_out(await get_statement(statement_id, supplier_id=own_supplier(me)))

    @get("/statements/{statement_id:int}/csv", opt=SUPPLIERS, media_type="text/csv")
    async def statement_csv(self, me: Me, statement_id: FromPath[int]) -> Response[str]:
        """One of my statements as CSV (fen)."""
        return csv_response(await get_statement(statement_id, supplier_id=own_supplier(me)))
