"""The operator dashboard's figures, read from the daily rollups (never from the orders).

Every figure is a sum over the rollup rows of the period, so a dashboard answers in the same
few milliseconds whether the platform has a thousand order lines or millions. Rates and
averages are computed from those sums here, once; docs/analytics.md defines each figure.
Each summing read is cached in two parts, the settled days and the recent ones the refresh
rebuilds (`analytics.rollup_cache`), so a dashboard after a refresh sums at most those
recent days again, whatever the period's length; `dashboard` reads each rollup once and
the tables' independent reads side by side.
"""

from __future__ import annotations

import asyncio
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Sum

from analytics.errors import InvalidPeriod, UnknownTable
from analytics.periods import MAX_DAYS, Grain, bucket, today
from analytics.rollup_cache import cached_sums
from analytics.tables import (
    DailyProductSales,
    DailyStoreSales,
    DailySupplierSales,
    DailyTotals,
    RecommendationDaily,
)
from catalog.product_cards import category_names, product_names, supplier_names
from locations.places import places_by_ids

#: The summed columns of DailyTotals.
TOTAL_FIELDS = (
    "orders_placed",
    "online_orders_placed",
    "online_orders_paid",
    "orders_paid",
    "gmv",
    "refunded_amount",
    "refunded_orders",
    "pickup_fulfilments",
    "delivery_fulfilments",
    "ready_pickups",
    "collected_pickups",
    "expired_pickups",
    "uncollected_pickups",
    "paid_to_ready_seconds",
    "paid_to_ready_count",
    "ready_to_collected_seconds",
    "ready_to_collected_count",
    "views",
    "searches",
    "cart_adds",
    "rec_impressions",
    "rec_clicks",
)


@dataclass(frozen=True, slots=True)
class Period:
    """A checked period of whole Shanghai days, both ends included."""

    start: date
    end: date

    @classmethod
    def of(cls, start: date | None, end: date | None, *, default_days: int = 30) -> Period:
        """The period asked for (the last `default_days` days when not said), checked."""
        end = end or today()
        start = start or end - timedelta(days=default_days - 1)
        if start > end:
            raise InvalidPeriod("The start {start} is after the end {end}", start=start, end=end)
        if (end - start).days + 1 > MAX_DAYS:
            raise InvalidPeriod("A period is at most {n} days", n=MAX_DAYS)
        return cls(start, end)

    @property
    def span(self) -> tuple[date, date]:
        """The first and the last day."""
        return self.start, self.end


def ratio(part: int, whole: int) -> float:
    """Part / whole rounded to 4 places; 0 when whole is 0."""
    return round(part / whole, 4) if whole else 0.0


def _within(table: Any, period: Period) -> Any:
    return (table.day >= period.start) & (table.day <= period.end)


async def _totals_rows(period: Period) -> list[dict[str, Any]]:
    async def load(first: date, last: date) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = (
            await DailyTotals.select()
            .where(_within(DailyTotals, Period(first, last)))
            .order_by(DailyTotals.day)
        )
        return rows

    # Settled days, then recent ones: still in day order.
    return await cached_sums("totals", *period.span, load, _concatenated)


def _concatenated(parts: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [row for part in parts for row in part]


def _add_up(parts: list[list[dict[str, Any]]], keys: list[str]) -> list[dict[str, Any]]:
    """Rows of several parts with the same `keys` summed into one (other fields summed)."""
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for part in parts:
        for row in part:
            into = merged.get(tuple(row[k] for k in keys))
            if into is None:
                merged[tuple(row[k] for k in keys)] = {
                    k: (v if k in keys else int(v or 0)) for k, v in row.items()
                }
                continue
            for field, value in row.items():
                if field not in keys:
                    into[field] += int(value or 0)
    return list(merged.values())


def _sum(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {field: sum(r[field] for r in rows) for field in TOTAL_FIELDS}


def derive(sums: dict[str, int]) -> dict[str, Any]:
    """The dashboard's headline figures from summed totals."""
    fulfilments = sums["pickup_fulfilments"] + sums["delivery_fulfilments"]
    return {
        "gmv": sums["gmv"],
        "orders": sums["orders_paid"],
        "orders_placed": sums["orders_placed"],
        "average_order_value": sums["gmv"] // sums["orders_paid"] if sums["orders_paid"] else 0,
        "funnel": {
            "views": sums["views"],
            "cart_adds": sums["cart_adds"],
            "orders": sums["online_orders_placed"],
            "paid": sums["online_orders_paid"],
        },
        "searches": sums["searches"],
        "pickup_share": ratio(sums["pickup_fulfilments"], fulfilments),
        "delivery_share": ratio(sums["delivery_fulfilments"], fulfilments),
        "pickup_fulfilments": sums["pickup_fulfilments"],
        "delivery_fulfilments": sums["delivery_fulfilments"],
        "paid_to_ready_minutes": round(
            sums["paid_to_ready_seconds"] / sums["paid_to_ready_count"] / 60, 1
        )
        if sums["paid_to_ready_count"]
        else 0.0,
        "ready_to_collected_minutes": round(
            sums["ready_to_collected_seconds"] / sums["ready_to_collected_count"] / 60, 1
        )
        if sums["ready_to_collected_count"]
        else 0.0,
        "ready_pickups": sums["ready_pickups"],
        "collected_pickups": sums["collected_pickups"],
        "uncollected_pickups": sums["uncollected_pickups"],
        "expired_pickups": sums["expired_pickups"],
        "uncollected_rate": ratio(sums["uncollected_pickups"], sums["ready_pickups"]),
        "expired_rate": ratio(sums["expired_pickups"], sums["ready_pickups"]),
        "refunded_amount": sums["refunded_amount"],
        "refunded_orders": sums["refunded_orders"],
        "refund_rate": ratio(sums["refunded_amount"], sums["gmv"]),
        "refunded_order_rate": ratio(sums["refunded_orders"], sums["orders_paid"]),
        "rec_impressions": sums["rec_impressions"],
        "rec_clicks": sums["rec_clicks"],
        "rec_click_through": ratio(sums["rec_clicks"], sums["rec_impressions"]),
    }


async def overview(period: Period) -> dict[str, Any]:
    """The headline figures of the period."""
    return derive(_sum(await _totals_rows(period)))


async def series(
    period: Period, grain: Grain, *, rows: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """GMV, orders, average order value and refunds per day, week or month of the period.

    `rows`: the period's totals rows when already read.
    """
    buckets: dict[date, list[dict[str, Any]]] = {}
    for row in rows if rows is not None else await _totals_rows(period):
        buckets.setdefault(bucket(row["day"], grain), []).append(row)
    out = []
    for start in sorted(buckets):
        sums = _sum(buckets[start])
        out.append(
            {
                "period": start.isoformat(),
                "gmv": sums["gmv"],
                "orders": sums["orders_paid"],
                "average_order_value": sums["gmv"] // sums["orders_paid"]
                if sums["orders_paid"]
                else 0,
                "refunded_amount": sums["refunded_amount"],
                "views": sums["views"],
            }
        )
    return out


async def _grouped(
    table: Any, keys: list[Any], period: Period, where: Any = None, *, scope: Hashable = None
) -> list[dict[str, Any]]:
    """Units, amount and orders summed per `keys` over the period, cached.

    `scope` stands for `where` in the cache key (e.g. the supplier id it narrows to).
    """

    async def load(first: date, last: date) -> list[dict[str, Any]]:
        condition = _within(table, Period(first, last))
        if where is not None:
            condition = condition & where
        rows: list[dict[str, Any]] = await (
            table.select(
                *keys,
                Sum(table.units, alias="units"),
                Sum(table.amount, alias="amount"),
                Sum(table.orders, alias="orders"),
            )
            .where(condition)
            .group_by(*keys)
        )
        return rows

    names = [k._meta.name for k in keys]
    key = (table._meta.tablename, tuple(names), scope)
    return await cached_sums(key, *period.span, load, lambda parts: _add_up(parts, names))


def _ranked(rows: list[dict[str, Any]], limit: int | None) -> list[dict[str, Any]]:
    for row in rows:
        for field in ("units", "amount", "orders"):
            row[field] = int(row[field] or 0)
    rows.sort(key=lambda r: (-r["amount"], -r["units"], r.get("id", 0)))
    return rows[:limit] if limit else rows


async def product_rows(period: Period, supplier_id: int | None = None) -> list[dict[str, Any]]:
    """Paid sales of the period per (product, category): one scan serves both top lists."""
    where = DailyProductSales.supplier_id == supplier_id if supplier_id is not None else None
    keys = [DailyProductSales.product_id, DailyProductSales.category_id]
    return await _grouped(DailyProductSales, keys, period, where, scope=supplier_id)


def _merge(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    merged: dict[int, dict[str, Any]] = {}
    for row in rows:
        into = merged.setdefault(row[key], {"id": row[key], "units": 0, "amount": 0, "orders": 0})
        for field in ("units", "amount", "orders"):
            into[field] += int(row[field] or 0)
    return list(merged.values())


async def top_products(
    period: Period,
    *,
    limit: int = 20,
    supplier_id: int | None = None,
    rows: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Products by paid sales (amount) in the period: id, name, units, amount, orders."""
    if rows is None:
        rows = await product_rows(period, supplier_id)
    ranked = _ranked(_merge(rows, "product_id"), limit)
    names = await product_names(r["id"] for r in ranked)
    return [{"id": r["id"], "name": names.get(r["id"], ""), **_money(r)} for r in ranked]


def _money(row: dict[str, Any]) -> dict[str, int]:
    return {"units": row["units"], "amount": row["amount"], "orders": row["orders"]}


async def top_categories(
    period: Period, *, limit: int = 20, rows: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Categories by paid sales (amount) in the period (orders: order-product pairs)."""
    if rows is None:
        rows = await product_rows(period)
    ranked = _ranked(_merge(rows, "category_id"), limit)
    names = await category_names(r["id"] for r in ranked)
    return [
        {
            "id": r["id"],
            "name": names.get(r["id"], {}).get("zh", ""),
            "name_en": names.get(r["id"], {}).get("en", ""),
            **_money(r),
        }
        for r in ranked
    ]


async def by_store(period: Period) -> list[dict[str, Any]]:
    """Each location's paid sales by method (pickup, delivery, walk_in) in the period."""
    rows = await _grouped(
        DailyStoreSales, [DailyStoreSales.location_id, DailyStoreSales.method], period
    )
    for row in rows:
        row["id"] = row.pop("location_id")
    ranked = _ranked(rows, None)
    places = await places_by_ids(r["id"] for r in ranked)
    return [
        {
            "id": r["id"],
            "name": places.get(r["id"], {}).get("name", ""),
            "method": r["method"],
            **_money(r),
        }
        for r in ranked
    ]


async def supplier_rows(period: Period, supplier_id: int | None = None) -> list[dict[str, Any]]:
    """Each supplier's paid sales and refunded orders in the period (one supplier if given)."""

    async def load(first: date, last: date) -> list[dict[str, Any]]:
        condition = _within(DailySupplierSales, Period(first, last))
        if supplier_id is not None:
            condition = condition & (DailySupplierSales.supplier_id == supplier_id)
        summed: list[dict[str, Any]] = await (
            DailySupplierSales.select(
                DailySupplierSales.supplier_id,
                Sum(DailySupplierSales.units, alias="units"),
                Sum(DailySupplierSales.amount, alias="amount"),
                Sum(DailySupplierSales.orders, alias="orders"),
                Sum(DailySupplierSales.refunded_orders, alias="refunded_orders"),
            )
            .where(condition)
            .group_by(DailySupplierSales.supplier_id)
        )
        return summed

    rows = await cached_sums(
        ("suppliers", supplier_id),
        *period.span,
        load,
        lambda parts: _add_up(parts, ["supplier_id"]),
    )
    for row in rows:
        row["id"] = row.pop("supplier_id")
        row["refunded_orders"] = int(row["refunded_orders"] or 0)
    ranked = _ranked(rows, None)
    names = await supplier_names(r["id"] for r in ranked)
    return [
        {
            "id": r["id"],
            "name": names.get(r["id"], ""),
            **_money(r),
            "refunded_orders": r["refunded_orders"],
            "return_rate": ratio(r["refunded_orders"], r["orders"]),
        }
        for r in ranked
    ]


async def supplier_series(period: Period, supplier_id: int, grain: Grain) -> list[dict[str, Any]]:
    """One supplier's paid sales per day, week or month of the period."""
    rows = (
        await DailySupplierSales.select()
        .where(
            _within(DailySupplierSales, period) & (DailySupplierSales.supplier_id == supplier_id)
        )
        .order_by(DailySupplierSales.day)
    )
    buckets: dict[date, dict[str, int]] = {}
    for row in rows:
        sums = buckets.setdefault(bucket(row["day"], grain), {"orders": 0, "units": 0, "amount": 0})
        for field in sums:
            sums[field] += row[field]
    return [{"period": day.isoformat(), **buckets[day]} for day in sorted(buckets)]


async def recommendations(period: Period) -> list[dict[str, Any]]:
    """Impressions, clicks and click-through of each recommendation list and page."""

    async def load(first: date, last: date) -> list[dict[str, Any]]:
        summed: list[dict[str, Any]] = await (
            RecommendationDaily.select(
                RecommendationDaily.list_kind,
                RecommendationDaily.slot,
                Sum(RecommendationDaily.impressions, alias="impressions"),
                Sum(RecommendationDaily.clicks, alias="clicks"),
            )
            .where(_within(RecommendationDaily, Period(first, last)))
            .group_by(RecommendationDaily.list_kind, RecommendationDaily.slot)
        )
        return summed

    rows = await cached_sums(
        "recommendations", *period.span, load, lambda parts: _add_up(parts, ["list_kind", "slot"])
    )
    out = []
    for row in rows:
        shown, clicked = int(row["impressions"] or 0), int(row["clicks"] or 0)
        out.append(
            {
                "list": row["list_kind"],
                "page": row["slot"],
                "impressions": shown,
                "clicks": clicked,
                "click_through": ratio(clicked, shown),
            }
        )
    out.sort(key=lambda r: (r["list"], r["page"]))
    return out


async def all_tables(
    period: Period, grain: Grain, *, totals: list[dict[str, Any]] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Every table of the operator dashboard: each rollup read once, the tables side by side.

    `totals`: the period's totals rows when already read (the series is made from them).
    """
    products = await product_rows(period)
    if totals is None:
        totals = await _totals_rows(period)
    made = await asyncio.gather(
        series(period, grain, rows=totals),
        top_products(period, rows=products),
        top_categories(period, rows=products),
        by_store(period),
        supplier_rows(period),
        recommendations(period),
    )
    return dict(zip(TABLES, made, strict=True))


async def dashboard(period: Period, grain: Grain) -> dict[str, Any]:
    """The operator dashboard: headline figures and every table (the totals read once)."""
    totals = await _totals_rows(period)
    return {"overview": derive(_sum(totals)), **await all_tables(period, grain, totals=totals)}


#: The tables of the operator dashboard, by the name the API and CSV export use.
TABLES = ("series", "top_products", "top_categories", "stores", "suppliers", "recommendations")


async def table(
    name: str, period: Period, grain: Grain, *, products: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """One dashboard table by name (see TABLES); `products`: `product_rows` already read."""
    if name == "series":
        return await series(period, grain)
    if name == "top_products":
        return await top_products(period, rows=products)
    if name == "top_categories":
        return await top_categories(period, rows=products)
    if name == "stores":
        return await by_store(period)
    if name == "suppliers":
        return await supplier_rows(period)
    if name == "recommendations":
        return await recommendations(period)
    raise UnknownTable("There is no table {name}", name=name)
