"""The supplier dashboard: sales, orders to ship by deadline, turnover, alerts, returns, rating.

Everything is scoped to one supplier (`supplier_id_of(me)` in the page): sales come from the
daily rollups, the rest is read live (a supplier's own rows are few).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from analytics import figures
from analytics.figures import Period, ratio
from analytics.periods import Grain
from analytics.stock_alerts import alerts_in
from catalog.product_cards import rating_of_supplier
from catalog.reviews import summary_of
from fulfilment.sales_facts import supplier_orders_to_ship, supplier_units_sold
from locations.supplier_stock import supplier_levels

#: Units sold over this many days give the turnover.
TURNOVER_DAYS = 30


def turnover_rows(levels: list[dict[str, Any]], sold: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per location: units sold in `TURNOVER_DAYS` days, on hand now, turnover and cover.

    turnover = units sold / units on hand (0 when nothing is on hand); days_of_cover = on
    hand / units sold per day (None when nothing sold).
    """
    per: dict[int, dict[str, Any]] = {}
    for row in levels:
        place = per.setdefault(
            row["location_id"],
            {
                "location_id": row["location_id"],
                "location": row["location_name"],
                "on_hand": 0,
                "sold": 0,
            },
        )
        place["on_hand"] += row["on_hand"]
    for row in sold:
        place = per.setdefault(
            row["location_id"],
            {"location_id": row["location_id"], "location": "", "on_hand": 0, "sold": 0},
        )
        place["sold"] += row["units"]
    out = []
    for place in sorted(per.values(), key=lambda p: p["location_id"]):
        place["turnover"] = ratio(place["sold"], place["on_hand"])
        place["days_of_cover"] = (
            round(place["on_hand"] / (place["sold"] / TURNOVER_DAYS), 1) if place["sold"] else None
        )
        out.append(place)
    return out


async def supplier_board(supplier_id: int, period: Period, grain: Grain) -> dict[str, Any]:
    """Every figure of the supplier dashboard for the period."""
    now = datetime.now(UTC)
    totals = await figures.supplier_rows(period, supplier_id)
    mine = totals[0] if totals else {"orders": 0, "units": 0, "amount": 0, "refunded_orders": 0}
    levels = await supplier_levels(supplier_id)
    sold = await supplier_units_sold(supplier_id, now - timedelta(days=TURNOVER_DAYS))
    to_ship = await supplier_orders_to_ship(supplier_id)
    for row in to_ship:
        row["overdue"] = row["deadline"] is not None and row["deadline"] < now
    reviews, rating_sum = await rating_of_supplier(supplier_id)
    rating = summary_of(reviews, rating_sum)
    return {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "grain": grain.value,
        "sales": {
            "orders": mine["orders"],
            "units": mine["units"],
            "amount": mine["amount"],
            "refunded_orders": mine["refunded_orders"],
            "return_rate": ratio(mine["refunded_orders"], mine["orders"]),
        },
        "series": await figures.supplier_series(period, supplier_id, grain),
        "top_products": await figures.top_products(period, limit=10, supplier_id=supplier_id),
        "to_ship": to_ship,
        "turnover": turnover_rows(levels, sold),
        "alerts": alerts_in(levels),
        "rating": {"count": reviews, "average": rating.average},
    }
