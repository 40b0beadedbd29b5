"""Operator analytics page: `/operator/analytics` (figures, charts, tables, CSV links)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, get
from litestar.params import FromQuery
from litestar.response import Template

from accounts.access import OPERATORS
from analytics.figures import TABLES
from analytics.periods import Grain
from backoffice.operator.analytics_api import dashboard_data


def chart_data(data: dict[str, Any]) -> dict[str, str]:
    """JSON for the charts, put in data-* attributes (escaped by Jinja) for static JS."""
    series = data["series"]
    funnel = data["overview"]["funnel"]
    return {
        "series": json.dumps(
            {
                "labels": [row["period"] for row in series],
                "gmv": [row["gmv"] / 100 for row in series],
                "orders": [row["orders"] for row in series],
            }
        ),
        "funnel": json.dumps(
            [funnel["views"], funnel["cart_adds"], funnel["orders"], funnel["paid"]]
        ),
        "methods": json.dumps(
            [data["overview"]["pickup_fulfilments"], data["overview"]["delivery_fulfilments"]]
        ),
        "products": json.dumps(
            {
                "labels": [row["name"] for row in data["top_products"][:10]],
                "amounts": [row["amount"] / 100 for row in data["top_products"][:10]],
            }
        ),
    }


class OperatorAnalyticsPages(Controller):
    """The operator's analytics dashboard."""

    include_in_schema = False

    @get("/operator/analytics", opt=OPERATORS)
    async def dashboard(
        self,
        start: FromQuery[date | None] = None,
        end: FromQuery[date | None] = None,
        grain: FromQuery[Grain] = Grain.DAY,
    ) -> Template:
        """GMV, funnel, pickup figures, top lists and per-store/supplier tables with charts."""
        data = await dashboard_data(start, end, grain)
        query = urlencode({"start": data["start"], "end": data["end"], "grain": grain.value})
        return Template(
            "backoffice/operator_analytics.html",
            context={
                "data": data,
                "o": data["overview"],
                "charts": chart_data(data),
                "grains": list(Grain),
                "tables": TABLES,
                "query": query,
            },
        )
