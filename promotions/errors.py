"""Errors of the promotions domain: unknown or spent coupons, promotions run out."""

from core.errors import Conflict, InvalidInput, NotFound


class PromotionNotFound(NotFound):
    """No such promotion, or not one this person manages."""

    code = "promotion_not_found"


class InvalidPromotion(InvalidInput):
    """A promotion being created breaks a rule (window, amounts, tiers…)."""

    code = "invalid_promotion"


class UnknownCoupon(InvalidInput):
    """A coupon code that names no coupon this person may use."""

    code = "unknown_coupon"


class PromotionUsedUp(Conflict):
    """A coupon, its units or a limited-time price ran out (or the per-person limit was hit)."""

    code = "promotion_used_up"


class PromotionStateConflict(Conflict):
    """A promotion cannot make this move from where it stands (e.g. resume an ended one)."""

    code = "promotion_state"
