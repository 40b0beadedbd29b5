"""Claiming coupons into a consumer's wallet, and the wallet itself.

A claim is two conditional UPDATEs in one transaction: the promotion's `claimed < total`
and the consumer's own `claimed < per_consumer`. Racing claims past either limit get a
409, never a 500 and never one coupon too many.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from core.database import write_transaction
from core.row_insert import insert_rows
from promotions.errors import PromotionNotFound, PromotionUsedUp
from promotions.kinds import CouponStatus, Kind, Scope, Status
from promotions.manage import PromotionView, view_of
from promotions.offers import running
from promotions.tables import Coupon, Promotion, PromotionBuyer

#: Letters of a coupon code (no 0/O, 1/I: read aloud and typed at the counter).
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_code() -> str:
    """A random coupon code, e.g. KQ7H3M9XQ2ZP."""
    return "KQ" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


async def claimable(
    *,
    supplier_id: int | None = None,
    product_id: int | None = None,
    now: datetime | None = None,
) -> list[PromotionView]:
    """Coupons running now that may be claimed (no public code), left to claim.

    `supplier_id`: that supplier's (a shop page); `product_id`: the platform's and those of
    the product's supplier that cover the product (a product page, with `supplier_id`).
    """
    now = now or datetime.now(UTC)
    where = (
        (Promotion.kind == Kind.COUPON)
        & (Promotion.status == Status.ACTIVE)
        & Promotion.code.is_null()
        & (Promotion.starts_at <= now)
        & (Promotion.ends_at > now)
    )
    if supplier_id is not None and product_id is None:
        where = where & (Promotion.supplier_id == supplier_id)
    elif supplier_id is not None:
        where = where & (
            (Promotion.scope == Scope.PLATFORM) | (Promotion.supplier_id == supplier_id)
        )
    rows = await Promotion.select().where(where).order_by(Promotion.id).limit(100)
    views = [view_of(r) for r in rows if not r["total"] or r["claimed"] < r["total"]]
    if product_id is not None:
        views = [
            v
            for v in views
            if not v.applies_to.get("product_ids") or product_id in v.applies_to["product_ids"]
        ]
    return views


async def claim_coupon(promotion_id: int, consumer_id: int) -> WalletCoupon:
    """Claim one coupon of a promotion into the consumer's wallet.

    Raises:
        PromotionNotFound: no such claimable coupon promotion running now (404).
        PromotionUsedUp: none left, or the consumer holds as many as allowed (409).
    """
    now = datetime.now(UTC)
    promo = await Promotion.select().where(Promotion.id == promotion_id).first()
    if promo is None or promo["kind"] != Kind.COUPON or promo["code"] is not None:
        raise PromotionNotFound("Promotion {id} was not found", id=promotion_id)
    if not running(promo, now):
        raise PromotionUsedUp("Coupon {name} can no longer be claimed", name=promo["name"])
    async with write_transaction():
        taken = await Promotion.raw(
            "UPDATE promotion SET claimed = claimed + 1 WHERE id = {} AND status = {} "
            "AND (total = 0 OR claimed < total) RETURNING id",
            promotion_id,
            Status.ACTIVE.value,
        )
        if not taken:
            raise PromotionUsedUp("Coupon {name} has all been claimed", name=promo["name"])
        await PromotionBuyer.raw(
            "INSERT INTO promotion_buyer (promotion, consumer_id, claimed, used) "
            "VALUES ({}, {}, 0, 0) ON CONFLICT (promotion, consumer_id) DO NOTHING",
            promotion_id,
            consumer_id,
        )
        mine = await PromotionBuyer.raw(
            "UPDATE promotion_buyer SET claimed = claimed + 1 "
            "WHERE promotion = {} AND consumer_id = {} AND ({} = 0 OR claimed < {}) RETURNING id",
            promotion_id,
            consumer_id,
            promo["per_consumer"],
            promo["per_consumer"],
        )
        if not mine:
            raise PromotionUsedUp(
                "You already hold as many of coupon {name} as allowed", name=promo["name"]
            )
        row = (
            await insert_rows(
                Coupon,
                [
                    {
                        "promotion": promotion_id,
                        "owner_id": consumer_id,
                        "code": new_code(),
                        "status": CouponStatus.UNUSED,
                        "claimed_at": now,
                    }
                ],
            )
        )[0]
    return _wallet_coupon(row, view_of(promo), now)


@dataclass(frozen=True, slots=True)
class WalletCoupon:
    """A coupon in a consumer's wallet: unused, used or expired."""

    id: int
    code: str
    #: unused | used | expired
    state: str
    promotion: PromotionView
    claimed_at: datetime
    used_at: datetime | None
    order_id: int | None


def _wallet_coupon(row: dict[str, object], promo: PromotionView, now: datetime) -> WalletCoupon:
    state = str(row["status"])
    if state == CouponStatus.UNUSED and (promo.status == Status.ENDED or promo.ends_at <= now):
        state = "expired"
    return WalletCoupon(
        id=int(row["id"]),  # type: ignore[call-overload]
        code=str(row["code"]),
        state=state,
        promotion=promo,
        claimed_at=row["claimed_at"],  # type: ignore[arg-type]
        used_at=row.get("used_at"),  # type: ignore[arg-type]
        order_id=row.get("order_id"),  # type: ignore[arg-type]
    )


async def wallet(consumer_id: int, state: str | None = None) -> list[WalletCoupon]:
    """The consumer's coupons, newest first; `state` keeps unused, used or expired ones."""
    now = datetime.now(UTC)
    rows = (
        await Coupon.select()
        .where(Coupon.owner_id == consumer_id)
        .order_by(Coupon.id, ascending=False)
    )
    if not rows:
        return []
    promos = {
        p["id"]: view_of(p)
        for p in await Promotion.select().where(
            Promotion.id.is_in(sorted({r["promotion"] for r in rows}))
        )
    }
    coupons = [_wallet_coupon(r, promos[r["promotion"]], now) for r in rows]
    return [c for c in coupons if state is None or c.state == state]


async def held_promotions(consumer_id: int) -> set[int]:
    """Promotions the consumer holds at least one coupon of."""
    rows = await Coupon.select(Coupon.promotion).where(Coupon.owner_id == consumer_id)
    return {r["promotion"] for r in rows}
