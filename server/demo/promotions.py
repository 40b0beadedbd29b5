"""Demo promotions: platform 满减 and coupons, two shops' coupons, one limited-time price."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from accounts.roles import CurrentUser, Role
from promotions.manage import PromotionSpec, create_promotion

#: Supplier keys of the demo content that run their own coupon.
SHOP_COUPONS = ("xinglian", "xianxiang")
#: The variant sold at a limited-time price (its list price stays on the product).
FLASH_SKU = "HW-M60P-BLK-256"


async def load_demo_promotions(supplier_ids: dict[str, int], variant_ids: dict[str, int]) -> int:
    """Create the demo promotions; returns how many."""
    now = datetime.now(UTC)
    start, end = now - timedelta(hours=1), now + timedelta(days=30)
    operator = CurrentUser(id=0, email="demo@kuaiqu.cn", name="demo", role=Role.OPERATOR)
    specs: list[tuple[CurrentUser, PromotionSpec]] = [
        (
            operator,
            PromotionSpec(
                kind="full_reduction",
                name="全场满199减20 · 满399减50",
                tiers=[(19_900, 2_000), (39_900, 5_000)],
                starts_at=start,
                ends_at=end,
            ),
        ),
        (
            operator,
            PromotionSpec(
                kind="coupon",
                name="新人券 满99减10",
                amount=1_000,
                threshold=9_900,
                total=10_000,
                per_consumer=1,
                starts_at=start,
                ends_at=end,
            ),
        ),
        (
            operator,
            PromotionSpec(
                kind="coupon",
                name="快取会员 9 折（最高减 30）",
                percent_bp=1_000,
                cap=3_000,
                code="KUAIQU10",
                total=0,
                per_consumer=3,
                starts_at=start,
                ends_at=end,
            ),
        ),
    ]
    for key in SHOP_COUPONS:
        if key in supplier_ids:
            shop = CurrentUser(
                id=0, email="", name=key, role=Role.SUPPLIER, supplier_id=supplier_ids[key]
            )
            specs.append(
                (
                    shop,
                    PromotionSpec(
                        kind="coupon",
                        name="店铺券 满300减30",
                        amount=3_000,
                        threshold=30_000,
                        total=500,
                        per_consumer=1,
                        starts_at=start,
                        ends_at=end,
                    ),
                )
            )
    if FLASH_SKU in variant_ids:
        specs.append(
            (
                operator,
                PromotionSpec(
                    kind="flash_price",
                    name="限时秒杀",
                    variant_id=variant_ids[FLASH_SKU],
                    flash_price=499_900,
                    total=100,
                    per_consumer=2,
                    starts_at=now - timedelta(hours=1),
                    ends_at=now + timedelta(days=3),
                ),
            )
        )
    for owner, spec in specs:
        await create_promotion(owner, spec)
    return len(specs)
