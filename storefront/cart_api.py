"""Cart JSON API: `GET|POST|PATCH|DELETE /api/cart/items` and `PUT /api/cart/items/selection`."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, delete, get, patch, post, put
from litestar.params import FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from accounts.access import ANYONE, Viewer
from analytics.recommend import record_cart_add
from core.types import Id, Quantity
from fulfilment.cart import (
    Cart,
    add_to_cart,
    cart_of,
    remove_from_cart,
    select_items,
    set_quantity,
)
from storefront.cart_session import cart_owner
from storefront.shopper import shopper_of


class CartItemIn(msgspec.Struct):
    """A variant and how many to add (POST) or to hold (PATCH; 0 removes it)."""

    variant_id: Id
    quantity: Quantity = 1


class CartLineOut(msgspec.Struct):
    """A line of the cart."""

    variant_id: int
    product_id: int
    product_name: str
    sku: str
    options: dict[str, str]
    supplier_id: int
    supplier_name: str
    unit_price: int
    quantity: int
    line_total: int
    currency: str
    available: int
    on_sale: bool
    #: Ticked for checkout.
    selected: bool = True


class SelectionIn(msgspec.Struct):
    """Which lines to tick or untick for checkout: the variants given, or all when absent."""

    selected: bool
    variant_ids: Annotated[list[Id], msgspec.Meta(max_length=200)] | None = None


class CartOut(msgspec.Struct):
    """The cart."""

    items: list[CartLineOut]
    subtotal: int
    currency: str
    #: Units in the cart (the badge).
    count: int
    #: Units in the selected lines; `subtotal` is theirs.
    selected_count: int = 0


def cart_out(cart: Cart) -> CartOut:
    """A cart as JSON: its lines field for field (`lines` is `items` in the API)."""
    return CartOut(
        items=msgspec.convert(cart.lines, list[CartLineOut], from_attributes=True),
        subtotal=cart.subtotal,
        currency=cart.currency,
        count=cart.count,
        selected_count=cart.selected_count,
    )


class CartApi(Controller):
    """The cart of the logged-in consumer, or of the guest's session (merged at login)."""

    path = "/api/cart/items"
    tags = ["cart"]

    @get("/", opt=ANYONE)
    async def items(self, request: Request[Any, Any, Any]) -> CartOut:
        """What is in the cart, at today's prices, with how many can be had."""
        return cart_out(await cart_of(cart_owner(request)))

    @post("/", status_code=HTTP_201_CREATED, opt=ANYONE)
    async def add(
        self, viewer: Viewer, request: Request[Any, Any, Any], data: JSONBody[CartItemIn]
    ) -> CartOut:
        """Add units of a variant; 409 when more than can be had anywhere."""
        owner = cart_owner(request, create=True)
        cart = await add_to_cart(owner, data.variant_id, data.quantity)
        record_cart_add(None, shopper_of(viewer, request))
        return cart_out(cart)

    @patch("/", status_code=HTTP_200_OK, opt=ANYONE)
    async def change(self, request: Request[Any, Any, Any], data: JSONBody[CartItemIn]) -> CartOut:
        """Set how many of a variant the cart holds (0 removes it)."""
        return cart_out(await set_quantity(cart_owner(request), data.variant_id, data.quantity))

    @put("/selection", status_code=HTTP_200_OK, opt=ANYONE)
    async def select(self, request: Request[Any, Any, Any], data: JSONBody[SelectionIn]) -> CartOut:
        """Tick or untick lines for checkout (`variant_ids` absent: every line)."""
        return cart_out(await select_items(cart_owner(request), data.variant_ids, data.selected))

    @delete("/", status_code=HTTP_200_OK, opt=ANYONE)
    async def remove(
        self, request: Request[Any, Any, Any], variant_id: FromQuery[int | None] = None
    ) -> CartOut:
        """Remove a variant (`?variant_id=`), or empty the cart."""
        return cart_out(await remove_from_cart(cart_owner(request), variant_id))
