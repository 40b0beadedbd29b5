"""The consumer's favourites and browsing history page, and the save / forget buttons."""

from __future__ import annotations

import msgspec
from litestar import Controller, get, post
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from accounts.access import CONSUMERS, Me
from analytics.recommend import Shopper, recently_viewed
from core.types import parse_whole
from members.favourites import add_favourite, favourites_of, remove_favourite


class FavouriteForm(msgspec.Struct):
    """Save or forget a product or shop; `back` is the page to return to."""

    kind: str = ""
    target_id: str = ""
    action: str = "add"
    back: str = "/favourites"


class FavouritePages(Controller):
    """`/favourites`."""

    include_in_schema = False

    @get("/favourites", opt=CONSUMERS)
    async def page(self, me: Me) -> Template:
        """Saved products and shops, then what the consumer viewed lately."""
        return Template(
            "storefront/favourites.html",
            context={
                "saved": await favourites_of(me.id),
                "history": await recently_viewed(Shopper(user_id=me.id)),
            },
        )

    @post("/favourites", opt=CONSUMERS)
    async def change(self, me: Me, data: URLEncodedBody[FavouriteForm]) -> Redirect:
        """Save or forget, then back to the page the button was on (our own pages only)."""
        target = parse_whole(data.target_id, "target_id", low=1, high=2**63 - 1)
        if data.action == "remove":
            await remove_favourite(me.id, data.kind, target)
        else:
            await add_favourite(me.id, data.kind, target)
        back = data.back if data.back.startswith("/") and not data.back.startswith("//") else "/"
        return Redirect(back, status_code=HTTP_303_SEE_OTHER)
