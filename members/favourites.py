"""Favourites: products and shops a consumer saved."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from catalog.product_cards import supplier_names, visible_cards
from core.database import serialise_on, write_transaction
from members.errors import InvalidFavourite
from members.tables import Favourite

#: What may be saved.
KINDS = ("product", "shop")
#: Most favourites one person keeps.
MAX_FAVOURITES = 500


@dataclass(frozen=True)
class Favourites:
    """A person's saved products (cards) and shops (id, name), newest first."""

    products: list[dict[str, Any]]
    shops: list[dict[str, Any]]


async def _exists(kind: str, target_id: int) -> bool:
    if kind == "product":
        return bool(await visible_cards([target_id]))
    return bool(await supplier_names([target_id]))


async def add_favourite(user_id: int, kind: str, target_id: int) -> None:
    """Save a product or shop (saving it again changes nothing).

    Raises:
        InvalidFavourite: an unknown kind, no such product or shop, too many favourites.
    """
    if kind not in KINDS:
        raise InvalidFavourite("kind: product or shop")
    if not await _exists(kind, target_id):
        raise InvalidFavourite("target_id: there is no such product or shop")
    async with write_transaction():
        await serialise_on(f"favourites:{user_id}")
        if await Favourite.count().where(Favourite.user_id == user_id) >= MAX_FAVOURITES:
            raise InvalidFavourite("At most {n} favourites", n=MAX_FAVOURITES)
        await Favourite.insert(
            Favourite(user_id=user_id, kind=kind, target_id=target_id)
        ).on_conflict(action="DO NOTHING")


async def remove_favourite(user_id: int, kind: str, target_id: int) -> None:
    """Forget a saved product or shop (nothing happens when it was not saved)."""
    await Favourite.delete().where(
        (Favourite.user_id == user_id)
        & (Favourite.kind == kind)
        & (Favourite.target_id == target_id)
    )


async def is_favourite(user_id: int, kind: str, target_id: int) -> bool:
    """Whether the person saved this product or shop."""
    return bool(
        await Favourite.exists().where(
            (Favourite.user_id == user_id)
            & (Favourite.kind == kind)
            & (Favourite.target_id == target_id)
        )
    )


async def favourites_of(user_id: int) -> Favourites:
    """The person's saved products (still on sale) and shops, newest first."""
    rows = (
        await Favourite.select()
        .where(Favourite.user_id == user_id)
        .order_by(Favourite.id, ascending=False)
    )
    product_ids = [r["target_id"] for r in rows if r["kind"] == "product"]
    shop_ids = [r["target_id"] for r in rows if r["kind"] == "shop"]
    names = await supplier_names(shop_ids)
    return Favourites(
        products=await visible_cards(product_ids),
        shops=[{"id": s, "name": names[s]} for s in shop_ids if s in names],
    )
