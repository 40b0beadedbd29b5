"""Settlement tables: the deposit ledger, commission overrides, statements and their lines."""

from piccolo.columns import BigInt, Date, ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class DepositEntry(Table):
    """One movement of a supplier's deposit: paid in (+), deducted or refunded (−)."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    #: catalog.Supplier id.
    supplier_id = BigInt(index=True)
    #: payment | deduction | refund
    kind = Varchar(length=16)
    #: Fen, signed: the balance is the sum of a supplier's entries.
    amount = BigInt()
    reason = Varchar(length=200, default="")
    #: The payment that brought the money in (payments.Payment id), unique so a callback
    #: heard twice records it once.
    payment_id = BigInt(null=True, default=None, unique=True)
    #: server.User id of the operator, null for the system.
    actor_id = BigInt(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class CommissionOverride(Table):
    """A supplier's commission rate in one category, instead of its own rate."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    supplier_id = BigInt(index=True)
    #: catalog.Category id.
    category_id = BigInt()
    #: "supplier:category", unique: one rate per pair.
    pair = Varchar(length=48, unique=True)
    #: Basis points (500 = 5 %).
    commission_bp = Integer()
    created_at = Timestamptz(default=TimestamptzNow())


class Statement(Table):
    """What the platform owes a supplier for one period (结算单)."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    #: e.g. ST20261203-000012, unique.
    number = Varchar(length=32, unique=True)
    supplier_id = BigInt(index=True)
    #: The first and the last day of the period (dates in China time).
    period_start = Date()
    period_end = Date()
    #: Fen: what was paid for the goods, refunds of them, the platform's commission, the
    #: payment-channel fee, and what the supplier gets: sales − refunds − commission − fees.
    sales = BigInt(default=0)
    refunds = BigInt(default=0)
    commission = BigInt(default=0)
    fees = BigInt(default=0)
    payable = BigInt(default=0)
    #: issued | paid
    status = Varchar(length=8, default="issued", index=True)
    issued_by = BigInt(null=True, default=None)
    issued_at = Timestamptz(default=TimestamptzNow())
    paid_at = Timestamptz(null=True, default=None)
    #: The bank transfer's reference, typed by the operator when marking it paid.
    paid_ref = Varchar(length=64, default="")


class StatementLine(Table):
    """One order line settled in a statement (revision 0), or a later adjustment of it.

    An order line is settled once; a refund of it made after that comes back as an
    adjustment line (revision 1, 2, ...) in a later statement. The pair (order_line_id,
    revision) is unique (index `statement_line_one_per_revision`, made by the migration):
    two statements issued at once cannot both settle, or both adjust, the same line.
    """

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    statement = ForeignKey(references=Statement, index=True)
    #: fulfilment.OrderLine id.
    order_line_id = BigInt(index=True)
    #: 0: the line's settlement; n > 0: its n-th adjustment.
    revision = Integer(default=0)
    fulfilment_id = BigInt(index=True)
    order_number = Varchar(length=32)
    quantity = BigInt()
    sales = BigInt()
    refunds = BigInt()
    #: The rate applied, in basis points.
    commission_bp = Integer()
    #: The payment-channel fee rate applied, in basis points (null on lines settled before
    #: it was recorded: KUAIQU_SETTLEMENT_FEE_BP then applies to their adjustments).
    fee_bp = Integer(null=True, default=None)
    commission = BigInt()
    fees = BigInt()
    payable = BigInt()
