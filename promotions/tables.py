"""Promotion tables: promotions, claimed coupons, uses by orders, discounts per order line."""

from piccolo.columns import JSON, BigInt, ForeignKey, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Promotion(Table):
    """A coupon, a 满减 or a limited-time price, of the platform, a supplier or a store."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    #: coupon | full_reduction | flash_price
    kind = Varchar(length=20, index=True)
    #: platform | supplier | store
    scope = Varchar(length=10)
    #: catalog.Supplier id of a supplier promotion.
    supplier_id = BigInt(null=True, default=None, index=True)
    #: locations.Location id of a store promotion.
    location_id = BigInt(null=True, default=None)
    name = Varchar(length=100)
    #: active | paused | ended
    status = Varchar(length=10, default="active", index=True)
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    #: The rule: {amount, percent_bp, cap, threshold, tiers: [[threshold, off]], flash_price}.
    rules = JSON(default={})
    #: Scope narrowed to {product_ids: [...], category_ids: [...]} (empty: everything).
    applies_to = JSON(default={})
    #: Variant of a limited-time price.
    variant_id = BigInt(null=True, default=None, index=True)
    #: A public code typed at checkout (coupons only); unique when set.
    code = Varchar(length=32, null=True, default=None, unique=True)
    #: Units: coupons that may be claimed and used, or flash-price units (0: no cap).
    total = BigInt(default=0)
    #: Coupons claimed so far.
    claimed = BigInt(default=0)
    #: Uses (coupons, 满减) or units (flash price) counted by orders not given back.
    used = BigInt(default=0)
    #: Per consumer: coupons claimed or used, or flash units bought (0: no limit).
    per_consumer = BigInt(default=1)
    #: Money given away by orders not given back, in fen.
    given = BigInt(default=0)
    created_by = BigInt(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Coupon(Table):
    """One coupon a consumer claimed: its own code, scanned at a POS or chosen at checkout."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    promotion = ForeignKey(references=Promotion, index=True)
    #: accounts.User id of the consumer holding it.
    owner_id = BigInt(index=True)
    code = Varchar(length=32, unique=True)
    #: unused | used
    status = Varchar(length=10, default="unused")
    order_id = BigInt(null=True, default=None)
    claimed_at = Timestamptz(default=TimestamptzNow())
    used_at = Timestamptz(null=True, default=None)


class PromotionBuyer(Table):
    """How much of a promotion one consumer has had (claims, uses or flash units).

    One row per (promotion, consumer) (a unique index in a migration): the per-consumer
    limit is one conditional UPDATE on it.
    """

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    promotion = ForeignKey(references=Promotion, index=True)
    consumer_id = BigInt()
    claimed = BigInt(default=0)
    used = BigInt(default=0)


class PromotionUse(Table):
    """A promotion counted by an order: units, money, and whether it was given back."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    promotion = ForeignKey(references=Promotion, index=True)
    #: fulfilment.Order id.
    order_id = BigInt(index=True)
    customer_id = BigInt(null=True, default=None)
    coupon_id = BigInt(null=True, default=None)
    #: 1 for a coupon or 满减; units for a flash price.
    units = BigInt(default=1)
    amount = BigInt(default=0)
    #: counted | released
    status = Varchar(length=10, default="counted")
    created_at = Timestamptz(default=TimestamptzNow())


class LineDiscount(Table):
    """Money one promotion took off one order line, in fen (refunds return what was paid)."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    #: fulfilment.OrderLine id.
    order_line_id = BigInt(index=True)
    order_id = BigInt(index=True)
    promotion = ForeignKey(references=Promotion)
    kind = Varchar(length=20)
    name = Varchar(length=100, default="")
    amount = BigInt()
