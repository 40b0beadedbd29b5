"""The promotions and the wallet read in one statement are the two reads' answers."""

from __future__ import annotations

from datetime import UTC, datetime

from piccolo.engine.base import Engine

from promotions.claims import claim_coupon
from promotions.offers import active_rules, rules_and_wallet, wallet_choices
from promotions.pricing import PriceLine
from tests.support.factories import make_product, make_supplier, make_user
from tests.support.promotions import make_promotion


async def test_one_statement_gives_the_rules_and_the_wallet_of_two_reads(db: Engine) -> None:
    shop, other_shop = await make_supplier(), await make_supplier()
    tea, green = (await make_product(supplier_id=shop, prices=(12_800, 3_300)))["variant_ids"]
    far = (await make_product(supplier_id=other_shop, prices=(900,)))["variant_ids"][0]
    await make_promotion(
        "flash_price", supplier_id=shop, variant_id=green, flash_price=2_900, total=5
    )
    await make_promotion("flash_price", supplier_id=other_shop, variant_id=far, flash_price=1)
    await make_promotion("full_reduction", supplier_id=shop, tiers=[(20_000, 2_000)])
    await make_promotion("full_reduction", tiers=[(30_000, 3_000)])
    await make_promotion("full_reduction", supplier_id=other_shop, tiers=[(1_000, 100)])
    coupons = [
        await make_promotion("coupon", amount=500 + n, total=0, per_consumer=2) for n in range(2)
    ]
    consumer, stranger = await make_user(), await make_user()
    for promotion in (coupons[1], coupons[0], coupons[1]):
        await claim_coupon(promotion.id, consumer.id)
    await claim_coupon(coupons[0].id, stranger.id)
    lines = [
        PriceLine(key=v, supplier_id=shop, product_id=0, category_id=0, unit_price=p, quantity=2)
        for v, p in ((tea, 12_800), (green, 3_300))
    ]
    now = datetime.now(UTC)

    rules, wallet = await rules_and_wallet(lines, customer_id=consumer.id, now=now)

    assert rules == await active_rules(lines, customer_id=consumer.id, now=now)
    assert wallet == await wallet_choices(consumer.id, now)
    assert [r.promotion_id for r in rules] == sorted(r.promotion_id for r in rules)
    assert len(rules) == 3  # the flash price of green, the shop's and the platform's 满减
    assert [c.rule.promotion_id for c in wallet] == [coupons[1].id, coupons[0].id, coupons[1].id]
    assert await rules_and_wallet(lines, customer_id=None, now=now) == (
        await active_rules(lines, customer_id=None, now=now),
        [],
    )
