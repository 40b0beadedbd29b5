"""Carts: a logged-in consumer's or a guest's (keyed by session), merged at login."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from core.database import write_transaction
from fulfilment.checkout import MAX_QUANTITY
from fulfilment.errors import CartQuantityUnavailable, InvalidOrder
from fulfilment.goods import goods_by_id, total_available
from fulfilment.tables import CartItem

#: Session key holding a guest's cart key.
CART_SESSION_KEY = "cart_key"


@dataclass(frozen=True, slots=True)
class CartOwner:
    """Whose cart: an account, or a guest's random session key."""

    user_id: int | None = None
    session_key: str | None = None

    def where(self):
        """The rows of this cart."""
        if self.user_id is not None:
            return CartItem.user_id == self.user_id
        return CartItem.session_key == (self.session_key or "-")


@dataclass(frozen=True, slots=True)
class CartLine:
    """A variant in the cart with what it costs and how many can be had."""

    variant_id: int
    product_id: int
    product_name: str
    sku: str
    options: dict[str, str]
    image: str
    supplier_id: int
    supplier_name: str
    unit_price: int
    quantity: int
    line_total: int
    currency: str
    #: Units available across all locations.
    available: int
    on_sale: bool
    #: The product's category (for promotions narrowed to categories).
    category_id: int = 0
    #: Ticked for checkout (checkout takes only the selected lines).
    selected: bool = True


@dataclass(frozen=True, slots=True)
class Cart:
    """A cart's lines and their sum; `subtotal` counts the selected lines only."""

    lines: list[CartLine]
    subtotal: int
    currency: str
    #: Units in the cart, selected or not (the badge).
    count: int
    #: Units in the selected lines (what checkout takes).
    selected_count: int = 0

    @property
    def selected_lines(self) -> list[CartLine]:
        """The lines checkout takes: selected and for sale."""
        return [line for line in self.lines if line.selected and line.on_sale]


def new_cart_key() -> str:
    """A random key for a guest's cart."""
    return secrets.token_urlsafe(24)


async def check_can_have(variant_id: int, quantity: int) -> None:
    """Refuse a quantity that cannot be had anywhere, or an item not for sale."""
    if quantity <= 0 or quantity > MAX_QUANTITY:
        raise InvalidOrder("Quantities must be between 1 and {n}", n=MAX_QUANTITY)
    goods = (await goods_by_id([variant_id])).get(variant_id)
    if goods is None or not goods.on_sale:
        raise InvalidOrder("Item {id} is not for sale", id=variant_id)
    available = (await total_available([variant_id]))[variant_id]
    if quantity > available:
        error = CartQuantityUnavailable(
            "Only {available} of {name} can be had right now",
            available=available,
            name=goods.product_name,
        )
        error.extra["lines"] = [
            {"variant_id": variant_id, "requested": quantity, "available": available}
        ]
        raise error


async def cart_of(owner: CartOwner) -> Cart:
    """The cart's lines with today's prices and availability."""
    rows = await CartItem.select().where(owner.where()).order_by(CartItem.id)
    ids = [r["variant"] for r in rows]
    goods = await goods_by_id(ids)
    available = await total_available(ids)
    lines = []
    for r in rows:
        g = goods.get(r["variant"])
        if g is None:
            continue
        lines.append(
            CartLine(
                variant_id=g.variant_id,
                product_id=g.product_id,
                product_name=g.product_name,
                sku=g.sku,
                options=g.options,
                image=g.image,
                supplier_id=g.supplier_id,
                supplier_name=g.supplier_name,
                unit_price=g.price,
                quantity=r["quantity"],
                line_total=g.price * r["quantity"],
                currency=g.currency,
                available=available.get(g.variant_id, 0),
                on_sale=g.on_sale,
                category_id=g.category_id,
                selected=bool(r["selected"]),
            )
        )
    chosen = [line for line in lines if line.selected and line.on_sale]
    return Cart(
        lines=lines,
        subtotal=sum(line.line_total for line in chosen),
        currency=lines[0].currency if lines else "CNY",
        count=sum(line.quantity for line in lines),
        selected_count=sum(line.quantity for line in chosen),
    )


async def _set(owner: CartOwner, variant_id: int, quantity: int) -> None:
    existing = (
        await CartItem.select(CartItem.id)
        .where(owner.where() & (CartItem.variant == variant_id))
        .first()
    )
    if existing:
        await CartItem.update({CartItem.quantity: quantity, CartItem.selected: True}).where(
            CartItem.id == existing["id"]
        )
    else:
        await CartItem.insert(
            CartItem(
                user_id=owner.user_id,
                session_key=None if owner.user_id is not None else owner.session_key,
                variant=variant_id,
                quantity=quantity,
            )
        )


async def add_to_cart(owner: CartOwner, variant_id: int, quantity: int) -> Cart:
    """Add units of a variant (to what is already in the cart)."""
    if quantity <= 0:
        raise InvalidOrder("Quantities must be between 1 and {n}", n=MAX_QUANTITY)
    async with write_transaction():
        row = (
            await CartItem.select(CartItem.quantity)
            .where(owner.where() & (CartItem.variant == variant_id))
            .first()
        )
        total = quantity + (row["quantity"] if row else 0)
        await check_can_have(variant_id, total)
        await _set(owner, variant_id, total)
    return await cart_of(owner)


async def set_quantity(owner: CartOwner, variant_id: int, quantity: int) -> Cart:
    """Change how many of a variant the cart holds (0 removes it)."""
    async with write_transaction():
        if quantity == 0:
            await CartItem.delete().where(owner.where() & (CartItem.variant == variant_id))
        else:
            found = await CartItem.exists().where(owner.where() & (CartItem.variant == variant_id))
            if not found:
                raise InvalidOrder("Item {id} is not in your cart", id=variant_id)
            await check_can_have(variant_id, quantity)
            await _set(owner, variant_id, quantity)
    return await cart_of(owner)


async def select_items(owner: CartOwner, variant_ids: Sequence[int] | None, selected: bool) -> Cart:
    """Tick (or untick) lines for checkout: the given variants, or all when None."""
    async with write_transaction():
        where = owner.where()
        if variant_ids is not None:
            if not variant_ids:
                return await cart_of(owner)
            where = where & CartItem.variant.is_in(list(variant_ids))
        await CartItem.update({CartItem.selected: selected}).where(where)
    return await cart_of(owner)


async def remove_from_cart(owner: CartOwner, variant_id: int | None = None) -> Cart:
    """Remove one variant, or everything when `variant_id` is None."""
    async with write_transaction():
        where = owner.where()
        if variant_id is not None:
            where = where & (CartItem.variant == variant_id)
        await CartItem.delete().where(where)
    return await cart_of(owner)


async def merge_guest_cart(session_key: str | None, user_id: int) -> None:
    """Move a guest's cart into the account that just logged in, adding up quantities."""
    if not session_key:
        return
    async with write_transaction():
        guest = await CartItem.select().where(CartItem.session_key == session_key)
        if not guest:
            return
        mine = {r["variant"]: r for r in await CartItem.select().where(CartItem.user_id == user_id)}
        for row in guest:
            if row["variant"] in mine:
                await CartItem.update(
                    {
                        CartItem.quantity: min(
                            MAX_QUANTITY, mine[row["variant"]]["quantity"] + row["quantity"]
                        )
                    }
                ).where(CartItem.id == mine[row["variant"]]["id"])
                await CartItem.delete().where(CartItem.id == row["id"])
            else:
                await CartItem.update(
                    {CartItem.user_id: user_id, CartItem.session_key: None}
                ).where(CartItem.id == row["id"])
