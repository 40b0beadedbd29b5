"""Locations tables: stores and warehouses, stock per location, and the stock ledger."""

from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    DoublePrecision,
    ForeignKey,
    Integer,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from catalog.tables import Variant


class Location(Table):
    """A store (sells, may offer pickup) or a warehouse (ships only)."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    #: store | warehouse
    kind = Varchar(length=16, default="store", index=True)
    name = Varchar(length=100)
    name_en = Varchar(length=100, default="")
    #: The supplier owning it (catalog.Supplier id); null for the operator's own.
    owner_supplier_id = BigInt(null=True, default=None, index=True)
    city = Varchar(length=32, default="")
    district = Varchar(length=32, default="")
    address = Varchar(length=255, default="")
    #: Six-digit administrative division code of the district.
    adcode = Varchar(length=6, default="")
    lat = DoublePrecision(index=True)
    lon = DoublePrecision(index=True)
    phone = Varchar(length=32, default="")
    #: Seven strings, Monday first: "09:00-21:00", or "" when closed that day.
    opening_hours = JSON(default=[])
    pickup_enabled = Boolean(default=True)
    #: Days a ready pickup order is held before it expires.
    pickup_hold_days = Integer(default=3)
    #: Minutes the store needs to prepare a pickup order.
    prep_minutes = Integer(default=30)
    photo = Varchar(length=255, default="")
    is_active = Boolean(default=True)


class StockLevel(Table):
    """Units of one variant at one location. available = on_hand - reserved >= 0."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    location = ForeignKey(references=Location, index=True)
    variant = ForeignKey(references=Variant, index=True)
    #: Units physically at the location, sold or not.
    on_hand = BigInt(default=0)
    #: Units held for placed orders that are not yet handed over or shipped.
    reserved = BigInt(default=0)
    #: Below this many available units the supplier is warned.
    low_stock_threshold = BigInt(default=5)


class StockMovement(Table):
    """The ledger: one row per change of on_hand or reserved; it sums to the levels."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    location = ForeignKey(references=Location, index=True)
    variant = ForeignKey(references=Variant, index=True)
    on_hand_delta = BigInt(default=0)
    reserved_delta = BigInt(default=0)
    #: receive | reserve | release | sale | adjust | transfer | return
    reason = Varchar(length=16)
    #: What caused it: an order number, a transfer id, a free-text note.
    reference = Varchar(length=100, default="")
    #: server.User id of who did it; null for the system.
    actor_id = BigInt(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Transfer(Table):
    """Units of one variant moving between two locations: out of the source, then received."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    source = ForeignKey(references=Location, index=True)
    destination = ForeignKey(references=Location, index=True)
    variant = ForeignKey(references=Variant, index=True)
    quantity = BigInt()
    #: The supplier owning the variant (catalog.Supplier id): who may see the transfer.
    supplier_id = BigInt(null=True, default=None, index=True)
    #: in_transit | received | cancelled
    status = Varchar(length=16, default="in_transit", index=True)
    note = Varchar(length=255, default="")
    #: server.User id of who sent it.
    created_by = BigInt(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    #: server.User id of who received (or cancelled) it.
    closed_by = BigInt(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
