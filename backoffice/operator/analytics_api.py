"""Operator analytics JSON API and CSV export: `/api/operator/analytics/...`."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Response, get
from litestar.params import FromPath, FromQuery

from accounts.access import OPERATORS
from analytics import figures
from analytics.csv_export import rows_to_csv
from analytics.figures import Period
from analytics.periods import Grain


async def dashboard_data(start: date | None, end: date | None, grain: Grain) -> dict[str, Any]:
    """Every figure and table of the operator dashboard for the period."""
    period = Period.of(start, end)
    return {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "grain": grain.value,
        **await figures.dashboard(period, grain),
    }


class OperatorAnalyticsApi(Controller):
    """The platform's figures for the operator (from the daily rollups)."""

    path = "/api/operator/analytics"

    @get("/", opt=OPERATORS)
    async def dashboard(
        self,
        start: FromQuery[date | None] = None,
        end: FromQuery[date | None] = None,
        grain: FromQuery[Grain] = Grain.DAY,
    ) -> dict[str, Any]:
        """Headline figures and every table (default: the last 30 days, by day)."""
        return await dashboard_data(start, end, grain)

    @get("/tables/{name:str}", opt=OPERATORS)
    async def one_table(
        self,
        name: FromPath[str],
        start: FromQuery[date | None] = None,
        end: FromQuery[date | None] = None,
        grain: FromQuery[Grain] = Grain.DAY,
    ) -> dict[str, Any]:
        """One table: series, top_products, top_categories, stores, suppliers, recommendations."""
        return {"items": await figures.table(name, Period.of(start, end), grain)}

    @get("/export/{name:str}", opt=OPERATORS, media_type="text/csv")
    async def export(
        self,
        name: FromPath[str],
        start: FromQuery[date | None] = None,
        end: FromQuery[date | None] = None,
        grain: FromQuery[Grain] = Grain.DAY,
    ) -> Response[str]:
        """One table as CSV (UTF-8 with BOM)."""
        period = Period.of(start, end)
        rows = await figures.table(name, period, grain)
        filename = f"{name}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
        return Response(
            rows_to_csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
