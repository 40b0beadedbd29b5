"""Daily rollups: one day's figures summed from the orders, payments and events, stored.

A day (Asia/Shanghai) is rebuilt whole: its rows are deleted and written again in one
transaction, so a rollup is never half-written and rebuilding is always safe. Orders count
on the day they were placed; later moves (paid, collected, refunded) change that day's
figures, so the app rebuilds the last `RECENT_DAYS` days every `REFRESH_SECONDS`
(`refresh_forever`, run by the lifespan). The definitions are in docs/analytics.md.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Count

from analytics.events import EventKind
from analytics.periods import day_bounds, days, today
from analytics.rollup_cache import RECENT_DAYS, rollups_changed
from analytics.stock_alerts import send_stock_alerts
from analytics.tables import (
    DailyProductSales,
    DailyStoreSales,
    DailySupplierSales,
    DailyTotals,
    RecommendationDaily,
    ShopperEvent,
)
from core.database import write_transaction
from fulfilment import sales_facts
from fulfilment.statuses import Channel, FulfilmentMethod, FulfilmentStatus
from payments.refund_facts import refunded_by_order

log = logging.getLogger(__name__)

# Days rebuilt by every refresh: RECENT_DAYS (14: today and the 13 before it), defined with
# the cache that relies on older days being settled (analytics.rollup_cache).
#: Seconds between two refreshes of the recent days.
REFRESH_SECONDS = 300
#: Seconds after the app starts before the first refresh (the app serves first).
FIRST_REFRESH_SECONDS = 30
#: The store-sales method of a POS (walk-in) sale.
WALK_IN = "walk_in"


def _seconds(later: datetime, earlier: datetime) -> int:
    return int((later - earlier).total_seconds())


async def _event_counts(start: datetime, end: datetime) -> tuple[Counter[str], Counter[str]]:
    """Events of the period by kind, and recommendation events by 'kind|slot:list'."""
    during = (ShopperEvent.created_at >= start) & (ShopperEvent.created_at < end)
    by_kind = await (
        ShopperEvent.select(ShopperEvent.kind, Count(alias="n"))
        .where(during)
        .group_by(ShopperEvent.kind)
    )
    recs = await (
        ShopperEvent.select(ShopperEvent.kind, ShopperEvent.detail, Count(alias="n"))
        .where(during & ShopperEvent.kind.is_in([EventKind.REC_IMPRESSION, EventKind.REC_CLICK]))
        .group_by(ShopperEvent.kind, ShopperEvent.detail)
    )
    kinds = Counter({row["kind"]: row["n"] for row in by_kind})
    rec = Counter({f"{row['kind']}|{row['detail']}": row["n"] for row in recs})
    return kinds, rec


async def _pickup_times(
    paid_at: dict[int, datetime], fulfilments: list[dict[str, Any]], start: datetime, end: datetime
) -> dict[str, int]:
    """Ready pickups and the lead-time sums of the paid pickups of the period."""
    pickups = {f["id"]: f for f in fulfilments if f["method"] == FulfilmentMethod.PICKUP}
    ready: dict[int, datetime] = {}
    collected: dict[int, datetime] = {}
    for move in await sales_facts.pickup_moves(start, end):
        fid = move["fulfilment_id"]
        if fid not in pickups:
            continue
        seen = ready if move["new_state"] == FulfilmentStatus.READY_FOR_PICKUP else collected
        if fid not in seen or move["created_at"] < seen[fid]:
            seen[fid] = move["created_at"]
    figures = dict.fromkeys(
        (
            "paid_to_ready_seconds",
            "paid_to_ready_count",
            "ready_to_collected_seconds",
            "ready_to_collected_count",
        ),
        0,
    )
    for fid, ready_at in ready.items():
        figures["paid_to_ready_seconds"] += _seconds(ready_at, paid_at[pickups[fid]["order_id"]])
        figures["paid_to_ready_count"] += 1
        if fid in collected:
            figures["ready_to_collected_seconds"] += _seconds(collected[fid], ready_at)
            figures["ready_to_collected_count"] += 1
    figures["ready_pickups"] = len(ready)
    return figures


async def _day_rows(day: date) -> dict[str, Any]:
    """Every rollup row of one day, computed (nothing written)."""
    start, end = day_bounds(day)
    orders = await sales_facts.orders_placed(start, end)
    paid = {o["id"]: o for o in orders if o["paid_at"] is not None}
    paid_at = {oid: o["paid_at"] for oid, o in paid.items()}
    refunds = await refunded_by_order(paid)
    fulfilments = [
        f for f in await sales_facts.fulfilments_placed(start, end) if f["order_id"] in paid
    ]
    statuses = Counter(f["status"] for f in fulfilments if f["method"] == FulfilmentMethod.PICKUP)
    kinds, rec = await _event_counts(start, end)
    online = [o for o in orders if o["channel"] == Channel.ONLINE]
    totals: dict[str, Any] = {
        "day": day,
        "orders_placed": len(orders),
        "online_orders_placed": len(online),
        "online_orders_paid": sum(1 for o in online if o["id"] in paid),
        "orders_paid": len(paid),
        "gmv": sum(o["total"] for o in paid.values()),
        "refunded_amount": sum(refunds.values()),
        "refunded_orders": len(refunds),
        "pickup_fulfilments": sum(1 for f in fulfilments if f["method"] == FulfilmentMethod.PICKUP),
        "delivery_fulfilments": sum(
            1 for f in fulfilments if f["method"] == FulfilmentMethod.DELIVERY
        ),
        "collected_pickups": statuses[FulfilmentStatus.COLLECTED],
        "expired_pickups": statuses[FulfilmentStatus.EXPIRED],
        "uncollected_pickups": statuses[FulfilmentStatus.READY_FOR_PICKUP],
        "views": kinds[EventKind.VIEW],
        "searches": kinds[EventKind.SEARCH],
        "cart_adds": kinds[EventKind.CART_ADD],
        "rec_impressions": kinds[EventKind.REC_IMPRESSION],
        "rec_clicks": kinds[EventKind.REC_CLICK],
        **await _pickup_times(paid_at, fulfilments, start, end),
    }
    products: dict[int, dict[str, Any]] = {}
    stores: dict[tuple[int, str], dict[str, Any]] = {}
    suppliers: dict[int, dict[str, Any]] = {}
    for line in await sales_facts.lines_placed(start, end):
        order = paid.get(line["order_id"])
        if order is None:
            continue
        units = line["quantity"]
        amount = units * line["unit_price"] - line["discount"]
        method = WALK_IN if order["channel"] == Channel.POS else line["method"]
        product = products.setdefault(
            line["product_id"],
            {
                "product_id": line["product_id"],
                "supplier_id": line["supplier_id"],
                "category_id": line["category_id"],
                "ids": set(),
            },
        )
        store = stores.setdefault(
            (line["location_id"], method),
            {"location_id": line["location_id"], "method": method, "ids": set()},
        )
        supplier = suppliers.setdefault(
            line["supplier_id"], {"supplier_id": line["supplier_id"], "ids": set()}
        )
        for row in (product, store, supplier):
            row["units"] = row.get("units", 0) + units
            row["amount"] = row.get("amount", 0) + amount
            row["ids"].add(line["order_id"])
    for supplier in suppliers.values():
        supplier["refunded_orders"] = sum(1 for oid in supplier["ids"] if oid in refunds)
    lists: dict[tuple[str, str], dict[str, Any]] = {}
    for key, n in rec.items():
        kind, _, place = key.partition("|")
        slot, _, list_kind = place.partition(":")
        row = lists.setdefault(
            (list_kind, slot),
            {"list_kind": list_kind[:20], "slot": slot[:12], "impressions": 0, "clicks": 0},
        )
        row["impressions" if kind == EventKind.REC_IMPRESSION else "clicks"] += n
    recs = list(lists.values())

    def finish(rows: Any) -> list[dict[str, Any]]:
        out = []
        for row in rows:
            ids = row.pop("ids")
            out.append({**row, "day": day, "orders": len(ids)})
        return out

    return {
        "totals": totals,
        "products": finish(products.values()),
        "stores": finish(stores.values()),
        "suppliers": finish(suppliers.values()),
        "recs": [{**r, "day": day} for r in recs],
    }


async def rebuild_day(day: date) -> None:
    """Compute one day's rollups and replace the stored ones in one transaction."""
    rows = await _day_rows(day)
    async with write_transaction():
        for table in (
            DailyTotals,
            DailyProductSales,
            DailyStoreSales,
            DailySupplierSales,
            RecommendationDaily,
        ):
            await table.delete().where(table.day == day)
        await DailyTotals.insert(DailyTotals(**rows["totals"]))
        for table, key in (
            (DailyProductSales, "products"),
            (DailyStoreSales, "stores"),
            (DailySupplierSales, "suppliers"),
            (RecommendationDaily, "recs"),
        ):
            batch: list[Any] = [table(**row) for row in rows[key]]
            for at in range(0, len(batch), 500):
                await table.insert(*batch[at : at + 500])
        # Cached sums of every period that holds this day are stale once this commits.
        await rollups_changed(day)


async def rebuild(start: date, end: date) -> int:
    """Rebuild every day from start to end (both included); returns how many."""
    span = days(start, end)
    for day in span:
        await rebuild_day(day)
    return len(span)


async def refresh_recent() -> int:
    """Rebuild the last `RECENT_DAYS` days, today included."""
    end = today()
    return await rebuild(end - timedelta(days=RECENT_DAYS - 1), end)


async def refresh_forever() -> None:
    """Refresh the recent days and send stock alerts: soon after start, then periodically."""
    await asyncio.sleep(FIRST_REFRESH_SECONDS)
    while True:
        try:
            await refresh_recent()
            await send_stock_alerts()
        except Exception:  # the next refresh tries again; the dashboards keep the last figures
            log.exception("Refreshing the analytics rollups or stock alerts failed")
        await asyncio.sleep(REFRESH_SECONDS)
