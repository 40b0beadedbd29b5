"""Supplier analytics page: `/supplier/analytics`."""

from __future__ import annotations

import json
from datetime import date

from litestar import Controller, get
from litestar.params import FromQuery
from litestar.response import Template

from accounts.access import SUPPLIERS, Me, supplier_id_of
from analytics.figures import Period
from analytics.periods import Grain
from analytics.supplier_board import supplier_board


class SupplierAnalyticsPages(Controller):
    """The supplier's dashboard."""

    include_in_schema = False

    @get("/supplier/analytics", opt=SUPPLIERS)
    async def dashboard(
        self,
        me: Me,
        start: FromQuery[date | None] = None,
        end: FromQuery[date | None] = None,
        grain: FromQuery[Grain] = Grain.DAY,
    ) -> Template:
        """Sales with a chart, orders to ship by deadline, turnover, stock alerts, rating."""
        data = await supplier_board(supplier_id_of(me), Period.of(start, end), grain)
        chart = json.dumps(
            {
                "labels": [row["period"] for row in data["series"]],
                "amounts": [row["amount"] / 100 for row in data["series"]],
            }
        )
        return Template(
            "backoffice/supplier_analytics.html",
            context={"data": data, "chart": chart, "grains": list(Grain)},
        )
