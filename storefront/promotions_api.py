"""Promotions JSON API for consumers: coupon centre, claims, wallet, cart offers, flash prices."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from accounts.access import ANYONE, CONSUMERS, Me, Viewer
from core.errors import InvalidInput
from core.types import Id
from fulfilment.cart import cart_of
from fulfilment.cart_offers import price_cart
from promotions.claims import WalletCoupon, claim_coupon, claimable, wallet
from promotions.manage import PromotionView
from promotions.reads import flash_prices
from storefront.cart_session import cart_owner
from storefront.promotion_structs import AppliedOut, HintOut, PricedLineOut, pricing_fields

WALLET_STATES = ("unused", "used", "expired")


class CouponOfferOut(msgspec.Struct):
    """A coupon that may be claimed (or a promotion a wallet coupon belongs to)."""

    id: int
    kind: str
    scope: str
    name: str
    summary: str
    supplier_id: int | None
    starts_at: datetime
    ends_at: datetime
    amount: int
    percent_bp: int
    cap: int
    threshold: int
    #: Coupons left to claim (None: no limit).
    left: int | None


def offer_out(view: PromotionView) -> CouponOfferOut:
    """A promotion as a coupon offer."""
    rules = view.rules
    return CouponOfferOut(
        id=view.id,
        kind=view.kind,
        scope=view.scope,
        name=view.name,
        summary=view.summary,
        supplier_id=view.supplier_id,
        starts_at=view.starts_at,
        ends_at=view.ends_at,
        amount=int(rules.get("amount", 0)),
        percent_bp=int(rules.get("percent_bp", 0)),
        cap=int(rules.get("cap", 0)),
        threshold=int(rules.get("threshold", 0)),
        left=max(0, view.total - view.claimed) if view.total else None,
    )


class WalletCouponOut(msgspec.Struct):
    """A coupon in the wallet: its code (shown at the counter) and state."""

    id: int
    code: str
    #: unused | used | expired
    state: str
    promotion: CouponOfferOut
    claimed_at: datetime
    used_at: datetime | None
    order_id: int | None


def wallet_out(coupon: WalletCoupon) -> WalletCouponOut:
    """A wallet coupon as JSON."""
    return WalletCouponOut(
        id=coupon.id,
        code=coupon.code,
        state=coupon.state,
        promotion=offer_out(coupon.promotion),
        claimed_at=coupon.claimed_at,
        used_at=coupon.used_at,
        order_id=coupon.order_id,
    )


class CartOffersOut(msgspec.Struct):
    """The cart under today's promotions."""

    subtotal: int
    discount: int
    total: int
    lines: list[PricedLineOut]
    promotions: list[AppliedOut]
    hints: list[HintOut]
    coupons: list[str]


class FlashPriceOut(msgspec.Struct):
    """A variant's limited-time price, running now or coming soon."""

    promotion_id: int
    variant_id: int
    name: str
    price: int
    starts_at: datetime
    ends_at: datetime
    units_left: int | None
    per_consumer: int
    running: bool


def codes_of(text: str | None) -> list[str] | None:
    """Codes from a comma- or space-separated query value; None when absent."""
    if text is None:
        return None
    codes = [c for c in text.replace(",", " ").split() if c]
    if len(codes) > 10 or any(len(c) > 40 for c in codes):
        raise InvalidInput("coupons: at most 10 codes of up to 40 characters")
    return codes


class PromotionsApi(Controller):
    """Coupons and offers for shoppers."""

    path = "/api"
    tags = ["promotions"]

    @get("/coupons", opt=ANYONE)
    async def centre(
        self,
        supplier_id: FromQuery[Id | None] = None,
        product_id: FromQuery[Id | None] = None,
    ) -> list[CouponOfferOut]:
        """Coupons to claim now: all, a shop's (`supplier_id`) or a product's (both)."""
        views = await claimable(supplier_id=supplier_id, product_id=product_id)
        return [offer_out(v) for v in views]

    @post("/coupons/{promotion_id:int}/claim", status_code=HTTP_201_CREATED, opt=CONSUMERS)
    async def claim(self, me: Me, promotion_id: FromPath[int]) -> WalletCouponOut:
        """Claim one coupon into your wallet: 409 when none are left or you hold enough."""
        return wallet_out(await claim_coupon(promotion_id, me.id))

    @get("/me/coupons", opt=CONSUMERS)
    async def my_coupons(
        self, me: Me, wanted: Annotated[str | None, QueryParameter(name="state")] = None
    ) -> list[WalletCouponOut]:
        """Your coupons, newest first; `state`: unused, used or expired."""
        if wanted is not None and wanted not in WALLET_STATES:
            raise InvalidInput("state must be one of {states}", states=", ".join(WALLET_STATES))
        return [wallet_out(c) for c in await wallet(me.id, wanted)]

    @get("/cart/offers", opt=ANYONE)
    async def cart_offers(
        self,
        viewer: Viewer,
        request: Request[Any, Any, Any],
        coupons: FromQuery[str | None] = None,
    ) -> CartOffersOut:
        """The cart's discounts, what is close, and the best coupons (or those in `coupons`)."""
        cart = await cart_of(cart_owner(request))
        customer_id = viewer.id if viewer is not None else None
        pricing = await price_cart(cart, customer_id, codes_of(coupons))
        return CartOffersOut(
            subtotal=pricing.subtotal,
            discount=pricing.discount,
            total=pricing.subtotal - pricing.discount,
            **pricing_fields(pricing),
        )

    @get("/flash-prices", opt=ANYONE)
    async def flash(self, variant_id: FromQuery[list[Id]]) -> list[FlashPriceOut]:
        """Limited-time prices of the variants, running now or starting within two days."""
        if len(variant_id) > 50:
            raise InvalidInput("variant_id: at most {n} variants", n=50)
        now = datetime.now().astimezone()
        return [
            FlashPriceOut(
                promotion_id=f.promotion_id,
                variant_id=f.variant_id,
                name=f.name,
                price=f.price,
                starts_at=f.starts_at,
                ends_at=f.ends_at,
                units_left=f.units_left,
                per_consumer=f.per_consumer,
                running=f.running(now),
            )
            for f in (await flash_prices(variant_id)).values()
        ]
