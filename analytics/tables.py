"""Analytics tables: shopper events and the daily rollups the dashboards read.

Rollups are rebuilt from the order, payment and event data (`analytics.rollups`); they hold
nothing that cannot be computed again. Days are calendar days in Asia/Shanghai.
"""

from piccolo.columns import BigInt, Date, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class ShopperEvent(Table):
    """Something a shopper did that analytics counts: a view, a search, a cart add."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    #: view | search | cart_add | rec_impression | rec_click (analytics.events.EventKind)
    kind = Varchar(length=16)
    #: accounts user id; null for a visitor.
    user_id = BigInt(null=True, default=None, index=True)
    #: The visitor's session key (recently viewed before logging in); "" when unknown.
    visitor = Varchar(length=64, default="", index=True)
    product_id = BigInt(null=True, default=None)
    #: The search words (search), or the recommendation slot (rec_*: home | product | cart).
    detail = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow(), index=True)


class DailyTotals(Table):
    """The platform's figures of one day (orders by the day they were placed)."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    day = Date(unique=True)
    orders_placed = BigInt(default=0)
    online_orders_placed = BigInt(default=0)
    online_orders_paid = BigInt(default=0)
    orders_paid = BigInt(default=0)
    gmv = BigInt(default=0)
    refunded_amount = BigInt(default=0)
    refunded_orders = BigInt(default=0)
    pickup_fulfilments = BigInt(default=0)
    delivery_fulfilments = BigInt(default=0)
    ready_pickups = BigInt(default=0)
    collected_pickups = BigInt(default=0)
    expired_pickups = BigInt(default=0)
    uncollected_pickups = BigInt(default=0)
    #: Sum of seconds from payment to ready, over the `ready_pickups` that were paid.
    paid_to_ready_seconds = BigInt(default=0)
    paid_to_ready_count = BigInt(default=0)
    ready_to_collected_seconds = BigInt(default=0)
    ready_to_collected_count = BigInt(default=0)
    views = BigInt(default=0)
    searches = BigInt(default=0)
    cart_adds = BigInt(default=0)
    rec_impressions = BigInt(default=0)
    rec_clicks = BigInt(default=0)


class DailyProductSales(Table):
    """One product's paid sales on one day."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    day = Date(index=True)
    product_id = BigInt()
    supplier_id = BigInt()
    category_id = BigInt()
    units = BigInt(default=0)
    amount = BigInt(default=0)
    orders = BigInt(default=0)


class DailyStoreSales(Table):
    """One location's paid sales on one day, by method (pickup, delivery, walk-in)."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    day = Date(index=True)
    location_id = BigInt()
    #: pickup | delivery | walk_in (a POS sale)
    method = Varchar(length=8)
    orders = BigInt(default=0)
    units = BigInt(default=0)
    amount = BigInt(default=0)


class DailySupplierSales(Table):
    """One supplier's paid sales on one day, and how many of those orders got refunds."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    day = Date(index=True)
    supplier_id = BigInt(index=True)
    orders = BigInt(default=0)
    units = BigInt(default=0)
    amount = BigInt(default=0)
    refunded_orders = BigInt(default=0)


class RecommendationDaily(Table):
    """Impressions and clicks of one recommendation list (kind × page slot) on one day."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    day = Date(index=True)
    #: bought_together | recently_viewed | you_may_like
    list_kind = Varchar(length=20)
    #: home | product | cart
    slot = Varchar(length=12)
    impressions = BigInt(default=0)
    clicks = BigInt(default=0)


class StockAlert(Table):
    """A low- or out-of-stock alert sent to a supplier; deleted when the stock recovers."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    supplier_id = BigInt(index=True)
    location_id = BigInt()
    variant_id = BigInt()
    #: low | out
    level = Varchar(length=4)
    sent_at = Timestamptz(default=TimestamptzNow())
