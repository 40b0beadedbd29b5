"""Recommendation lists as an HTML fragment (loaded after the page) and the click redirect."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from accounts.access import ANYONE, Viewer
from analytics.recommend import ListKind, Slot, for_page, record_click
from fulfilment.cart import cart_of
from storefront.cart_session import cart_owner
from storefront.shopper import shopper_of


async def page_products(
    slot: Slot, product_id: int | None, request: Request[Any, Any, Any]
) -> tuple[int, ...]:
    """The products a page is about: the product shown, or what is in the cart."""
    if slot is Slot.PRODUCT and product_id is not None:
        return (product_id,)
    if slot is Slot.CART:
        cart = await cart_of(cart_owner(request))
        return tuple(dict.fromkeys(line.product_id for line in cart.lines))
    return ()


class RecommendationPages(Controller):
    """`/fragments/recommendations` and `/rec/...` (counts a click, then shows the product)."""

    include_in_schema = False

    @get("/fragments/recommendations", opt=ANYONE)
    async def fragment(
        self,
        viewer: Viewer,
        request: Request[Any, Any, Any],
        page: FromQuery[Slot] = Slot.HOME,
        product_id: FromQuery[int | None] = None,
    ) -> Template:
        """The page's recommendation lists (empty when there is nothing to suggest)."""
        products = await page_products(page, product_id, request)
        lists = await for_page(page, shopper_of(viewer, request), product_ids=products)
        return Template(
            "storefront/recommendations.html", context={"lists": lists, "slot": page.value}
        )

    @get("/rec/{slot:str}/{kind:str}/{product_id:int}", opt=ANYONE)
    async def click(
        self,
        viewer: Viewer,
        request: Request[Any, Any, Any],
        slot: FromPath[Slot],
        kind: FromPath[ListKind],
        product_id: FromPath[int],
    ) -> Redirect:
        """Count the click on a recommended product and open its page."""
        record_click(slot, kind, product_id, shopper_of(viewer, request))
        return Redirect(f"/products/{product_id}")
