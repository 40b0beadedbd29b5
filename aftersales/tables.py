"""After-sales tables: requests per order line, their messages and evidence, return windows.

Order, line and supplier ids are plain columns (fulfilment's and catalog's tables are read
through their query functions, never joined here).
"""

from piccolo.columns import BigInt, ForeignKey, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class AfterSaleRequest(Table):
    """A consumer's request about one received order line, and how it was settled."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    order_id = BigInt(index=True)
    order_number = Varchar(length=32, default="")
    line_id = BigInt(index=True)
    fulfilment_id = BigInt()
    #: Where the goods left from (a parcel's return goes back there).
    origin_location_id = BigInt()
    customer_id = BigInt(index=True)
    supplier_id = BigInt(index=True)
    variant_id = BigInt()
    product_name = Varchar(length=200, default="")
    quantity = BigInt(default=1)
    #: Fen paid for the line (`fulfilment.money.line_paid`) when asked.
    paid = BigInt(default=0)
    #: refund_only | return_refund | exchange (aftersales.statuses.RequestKind)
    kind = Varchar(length=16)
    reason = Varchar(length=500)
    photo = Varchar(length=200, default="")
    #: none | parcel | store (aftersales.statuses.ReturnMethod)
    return_method = Varchar(length=8, default="none")
    store_location_id = BigInt(null=True, default=None)
    carrier = Varchar(length=50, default="")
    tracking_number = Varchar(length=64, default="")
    #: The exchange's replacement variant (reserved when approved).
    replacement_variant_id = BigInt(null=True, default=None)
    #: The token the store's QR code carries.
    token = Varchar(length=40, unique=True)
    status = Varchar(length=12, default="requested", index=True)
    #: The supplier answers before this; the sweep escalates afterwards.
    answer_deadline = Timestamptz()
    answer_note = Varchar(length=500, default="")
    #: A partial refund the supplier offers or the operator rules (fen).
    offered_amount = BigInt(null=True, default=None)
    refunded_amount = BigInt(default=0)
    received_at = Timestamptz(null=True, default=None)
    received_location_id = BigInt(null=True, default=None)
    damaged = BigInt(default=0)
    ruling = Varchar(length=8, default="")
    deposit_deducted = BigInt(default=0)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class AfterSaleMessage(Table):
    """A message or a piece of evidence in a request's thread."""

    id: Serial

    request = ForeignKey(references=AfterSaleRequest, index=True)
    author_id = BigInt(null=True, default=None)
    #: consumer | supplier | operator | system
    side = Varchar(length=10)
    body = Varchar(length=1000)
    created_at = Timestamptz(default=TimestamptzNow())


class ReturnWindow(Table):
    """Days a category's goods may be returned after receipt (7 when a category has none)."""

    id: Serial

    category_id = BigInt(unique=True)
    days = BigInt()
