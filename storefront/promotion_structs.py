"""JSON shapes of promotion pricing, shared by the quote, the cart and the POS APIs."""

from __future__ import annotations

from typing import Any

import msgspec

from promotions.pricing import Pricing


class DiscountOut(msgspec.Struct):
    """Money one promotion took off one line."""

    promotion_id: int
    kind: str
    name: str
    amount: int
    coupon_id: int | None = None


class PricedLineOut(msgspec.Struct):
    """A line (variant) before and after its discounts."""

    variant_id: int
    quantity: int
    unit_price: int
    base: int
    discount: int
    total: int
    discounts: list[DiscountOut]
    #: Fen the member price (会员价) took off the line, part of `discount`.
    member_discount: int = 0


class AppliedOut(msgspec.Struct):
    """A promotion that applied, with its whole discount."""

    promotion_id: int
    kind: str
    name: str
    amount: int
    coupon_id: int | None = None
    code: str = ""
    units: int = 0


class HintOut(msgspec.Struct):
    """What is close: spend `missing` more on the promotion's goods to save `save`."""

    promotion_id: int
    name: str
    missing: int
    save: int


def pricing_fields(pricing: Pricing) -> dict[str, Any]:
    """The pricing's lines, promotions, hints and coupon codes as JSON fields."""
    return {
        "lines": [
            PricedLineOut(
                variant_id=line.key,
                quantity=line.quantity,
                unit_price=line.unit_price,
                base=line.base,
                discount=line.discount,
                total=line.total,
                discounts=msgspec.convert(line.discounts, list[DiscountOut], from_attributes=True),
                member_discount=line.member_discount,
            )
            for line in pricing.lines
        ],
        "promotions": msgspec.convert(pricing.applied, list[AppliedOut], from_attributes=True),
        "hints": msgspec.convert(pricing.hints, list[HintOut], from_attributes=True),
        "coupons": [c.code for c in pricing.coupons],
    }
