"""What a promotion is (kind), whose it is (scope), where it stands (status)."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """Coupon, 满减 (full reduction) or limited-time (flash) price."""

    FLASH_PRICE = "flash_price"
    FULL_REDUCTION = "full_reduction"
    COUPON = "coupon"

    @property
    def order(self) -> int:
        """Its step in the stacking (flash price first, coupons last)."""
        return list(Kind).index(self)


class Scope(StrEnum):
    """Whose promotion: the whole platform, one supplier, or one store."""

    PLATFORM = "platform"
    SUPPLIER = "supplier"
    STORE = "store"


class Status(StrEnum):
    """Running, paused by its owner (may resume), or ended for good."""

    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


class CouponStatus(StrEnum):
    """A claimed coupon: unused, or used by an order (given back if it is cancelled unpaid)."""

    UNUSED = "unused"
    USED = "used"


class UseStatus(StrEnum):
    """A promotion's use by an order: counted, or given back (order cancelled unpaid)."""

    COUNTED = "counted"
    RELEASED = "released"
