"""Supplier analytics JSON API: `GET /api/supplier/analytics` (own figures only)."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, get
from litestar.params import FromQuery

from accounts.access import SUPPLIERS, Me, supplier_id_of
from analytics.figures import Period
from analytics.periods import Grain
from analytics.supplier_board import supplier_board


class SupplierAnalyticsApi(Controller):
    """The signed-in supplier's sales, shipments due, turnover, alerts, returns and rating."""

    path = "/api/supplier/analytics"

    @get("/", opt=SUPPLIERS)
    async def dashboard(
        self,
        me: Me,
        start: FromQuery[date | None] = None,
        end: FromQuery[date | None] = None,
        grain: FromQuery[Grain] = Grain.DAY,
    ) -> dict[str, Any]:
        """Figures of the period (default: the last 30 days) and today's stock state."""
        return await supplier_board(supplier_id_of(me), Period.of(start, end), grain)
