"""The cart under today's promotions: what applies, what is close, the best coupons."""

from __future__ import annotations

from collections.abc import Sequence

from fulfilment.cart import Cart
from promotions.offers import price_for
from promotions.pricing import PriceLine, Pricing


async def price_cart(
    cart: Cart, customer_id: int | None, codes: Sequence[str] | None = None
) -> Pricing:
    """Price the cart's lines for sale as checkout would (before choosing a store).

    `codes` None: the best combination of the consumer's wallet coupons.
    """
    lines = [
        PriceLine(
            key=line.variant_id,
            supplier_id=line.supplier_id,
            product_id=line.product_id,
            category_id=line.category_id,
            unit_price=line.unit_price,
            quantity=line.quantity,
        )
        for line in cart.lines
        if line.on_sale
    ]
    return await price_for(lines, customer_id=customer_id, codes=codes)
