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
    """One order line settled in a statement; an order line is settled once."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    statement = ForeignKey(references=Statement, index=True)
    #: fulfilment.OrderLine id, unique: no line is settled twice.
    order_line_id = BigInt(unique=True)
    fulfilment_id = BigInt(index=True)
    order_number = Varchar(length=32)
    quantity = BigInt()
    sales = BigInt()
    refunds = BigInt()
    #: The rate applied, in basis points.
    commission_bp = Integer()
    commission = BigInt()
    fees = BigInt()
    payable = BigInt()
