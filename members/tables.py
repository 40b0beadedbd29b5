"""Member tables: levels the operator sets, members, and the points ledger."""

from piccolo.columns import BigInt, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from catalog.catalog_cache import TracksCatalogChanges


class MemberLevel(TracksCatalogChanges, Table):
    """A level reached by spending at least `min_spend` fen over the rolling period."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    name_zh = Varchar(length=40)
    name_en = Varchar(length=40)
    #: Fen spent (paid less refunded) over the rolling period to reach this level.
    min_spend = BigInt(default=0, unique=True)


class Member(Table):
    """A consumer as a member: the balance of the points ledger and the level reached."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    #: accounts User id; one member per person.
    user_id = BigInt(unique=True)
    #: What the member QR code carries (shown at the counter); random, unique.
    code = Varchar(length=32, unique=True)
    #: The sum of the member's ledger rows (kept by `members.points`, the only writer).
    points = BigInt(default=0)
    #: The MemberLevel id reached, 0 for none yet.
    level_id = BigInt(default=0)
    created_at = Timestamptz(default=TimestamptzNow())


class PointsEntry(Table):
    """One change of a member's points: earned on a paid order, reversed on its refund."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    member_id = BigInt(index=True)
    #: Points added (positive) or taken (negative).
    delta = BigInt()
    #: The member's balance after this row.
    balance = BigInt()
    #: Fen of spend this row adds to (or, on a refund, takes from) the rolling spend.
    spend = BigInt(default=0)
    #: earned | reversed | adjusted
    reason = Varchar(length=16)
    #: The order it is about (online or POS), when any.
    order_id = BigInt(null=True, default=None, index=True)
    #: online | pos | "" for adjustments.
    channel = Varchar(length=8, default="")
    note = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow(), index=True)


class Favourite(Table):
    """A product or shop a consumer saved (one row per person, kind and target)."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    user_id = BigInt(index=True)
    #: product | shop
    kind = Varchar(length=8)
    #: The product id or the supplier (shop) id.
    target_id = BigInt()
    created_at = Timestamptz(default=TimestamptzNow())


class MemberPrice(TracksCatalogChanges, Table):
    """A variant's member price (会员价): for members of a level and every level above it."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    #: catalog Variant id; one member price per variant.
    variant_id = BigInt(unique=True)
    #: The catalog Supplier the variant belongs to (who may change it).
    supplier_id = BigInt(index=True)
    #: The MemberLevel id from which on it applies (that level and every higher one).
    level_id = BigInt()
    #: The price in fen, below the variant's list price.
    price = BigInt()
    updated_at = Timestamptz(default=TimestamptzNow())
