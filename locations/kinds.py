"""The words of locations and stock: location kinds, movement reasons, transfer statuses.

StrEnums: a member compares equal to the string stored in the database and sent as JSON.
"""

from __future__ import annotations

from enum import StrEnum


class LocationKind(StrEnum):
    """What a location is: a store (may offer pickup) or a warehouse (ships only)."""

    STORE = "store"
    WAREHOUSE = "warehouse"


class MovementReason(StrEnum):
    """Why a stock level changed (the ledger's reason column)."""

    RESERVE = "reserve"
    RELEASE = "release"
    SALE = "sale"
    RECEIVE = "receive"
    COUNT = "count"
    DAMAGE = "damage"
    LOSS = "loss"
    FOUND = "found"
    RETURN = "return"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    TRANSFER_BACK = "transfer_back"


class TransferStatus(StrEnum):
    """Where a transfer is."""

    IN_TRANSIT = "in_transit"
    RECEIVED = "received"
    CANCELLED = "cancelled"


#: Why on_hand changes outside orders: ledger reasons a person may choose.
ADJUST_REASONS = (
    MovementReason.COUNT,
    MovementReason.DAMAGE,
    MovementReason.LOSS,
    MovementReason.FOUND,
    MovementReason.RETURN,
    MovementReason.RECEIVE,
)
