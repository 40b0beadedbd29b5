"""Favourites and browsing history as JSON, for the signed-in consumer."""

from __future__ import annotations

from typing import Any, Literal

import msgspec
from litestar import Controller, delete, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from accounts.access import CONSUMERS, Me
from analytics.recommend import Shopper, recently_viewed
from core.types import Id
from members.favourites import add_favourite, favourites_of, remove_favourite


class FavouriteIn(msgspec.Struct):
    """A product or shop to save."""

    kind: Literal["product", "shop"]
    target_id: Id


class FavouritesOut(msgspec.Struct):
    """Saved product cards and shops."""

    products: list[dict[str, Any]]
    shops: list[dict[str, Any]]


async def _saved(user_id: int) -> FavouritesOut:
    return msgspec.convert(await favourites_of(user_id), FavouritesOut, from_attributes=True)


class FavouriteApi(Controller):
    """`/api/favourites` and `/api/history`."""

    path = "/api"
    tags = ["favourites"]

    @get("/favourites", opt=CONSUMERS)
    async def list_favourites(self, me: Me) -> FavouritesOut:
        """Saved products (still on sale) and shops, newest first."""
        return await _saved(me.id)

    @post("/favourites", opt=CONSUMERS, status_code=HTTP_200_OK)
    async def add(self, me: Me, data: JSONBody[FavouriteIn]) -> FavouritesOut:
        """Save a product or shop (again: no change)."""
        await add_favourite(me.id, data.kind, data.target_id)
        return await _saved(me.id)

    @delete("/favourites/{kind:str}/{target_id:int}", opt=CONSUMERS, status_code=HTTP_200_OK)
    async def remove(
        self, me: Me, kind: FromPath[Literal["product", "shop"]], target_id: FromPath[int]
    ) -> FavouritesOut:
        """Forget a saved product or shop."""
        await remove_favourite(me.id, kind, target_id)
        return await _saved(me.id)

    @get("/history", opt=CONSUMERS)
    async def history(self, me: Me) -> list[dict[str, Any]]:
        """Products the consumer viewed lately (recorded views, still on sale)."""
        return await recently_viewed(Shopper(user_id=me.id))
