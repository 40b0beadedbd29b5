"""The store dashboard in the POS: `/pos/{location_id}/dashboard` and its JSON API."""

from __future__ import annotations

from litestar import Controller, get
from litestar.params import FromPath
from litestar.response import Template

from accounts.access import STAFF_HERE, Me
from analytics.store_board import store_board
from fulfilment.hours import STORE_TZ
from store_pos.pickup_api import staff_stores


class PosDashboardPages(Controller):
    """Today's pickups, walk-in sales and pickups about to expire at one store."""

    include_in_schema = False

    @get("/pos/{location_id:int}/dashboard", opt=STAFF_HERE)
    async def dashboard(self, me: Me, location_id: FromPath[int]) -> Template:
        """The store's day at a glance."""
        stores = await staff_stores(me)
        return Template(
            "store_pos/dashboard.html",
            context={
                "board": await store_board(location_id),
                "stores": stores,
                "store": next(s for s in stores if s.id == location_id),
                "tz": STORE_TZ,
            },
        )
