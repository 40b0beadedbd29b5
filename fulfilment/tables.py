"""Fulfilment tables: the one order model (online and POS), its fulfilments, audit trail, cart."""

from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    ForeignKey,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from catalog.tables import Variant
from locations.tables import Location


class Order(Table, tablename="orders"):
    """What a consumer (online) or a walk-in customer (POS) bought: the parent order."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    #: Human-readable and unique, e.g. KQ20261125-000123.
    number = Varchar(length=32, unique=True)
    #: online | pos
    channel = Varchar(length=8, default="online")
    #: server.User id of the consumer; null for a walk-in customer at the POS.
    customer_id = BigInt(null=True, default=None, index=True)
    #: The store that sold it at the POS; null for online orders.
    store_location_id = BigInt(null=True, default=None)
    #: pending_payment | paid | completed | cancelled
    status = Varchar(length=20, default="pending_payment", index=True)
    #: Money in fen.
    subtotal = BigInt(default=0)
    shipping = BigInt(default=0)
    discount = BigInt(default=0)
    #: Fen the member's points paid (split over the lines' discounts like a platform coupon).
    points_paid = BigInt(default=0)
    #: What the buyer pays in money: subtotal + shipping - discount - points_paid.
    total = BigInt(default=0)
    currency = Varchar(length=3, default="CNY")
    #: The name of a registered payment provider (`payments.providers`): sandbox, in_store, cod,
    #: alipay, alipay_card, wechat_pay, …
    payment_method = Varchar(length=16, default="sandbox")
    #: The client's Idempotency-Key; unique per customer (composite index in the migration).
    idempotency_key = Varchar(length=100, null=True, default=None)
    #: Recipient and address for delivery: {name, phone, detail, ...}.
    delivery_address = JSON(default={})
    #: Who collects a pickup order (提货人): {name, phone}, or {} when not given.
    pickup_contact = JSON(default={})
    #: The consumer's position when ordering: {lat, lon} or {}.
    position = JSON(default={})
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    paid_at = Timestamptz(null=True, default=None)
    #: When a delivered order completes by itself unless the consumer complains.
    auto_confirm_at = Timestamptz(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)


class Fulfilment(Table):
    """One location's share of an order, delivered or picked up (the sub-order)."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    order = ForeignKey(references=Order, index=True)
    location = ForeignKey(references=Location, index=True)
    #: delivery | pickup
    method = Varchar(length=8)
    #: The supplier shipping a delivery fulfilment (catalog.Supplier id); null for pickup.
    supplier_id = BigInt(null=True, default=None, index=True)
    #: pickup: allocated | preparing | ready_for_pickup | collected | expired | cancelled;
    #: delivery: allocated | shipped | delivered | refused | cancelled
    status = Varchar(length=20, default="allocated", index=True)
    #: Cash on delivery: the fen the courier collected with this parcel (null: none yet).
    cod_collected = BigInt(null=True, default=None)
    carrier = Varchar(length=50, default="")
    tracking_number = Varchar(length=64, default="")
    #: Numeric code typed at the POS (set when ready; the POS issue fills it).
    short_code = Varchar(length=12, null=True, default=None)
    #: Nonce of the signed pickup token (the POS issue fills it).
    token_nonce = Varchar(length=64, null=True, default=None)
    #: When the store expects a pickup to be ready.
    ready_by = Timestamptz(null=True, default=None)
    #: When an uncollected pickup expires.
    pickup_deadline = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class OrderLine(Table):
    """A variant bought in an order, with the name and price as they were at the time."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    order = ForeignKey(references=Order, index=True)
    fulfilment = ForeignKey(references=Fulfilment, index=True)
    variant = ForeignKey(references=Variant, index=True)
    product_name = Varchar(length=200)
    sku = Varchar(length=64)
    supplier_id = BigInt(index=True)
    quantity = BigInt()
    #: Price of one unit in fen.
    unit_price = BigInt()
    #: Discount on the whole line in fen.
    discount = BigInt(default=0)


class OrderEvent(Table):
    """The audit trail: every move of an order or a fulfilment, by whom and when."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    order = ForeignKey(references=Order, index=True)
    fulfilment = ForeignKey(references=Fulfilment, null=True, default=None)
    #: server.User id; null for the system (sweeps, payment callbacks).
    actor_id = BigInt(null=True, default=None)
    #: placed | paid | payment_failed | cancelled | preparing | shipped | … (what happened)
    kind = Varchar(length=32)
    old_state = Varchar(length=20, default="")
    new_state = Varchar(length=20, default="")
    note = Varchar(length=255, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class CartItem(Table):
    """A variant in a cart: a logged-in consumer's, or a guest's (by session cart key)."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    #: server.User id; null for a guest cart.
    user_id = BigInt(null=True, default=None, index=True)
    #: Random key kept in the guest's session; null once the cart belongs to an account.
    session_key = Varchar(length=64, null=True, default=None, index=True)
    variant = ForeignKey(references=Variant)
    quantity = BigInt(default=1)
    #: Ticked for checkout: checkout takes only the selected items (all are, when added).
    selected = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class PickupScanAudit(Table):
    """A pickup code refused at a POS that names no fulfilment (forged, altered, mistyped)."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    location = ForeignKey(references=Location, index=True)
    #: server.User id of the staff member who scanned or typed it.
    staff_id = BigInt()
    #: token | short_code
    kind = Varchar(length=12)
    #: What was read, cut short (a forged token is evidence; a short code is not secret then).
    code = Varchar(length=120)
    reason = Varchar(length=32)
    created_at = Timestamptz(default=TimestamptzNow())


class Address(Table):
    """A saved delivery address of a consumer's address book (收货地址)."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    #: server.User id of the owner.
    user_id = BigInt(index=True)
    #: Recipient's name.
    name = Varchar(length=40)
    #: Mainland mobile number, 11 digits (checked by fulfilment.contacts.check_mobile).
    phone = Varchar(length=20)
    province = Varchar(length=40, default="")
    city = Varchar(length=40, default="")
    district = Varchar(length=40, default="")
    #: Street, building and door number.
    detail = Varchar(length=200)
    #: The one address checkout offers first; at most one per user.
    is_default = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ParcelEvent(Table):
    """One scan of a delivery parcel reported by its carrier (揽收, 运输中, 派送中, 已签收)."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    fulfilment = ForeignKey(references=Fulfilment, index=True)
    #: collected | in_transit | out_for_delivery | delivered (fulfilment.carriers.ParcelStage)
    kind = Varchar(length=32)
    #: Where it happened: a city, a sorting centre or the recipient's district.
    place = Varchar(length=80, default="")
    #: The carrier's own words (e.g. the courier's name), shown as given.
    note = Varchar(length=200, default="")
    #: When the carrier says it happened (not when we learned of it).
    happened_at = Timestamptz(default=TimestamptzNow())
