"""Promotion pages: coupon centre, claiming, the wallet, and the offer fragments.

The product, shop and cart pages load their offers as fragments: the flash price with its
countdown, coupons to claim, 满减 hints.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from accounts.access import ANYONE, CONSUMERS, Me, Viewer
from core.errors import DomainError
from core.i18n import gettext
from fulfilment.cart import cart_of
from fulfilment.cart_offers import price_cart
from promotions.claims import claim_coupon, claimable, held_promotions, wallet
from promotions.reads import flash_prices
from storefront.cart_session import cart_owner

WALLET_TABS = ("unused", "used", "expired")


def _back(request: Request[Any, Any, Any], fallback: str) -> str:
    """The local page a form was posted from, else `fallback`."""
    referer = urlparse(request.headers.get("referer", ""))
    if referer.path.startswith("/") and not referer.path.startswith("//"):
        return referer.path + (f"?{referer.query}" if referer.query else "")
    return fallback


async def _held(viewer: Any) -> set[int]:
    return await held_promotions(viewer.id) if viewer is not None else set()


class PromotionPages(Controller):
    """HTML pages and fragments of promotions."""

    include_in_schema = False

    @get("/coupons", opt=ANYONE)
    async def centre(self, viewer: Viewer) -> Template:
        """The coupon centre (领券中心): every coupon that may be claimed now."""
        return Template(
            "storefront/coupons.html",
            context={"offers": await claimable(), "held": await _held(viewer)},
        )

    @post("/coupons/{promotion_id:int}/claim", opt=CONSUMERS)
    async def claim(
        self, me: Me, request: Request[Any, Any, Any], promotion_id: FromPath[int]
    ) -> Redirect:
        """Claim a coupon and go back to the page it was claimed from."""
        try:
            coupon = await claim_coupon(promotion_id, me.id)
            flash(
                request,
                gettext("Coupon claimed: {name}").format(name=coupon.promotion.name),
                "success",
            )
        except DomainError as error:
            flash(request, error.localized(), "error")
        return Redirect(_back(request, "/coupons"))

    @get("/me/coupons", opt=CONSUMERS)
    async def wallet_page(self, me: Me, tab: FromQuery[str] = "unused") -> Template:
        """My coupons: unused (with the code to show at a store), used, expired."""
        tab = tab if tab in WALLET_TABS else "unused"
        return Template(
            "storefront/wallet.html",
            context={"coupons": await wallet(me.id, tab), "tab": tab, "tabs": WALLET_TABS},
        )

    @get("/fragments/products/{product_id:int}/offers", opt=ANYONE)
    async def product_offers(
        self,
        viewer: Viewer,
        product_id: FromPath[int],
        variant: FromQuery[int] = 0,
        supplier: FromQuery[int] = 0,
    ) -> Template:
        """A product page's offers: the variant's flash price (countdown) and coupons."""
        now = datetime.now(UTC)
        flash_price = (await flash_prices([variant], now)).get(variant) if variant > 0 else None
        offers = (
            await claimable(supplier_id=supplier, product_id=product_id) if supplier > 0 else []
        )
        return Template(
            "storefront/product_offers.html",
            context={
                "flash": flash_price,
                "running": flash_price is not None and flash_price.running(now),
                "offers": offers,
                "held": await _held(viewer),
            },
        )

    @get("/fragments/shops/{supplier_id:int}/coupons", opt=ANYONE)
    async def shop_coupons(self, viewer: Viewer, supplier_id: FromPath[int]) -> Template:
        """A shop page's coupons to claim."""
        return Template(
            "storefront/shop_coupons.html",
            context={
                "offers": await claimable(supplier_id=supplier_id),
                "held": await _held(viewer),
            },
        )

    @get("/fragments/cart/offers", opt=ANYONE)
    async def cart_offers(self, viewer: Viewer, request: Request[Any, Any, Any]) -> Template:
        """The cart's discounts, the best coupons and what is close (再买 ¥25 减 30)."""
        cart = await cart_of(cart_owner(request))
        pricing, error = None, None
        try:
            pricing = await price_cart(cart, viewer.id if viewer is not None else None)
        except DomainError as problem:
            error = problem.localized()
        return Template(
            "storefront/cart_offers.html",
            context={"pricing": pricing, "error": error, "cart": cart},
        )
