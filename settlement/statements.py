"""Settlement statements (结算单): what the platform owes each supplier for a period.

For every order line of the supplier's finished parts in the period and not settled before
(`fulfilment.settlement_reads`): sales are what was paid for it, refunds what was given back
of it, commission its rate (`settlement.commission`) of the net, fees the payment-channel
rate (KUAIQU_SETTLEMENT_FEE_BP) of the net, each rounded half up per line, and payable
what is left. A statement's figures are the sums of its lines. The operator issues a
statement and marks it paid; the supplier sees it and downloads it as CSV.

Refunds made after a line was settled are clawed back: the next statement of the supplier
(whatever its period) carries an adjustment line for every settled line whose refunds
changed since, with sales 0, the new refund, and commission, fees and payable such that
the line's statement lines add up to what a fresh computation of it gives now (at the
rates recorded when it was first settled). The commission on the refunded part goes back
to the supplier, and the adjustment's payable is negative. A statement's payable may be
negative: the supplier owes the platform that much (应扣回, to be recovered).
"""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from enum import StrEnum

from catalog.variant_facts import categories_of_variants
from core.database import is_unique_violation, write_transaction
from core.settings import get_settings
from fulfilment.settlement_reads import SoldLine, refunded_lines_now, sold_lines
from settlement.commission import commission_of, rates_of
from settlement.deposits import deduct_deposit
from settlement.errors import InvalidSettlement, SettlementConflict, StatementNotFound
from settlement.tables import Statement, StatementLine

#: Periods are whole days in China time.
CHINA = timezone(timedelta(hours=8))
#: The longest period one statement covers.
MAX_PERIOD_DAYS = 366


class StatementStatus(StrEnum):
    """Issued to the supplier, then paid by the platform."""

    ISSUED = "issued"
    PAID = "paid"


@dataclass(frozen=True, slots=True)
class StatementLineView:
    """One settled order line, or an adjustment of one settled before (revision > 0)."""

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
    revision: int = 0
    fee_bp: int | None = None

    @property
    def kind(self) -> str:
        """`sale` for a line settled here, `adjustment` for a refund clawed back later."""
        return "adjustment" if self.revision else "sale"


@dataclass(frozen=True, slots=True)
class StatementView:
    """A statement with its totals (and its lines when asked for)."""

    id: int
    number: str
    supplier_id: int
    period_start: date
    period_end: date
    sales: int
    refunds: int
    commission: int
    fees: int
    payable: int
    status: str
    issued_at: datetime
    paid_at: datetime | None
    paid_ref: str
    lines: list[StatementLineView] = field(default_factory=list)

    @property
    def to_recover(self) -> int:
        """Fen the supplier owes the platform (应扣回) when the payable is negative, else 0."""
        return max(0, -self.payable)


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[first moment, moment after) of the days `start`..`end` in China time."""
    for day, name in ((start, "period_start"), (end, "period_end")):
        if not 2000 <= day.year <= 2999:
            raise InvalidSettlement("{field}: a date between 2000 and 2999", field=name)
    if end < start:
        raise InvalidSettlement("period_end: the period ends before it starts")
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise InvalidSettlement("period_end: a statement covers at most a year")
    return (
        datetime.combine(start, time(), CHINA),
        datetime.combine(end + timedelta(days=1), time(), CHINA),
    )


@dataclass(slots=True)
class _Settled:
    """What an order line's statement lines add up to so far."""

    first: dict
    revision: int = 0
    sales: int = 0
    refunds: int = 0
    commission: int = 0
    fees: int = 0
    payable: int = 0


async def _settled_lines(supplier_id: int) -> dict[int, _Settled]:
    """The supplier's settled order lines with the sums of their statement lines."""
    rows = (
        await StatementLine.select(
            StatementLine.order_line_id,
            StatementLine.revision,
            StatementLine.fulfilment_id,
            StatementLine.order_number,
            StatementLine.sales,
            StatementLine.refunds,
            StatementLine.commission_bp,
            StatementLine.fee_bp,
            StatementLine.commission,
            StatementLine.fees,
            StatementLine.payable,
        )
        .where(StatementLine.statement.supplier_id == supplier_id)
        .order_by(StatementLine.order_line_id, StatementLine.revision)
    )
    settled: dict[int, _Settled] = {}
    for row in rows:
        sums = settled.setdefault(row["order_line_id"], _Settled(first=row))
        sums.revision = max(sums.revision, row["revision"])
        sums.sales += row["sales"]
        sums.refunds += row["refunds"]
        sums.commission += row["commission"]
        sums.fees += row["fees"]
        sums.payable += row["payable"]
    return settled


def _sale_line(s: SoldLine, rate: int, fee_bp: int) -> StatementLineView:
    """An order line settled for the first time."""
    net = s.paid - s.refunded
    commission = commission_of(net, rate)
    fees = commission_of(net, fee_bp)
    return StatementLineView(
        order_line_id=s.line_id,
        fulfilment_id=s.fulfilment_id,
        order_number=s.order_number,
        quantity=s.quantity,
        sales=s.paid,
        refunds=s.refunded,
        commission_bp=rate,
        commission=commission,
        fees=fees,
        payable=net - commission - fees,
        fee_bp=fee_bp,
    )


def adjustment_of(now: SoldLine, settled: _Settled, fee_bp: int) -> StatementLineView | None:
    """The line that brings a settled order line up to date, None when nothing changed.

    Fresh figures are computed as for a first settlement, at the rates its first statement
    line recorded; the adjustment is the difference from what its lines add up to, so
    after it every sum over the line's statement lines equals the fresh figure.
    """
    refunds = now.refunded - settled.refunds
    if refunds == 0:
        return None
    rate = settled.first["commission_bp"]
    fee_rate = settled.first["fee_bp"] if settled.first["fee_bp"] is not None else fee_bp
    fresh = _sale_line(now, rate, fee_rate)
    return StatementLineView(
        order_line_id=now.line_id,
        fulfilment_id=now.fulfilment_id,
        order_number=now.order_number,
        quantity=0,
        sales=fresh.sales - settled.sales,
        refunds=refunds,
        commission_bp=rate,
        commission=fresh.commission - settled.commission,
        fees=fresh.fees - settled.fees,
        payable=fresh.payable - settled.payable,
        revision=settled.revision + 1,
        fee_bp=fee_rate,
    )


async def draft_lines(supplier_id: int, start: date, end: date) -> list[StatementLineView]:
    """The lines a statement of this period would hold now (nothing is written).

    The supplier's unsettled lines of parts finished in the period, then an adjustment
    for every line settled before whose refunds changed since (of any period).
    """
    begin, stop = period_bounds(start, end)
    settled = await _settled_lines(supplier_id)
    sold = await sold_lines(supplier_id, start=begin, end=stop, skip_lines=set(settled))
    own_rate, by_category = await rates_of(supplier_id)
    categories = await categories_of_variants(s.variant_id for s in sold)
    fee_bp = get_settings().settlement_fee_bp
    lines = [
        _sale_line(s, by_category.get(categories.get(s.variant_id, 0), own_rate), fee_bp)
        for s in sold
    ]
    for now in await refunded_lines_now(sorted(settled)):
        adjustment = adjustment_of(now, settled[now.line_id], fee_bp)
        if adjustment is not None:
            lines.append(adjustment)
    return lines


async def issue_statement(
    supplier_id: int, start: date, end: date, *, actor_id: int | None
) -> StatementView:
    """Settle the supplier's unsettled lines of the period and claw back later refunds.

    409 when there is nothing to settle, or when another statement settled the same lines
    (or adjusted the same refunds) at the same moment.
    """
    try:
        async with write_transaction():
            lines = await draft_lines(supplier_id, start, end)
            if not lines:
                raise SettlementConflict("Nothing to settle for this supplier in this period")
            inserted = await Statement.insert(
                Statement(
                    number=f"tmp-{uuid.uuid4().hex[:20]}",
                    supplier_id=supplier_id,
                    period_start=start,
                    period_end=end,
                    sales=sum(ln.sales for ln in lines),
                    refunds=sum(ln.refunds for ln in lines),
                    commission=sum(ln.commission for ln in lines),
                    fees=sum(ln.fees for ln in lines),
                    payable=sum(ln.payable for ln in lines),
                    status=StatementStatus.ISSUED,
                    issued_by=actor_id,
                )
            ).returning(Statement.id)
            statement_id = inserted[0]["id"]
            await Statement.update({Statement.number: f"ST{end:%Y%m%d}-{statement_id:06d}"}).where(
                Statement.id == statement_id
            )
            await StatementLine.insert(
                *[
                    StatementLine(
                        statement=statement_id,
                        order_line_id=ln.order_line_id,
                        fulfilment_id=ln.fulfilment_id,
                        order_number=ln.order_number,
                        quantity=ln.quantity,
                        sales=ln.sales,
                        refunds=ln.refunds,
                        commission_bp=ln.commission_bp,
                        commission=ln.commission,
                        fees=ln.fees,
                        payable=ln.payable,
                        revision=ln.revision,
                        fee_bp=ln.fee_bp,
                    )
                    for ln in lines
                ]
            )
    except Exception as error:  # a statement issued at the same time took these lines
        if is_unique_violation(error):
            raise SettlementConflict(
                "These sales or refunds were just settled in another statement"
            ) from None
        raise
    return await get_statement(statement_id)


def _view(row: dict, lines: list[StatementLineView] | None = None) -> StatementView:
    return StatementView(
        id=row["id"],
        number=row["number"],
        supplier_id=row["supplier_id"],
        period_start=row["period_start"],
        period_end=row["period_end"],
        sales=row["sales"],
        refunds=row["refunds"],
        commission=row["commission"],
        fees=row["fees"],
        payable=row["payable"],
        status=row["status"],
        issued_at=row["issued_at"],
        paid_at=row["paid_at"],
        paid_ref=row["paid_ref"],
        lines=lines or [],
    )


async def get_statement(statement_id: int, *, supplier_id: int | None = None) -> StatementView:
    """A statement with its lines; `supplier_id` limits it to that supplier's (404 others)."""
    row = await Statement.select().where(Statement.id == statement_id).first()
    if row is None or (supplier_id is not None and row["supplier_id"] != supplier_id):
        raise StatementNotFound("Statement {id} was not found", id=statement_id)
    lines = (
        await StatementLine.select()
        .where(StatementLine.statement == statement_id)
        .order_by(StatementLine.fulfilment_id, StatementLine.order_line_id, StatementLine.revision)
    )
    return _view(
        row,
        [
            StatementLineView(
                order_line_id=ln["order_line_id"],
                fulfilment_id=ln["fulfilment_id"],
                order_number=ln["order_number"],
                quantity=ln["quantity"],
                sales=ln["sales"],
                refunds=ln["refunds"],
                commission_bp=ln["commission_bp"],
                commission=ln["commission"],
                fees=ln["fees"],
                payable=ln["payable"],
                revision=ln["revision"],
                fee_bp=ln["fee_bp"],
            )
            for ln in lines
        ],
    )


async def statements(
    supplier_id: int | None = None, status: str | None = None
) -> list[StatementView]:
    """Statements (of one supplier, of one status), newest first, without lines."""
    query = Statement.select().order_by(Statement.id, ascending=False)
    if supplier_id is not None:
        query = query.where(Statement.supplier_id == supplier_id)
    if status:
        query = query.where(Statement.status == status)
    return [_view(row) for row in await query]


async def mark_statement_paid(
    statement_id: int, *, paid_ref: str, actor_id: int | None
) -> StatementView:
    """The platform transferred the payable: issued → paid (409 when already paid)."""
    paid_ref = paid_ref.strip()[:64]
    async with write_transaction():
        changed = (
            await Statement.update(
                {
                    Statement.status: StatementStatus.PAID,
                    Statement.paid_at: datetime.now(CHINA),
                    Statement.paid_ref: paid_ref,
                }
            )
            .where((Statement.id == statement_id) & (Statement.status == StatementStatus.ISSUED))
            .returning(Statement.id)
        )
        if not changed:
            await get_statement(statement_id)  # 404 when it does not exist
            raise SettlementConflict("Statement {id} is already paid", id=statement_id)
    return await get_statement(statement_id)


async def recover_from_deposit(statement_id: int, *, actor_id: int | None) -> StatementView:
    """Settle a negative statement from the supplier's deposit: deduct, then mark it paid.

    The deduction (reason naming the statement) and the status change are one transaction.
    409 when the statement is not waiting (paid already) or owes the supplier money, or when
    the deposit holds less than is to be recovered (then the supplier transfers it and the
    operator marks the statement paid with that transfer's reference).
    """
    async with write_transaction():
        statement = await get_statement(statement_id)
        if statement.status != StatementStatus.ISSUED:
            raise SettlementConflict("Statement {id} is already paid", id=statement_id)
        if not statement.to_recover:
            raise SettlementConflict(
                "Statement {id} owes the supplier money: nothing to recover", id=statement_id
            )
        changed = (
            await Statement.update(
                {
                    Statement.status: StatementStatus.PAID,
                    Statement.paid_at: datetime.now(CHINA),
                    Statement.paid_ref: "deposit",
                }
            )
            .where((Statement.id == statement_id) & (Statement.status == StatementStatus.ISSUED))
            .returning(Statement.id)
        )
        if not changed:  # recovered or paid a moment ago
            raise SettlementConflict("Statement {id} is already paid", id=statement_id)
        await deduct_deposit(
            statement.supplier_id,
            statement.to_recover,
            f"结算单 {statement.number} 应扣回 / statement {statement.number} to be recovered",
            actor_id=actor_id,
        )
    return await get_statement(statement_id)


#: Columns of the CSV download (money in fen). `line_kind` is `sale` for a line settled in
#: this statement, `adjustment` for a refund of a line settled before (clawed back).
CSV_COLUMNS = (
    "order_number",
    "fulfilment_id",
    "order_line_id",
    "quantity",
    "sales_fen",
    "refunds_fen",
    "commission_bp",
    "commission_fen",
    "fees_fen",
    "payable_fen",
    "line_kind",
)
#: The first row's note when the payable is negative: the supplier owes the platform.
TO_RECOVER = "to_recover_fen (应扣回)"


def statement_csv(statement: StatementView) -> str:
    """The statement as CSV: one row per line, then the totals.

    When the payable is negative the first row says how much is to be recovered from the
    supplier (应扣回).
    """
    out = io.StringIO()
    writer = csv.writer(out)
    head: list[str | int] = [
        "statement",
        statement.number,
        "period",
        statement.period_start.isoformat(),
        statement.period_end.isoformat(),
        "status",
        statement.status,
    ]
    if statement.to_recover:
        head += [TO_RECOVER, statement.to_recover]
    writer.writerow(head)
    writer.writerow(CSV_COLUMNS)
    for ln in statement.lines:
        writer.writerow(
            [
                _cell(ln.order_number),
                ln.fulfilment_id,
                ln.order_line_id,
                ln.quantity,
                ln.sales,
                ln.refunds,
                ln.commission_bp,
                ln.commission,
                ln.fees,
                ln.payable,
                ln.kind,
            ]
        )
    writer.writerow(
        [
            "total",
            "",
            "",
            "",
            statement.sales,
            statement.refunds,
            "",
            statement.commission,
            statement.fees,
            statement.payable,
        ]
    )
    return out.getvalue()


def _cell(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
