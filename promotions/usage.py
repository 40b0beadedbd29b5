"""Counting promotions used by an order, atomically, and giving them back.

`count_uses` runs inside the order's write transaction: each count is one conditional
UPDATE (`… WHERE used < total RETURNING`), so a coupon with 10 units is never used 11 times
and a flash price capped at 5 never sells a 6th unit at that price, on SQLite and
PostgreSQL alike. A count that fails raises `PromotionUsedUp` (409) and the whole order
rolls back. `release_uses` gives everything back when an unpaid order is cancelled or
expires.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from core.row_insert import insert_rows
from promotions.errors import PromotionUsedUp
from promotions.kinds import CouponStatus, Kind, Status, UseStatus
from promotions.pricing import Pricing, split
from promotions.tables import Coupon, LineDiscount, Promotion, PromotionBuyer, PromotionUse


async def _count_promotion(promotion_id: int, units: int, amount: int, *, capped: bool) -> bool:
    """Add units and money to a promotion still active and (when capped) under its total."""
    cap = " AND (total = 0 OR used + {} <= total)" if capped else ""
    args: list[int | str] = [units, amount, promotion_id, Status.ACTIVE.value]
    if capped:
        args.append(units)
    done = await Promotion.raw(
        "UPDATE promotion SET used = used + {}, given = given + {} "
        "WHERE id = {} AND status = {}" + cap + " RETURNING id",
        *args,
    )
    return bool(done)


async def _count_buyer(promotion_id: int, consumer_id: int, units: int, limit: int) -> bool:
    """Add units to what one consumer has had of a promotion, within its limit (0: none)."""
    await PromotionBuyer.raw(
        "INSERT INTO promotion_buyer (promotion, consumer_id, claimed, used) "
        "VALUES ({}, {}, 0, 0) ON CONFLICT (promotion, consumer_id) DO NOTHING",
        promotion_id,
        consumer_id,
    )
    done = await PromotionBuyer.raw(
        "UPDATE promotion_buyer SET used = used + {} WHERE promotion = {} AND consumer_id = {} "
        "AND ({} = 0 OR used + {} <= {}) RETURNING id",
        units,
        promotion_id,
        consumer_id,
        limit,
        units,
        limit,
    )
    return bool(done)


async def count_uses(
    order_id: int,
    customer_id: int | None,
    pricing: Pricing,
    order_lines: Mapping[int, Sequence[tuple[int, int]]],
) -> None:
    """Count the promotions an order uses and store each order line's discounts.

    `order_lines`: pricing line key (variant id) → the order lines written for it, as
    (order line id, quantity); a variant split over two fulfilments shares its discounts
    between them by quantity, to the fen. Call inside the order's write transaction.

    Raises:
        PromotionUsedUp: a coupon was used meanwhile, or a promotion ran out or ended.
    """
    if not pricing.applied:
        return
    now = datetime.now(UTC)
    limits = {
        p["id"]: p
        for p in await Promotion.select(Promotion.id, Promotion.per_consumer, Promotion.name).where(
            Promotion.id.is_in(sorted({a.promotion_id for a in pricing.applied}))
        )
    }
    uses: list[dict[str, object]] = []
    for applied in pricing.applied:
        name = applied.name
        per_consumer = limits[applied.promotion_id]["per_consumer"]
        if applied.kind == Kind.FLASH_PRICE:
            units = applied.units
            if not await _count_promotion(
                applied.promotion_id, units, applied.amount, capped=True
            ) or (
                customer_id is not None
                and not await _count_buyer(applied.promotion_id, customer_id, units, per_consumer)
            ):
                raise PromotionUsedUp(
                    "The limited-time price of {name} has sold out or reached your limit",
                    name=name,
                )
        elif applied.kind == Kind.FULL_REDUCTION:
            units = 1
            if not await _count_promotion(applied.promotion_id, 1, applied.amount, capped=False):
                raise PromotionUsedUp("The promotion {name} has ended", name=name)
        else:
            units = 1
            await _use_coupon(order_id, customer_id, applied.coupon_id, applied.code, now)
            if not await _count_promotion(applied.promotion_id, 1, applied.amount, capped=True) or (
                applied.coupon_id is None
                and customer_id is not None
                and not await _count_buyer(applied.promotion_id, customer_id, 1, per_consumer)
            ):
                raise PromotionUsedUp("Coupon {code} has run out", code=applied.code or name)
        uses.append(
            {
                "promotion": applied.promotion_id,
                "order_id": order_id,
                "customer_id": customer_id,
                "coupon_id": applied.coupon_id,
                "units": units,
                "amount": applied.amount,
                "status": UseStatus.COUNTED,
                "created_at": now,
            }
        )
    await insert_rows(PromotionUse, uses, ids_only=True)
    await insert_rows(LineDiscount, _line_discounts(order_id, pricing, order_lines), ids_only=True)


async def _use_coupon(
    order_id: int, customer_id: int | None, coupon_id: int | None, code: str, now: datetime
) -> None:
    if coupon_id is None:
        return
    done = await Coupon.raw(
        "UPDATE coupon SET status = {}, order_id = {} WHERE id = {} AND status = {} RETURNING id",
        CouponStatus.USED.value,
        order_id,
        coupon_id,
        CouponStatus.UNUSED.value,
    )
    if not done:
        raise PromotionUsedUp("Coupon {code} can no longer be used", code=code)
    await Coupon.update({Coupon.used_at: now}).where(Coupon.id == coupon_id)


def _line_discounts(
    order_id: int, pricing: Pricing, order_lines: Mapping[int, Sequence[tuple[int, int]]]
) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for line in pricing.lines:
        written = order_lines.get(line.key, ())
        weights = {line_id: quantity for line_id, quantity in written}
        for discount in line.discounts:
            for line_id, share in split(discount.amount, weights).items():
                if share:
                    rows.append(
                        {
                            "order_line_id": line_id,
                            "order_id": order_id,
                            "promotion": discount.promotion_id,
                            "kind": discount.kind.value,
                            "name": discount.name[:100],
                            "amount": share,
                        }
                    )
    return rows


def line_totals(
    pricing: Pricing, order_lines: Mapping[int, Sequence[tuple[int, int]]]
) -> dict[int, int]:
    """Order line id → its discount in fen: the member price and the promotions' shares.

    The promotions' shares are those `count_uses` stores line by line.
    """
    totals: dict[int, int] = {}
    for line in pricing.lines:
        weights = {line_id: quantity for line_id, quantity in order_lines.get(line.key, ())}
        for line_id, share in split(line.member_discount, weights).items():
            totals[line_id] = totals.get(line_id, 0) + share
        for discount in line.discounts:
            for line_id, share in split(discount.amount, weights).items():
                totals[line_id] = totals.get(line_id, 0) + share
    return totals


async def release_uses(order_id: int) -> int:
    """Give back what an unpaid order used (it was cancelled or expired); returns how many.

    Coupons go back to their owner's wallet unused; counts and money come off the
    promotions and the consumer's tally. Idempotent: a use is released once.
    """
    uses = await PromotionUse.select().where(
        (PromotionUse.order_id == order_id) & (PromotionUse.status == UseStatus.COUNTED)
    )
    released = 0
    for use in uses:
        done = await PromotionUse.raw(
            "UPDATE promotion_use SET status = {} WHERE id = {} AND status = {} RETURNING id",
            UseStatus.RELEASED.value,
            use["id"],
            UseStatus.COUNTED.value,
        )
        if not done:
            continue
        released += 1
        await Promotion.raw(
            "UPDATE promotion SET used = used - {}, given = given - {} WHERE id = {}",
            use["units"],
            use["amount"],
            use["promotion"],
        )
        if use["coupon_id"] is not None:
            await Coupon.update(
                {Coupon.status: CouponStatus.UNUSED, Coupon.order_id: None, Coupon.used_at: None}
            ).where((Coupon.id == use["coupon_id"]) & (Coupon.order_id == order_id))
        elif use["customer_id"] is not None:
            await PromotionBuyer.raw(
                "UPDATE promotion_buyer SET used = used - {} "
                "WHERE promotion = {} AND consumer_id = {} AND used >= {}",
                use["units"],
                use["promotion"],
                use["customer_id"],
                use["units"],
            )
    return released
