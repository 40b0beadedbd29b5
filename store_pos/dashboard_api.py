"""The store dashboard as JSON: `GET /api/pos/{location_id}/dashboard`."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.params import FromPath

from accounts.access import STAFF_HERE
from analytics.store_board import store_board


class PosDashboardApi(Controller):
    """Today's figures of one store, for its staff."""

    path = "/api/pos"

    @get("/{location_id:int}/dashboard", opt=STAFF_HERE)
    async def dashboard(self, location_id: FromPath[int]) -> dict[str, Any]:
        """Today's open pickups, those about to expire, collected and walk-in figures.

        pickups (due today, open), expiring (hold ends by tomorrow), collected today,
        walk_in_orders and walk_in_amount (fen) today.
        """
        return await store_board(location_id)
