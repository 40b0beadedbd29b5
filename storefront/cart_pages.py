"""Cart pages: `/cart`, and the add-to-cart / buy-now form of the product page."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote as urlquote
from urllib.parse import urlparse

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from accounts.access import ANYONE, Viewer
from analytics.recommend import record_cart_add
from core.errors import DomainError
from core.i18n import gettext
from core.types import MAX_INT64, parse_whole
from fulfilment.cart import (
    add_to_cart,
    cart_of,
    check_can_have,
    remove_from_cart,
    select_items,
    set_quantity,
)
from members.member_prices import member_prices_of, prices_for
from storefront.cart_session import cart_owner
from storefront.inbox_pages import BADGE
from storefront.shopper import shopper_of


class AddForm(msgspec.Struct):
    """The product page's form: a variant, how many, and whether to buy it now."""

    variant_id: int
    quantity: int = 1
    buy_now: str = ""


class QuantityForm(msgspec.Struct):
    """A cart line's new quantity (0 removes it); a stepper button sends `step` -1 or +1."""

    variant_id: int
    quantity: int = 0
    step: str = ""


class SelectForm(msgspec.Struct):
    """Tick or untick a line for checkout (no `variant_id`: every line)."""

    variant_id: str = ""
    selected: str = ""


def _back(request: Request[Any, Any, Any]) -> str:
    """The local page the form was posted from, else the cart."""
    referer = urlparse(request.headers.get("referer", ""))
    if referer.path.startswith("/") and not referer.path.startswith("//"):
        return referer.path + (f"?{referer.query}" if referer.query else "")
    return "/cart"


class CartPages(Controller):
    """HTML cart."""

    include_in_schema = False

    @get("/cart", opt=ANYONE)
    async def cart_page(self, viewer: Viewer, request: Request[Any, Any, Any]) -> Template:
        """The cart grouped by supplier, with totals and a checkout button.

        A line with a member price (会员价) shows it: as the price for a member whose level
        reaches it, as a hint to everyone else.
        """
        cart = await cart_of(cart_owner(request))
        groups: dict[str, list[Any]] = {}
        for line in cart.lines:
            groups.setdefault(line.supplier_name, []).append(line)
        variants = [line.variant_id for line in cart.lines]
        return Template(
            "storefront/cart.html",
            context={
                "cart": cart,
                "groups": groups,
                "member_prices": await member_prices_of(variants),
                "my_member_prices": await prices_for(viewer.id if viewer else None, variants),
            },
        )

    @get("/cart/badge", opt=ANYONE)
    async def badge(self, request: Request[Any, Any, Any]) -> Template:
        """How many items are in the cart, for the header's cart link (empty when none)."""
        cart = await cart_of(cart_owner(request))
        return Template(template_str=BADGE, context={"n": sum(ln.quantity for ln in cart.lines)})

    @post("/cart/items", opt=ANYONE)
    async def add(
        self,
        viewer: Viewer,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[AddForm],
    ) -> Redirect:
        """Add to the cart and go back with a message, or go straight to checkout (buy now)."""
        try:
            if data.buy_now:
                await check_can_have(data.variant_id, data.quantity)
            else:
                await add_to_cart(cart_owner(request, create=True), data.variant_id, data.quantity)
        except DomainError as error:
            flash(request, error.localized(), "error")
            return Redirect(_back(request))
        if data.buy_now:
            target = f"/checkout?buy_now={data.variant_id}:{data.quantity}"
            if viewer is None:
                return Redirect(f"/login?next={urlquote(target, safe='')}")
            return Redirect(target)
        record_cart_add(None, shopper_of(viewer, request))
        flash(request, gettext("Added to your cart"), "success")
        return Redirect(_back(request))

    @post("/cart/items/update", opt=ANYONE)
    async def update(
        self, request: Request[Any, Any, Any], data: URLEncodedBody[QuantityForm]
    ) -> Redirect:
        """Change a line's quantity (0 removes it)."""
        if data.step in ("-1", "+1", "1"):
            data = msgspec.structs.replace(data, quantity=data.quantity + int(data.step))
        try:
            if data.quantity <= 0:
                await remove_from_cart(cart_owner(request), data.variant_id)
            else:
                await set_quantity(cart_owner(request), data.variant_id, data.quantity)
        except DomainError as error:
            flash(request, error.localized(), "error")
        return Redirect("/cart")

    @post("/cart/items/select", opt=ANYONE)
    async def select(
        self, request: Request[Any, Any, Any], data: URLEncodedBody[SelectForm]
    ) -> Redirect:
        """Tick or untick a line (or all lines) for checkout."""
        ids = (
            [parse_whole(data.variant_id, "variant_id", low=1, high=MAX_INT64)]
            if data.variant_id.strip()
            else None
        )
        await select_items(cart_owner(request), ids, bool(data.selected))
        return Redirect("/cart")
