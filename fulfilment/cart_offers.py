"""The cart under today's promotions: what applies, what is close, the best coupons."""

from __future__ import annotations

from collections.abc import Sequence

from fulfilment.cart import Cart
from fulfilment.checkout import price_lines_of
from fulfilment.goods import goods_by_id
from promotions.offers import price_for
from promotions.pricing import PriceLine, Pricing


async def price_cart(
    cart: Cart, customer_id: int | None, codes: Sequence[str] | None = None
) -> Pricing:
    """Price the cart's selected lines as checkout would (before choosing a store).

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
        if line.on_sale and line.selected
    ]
    return await price_for(lines, customer_id=customer_id, codes=codes)


async def price_goods(
    wanted: dict[int, int],
    *,
    customer_id: int | None,
    codes: Sequence[str] | None,
    location_id: int | None = None,
    at_counter: bool = False,
    member_id: int | None = None,
) -> Pricing:
    """Price variants and quantities as an order would (e.g. a walk-in cart at the POS).

    `member_id`: the member found at the counter, whose member prices apply.
    """
    goods = await goods_by_id(wanted)
    on_sale = {v: q for v, q in wanted.items() if v in goods and goods[v].on_sale}
    return await price_for(
        price_lines_of(on_sale, goods),
        customer_id=customer_id,
        codes=codes,
        location_id=location_id,
        at_counter=at_counter,
        member_id=member_id,
    )
