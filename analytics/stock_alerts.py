"""Low- and out-of-stock alerts: shown on the supplier dashboard and sent to its inbox.

A stock row is *out* when nothing is available, *low* when what is available is at or below
its threshold (a threshold of 0 means no low alert). An alert is sent once per row and
level; when the row recovers its record is dropped, so a later shortage alerts again.
`send_stock_alerts` runs with the rollup refresh (every few minutes).
"""

from __future__ import annotations

from typing import Any

from accounts.supplier_members import supplier_member_ids
from analytics.tables import StockAlert
from core.database import write_transaction
from locations.supplier_stock import supplier_levels
from notifications.service import notify_user


def level_of(row: dict[str, Any]) -> str:
    """'out', 'low' or '' (fine) for a stock row with available and low_stock_threshold."""
    if row["available"] <= 0:
        return "out"
    if row["low_stock_threshold"] > 0 and row["available"] <= row["low_stock_threshold"]:
        return "low"
    return ""


def alerts_in(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows that need attention, each with its `level`; out of stock first."""
    found = [row | {"level": level_of(row)} for row in rows]
    found = [row for row in found if row["level"]]
    found.sort(key=lambda r: (r["level"] != "out", r["location_id"], r["sku"]))
    return found


async def send_stock_alerts(supplier_id: int | None = None) -> int:
    """Message each supplier's people about new shortages; returns the alerts sent."""
    rows = await supplier_levels(supplier_id)
    current = {(r["supplier_id"], r["location_id"], r["variant_id"]): r for r in alerts_in(rows)}
    query = StockAlert.select()
    if supplier_id is not None:
        query = query.where(StockAlert.supplier_id == supplier_id)
    sent = {(a["supplier_id"], a["location_id"], a["variant_id"]): a for a in await query}
    fresh = [row for key, row in current.items() if sent.get(key, {}).get("level") != row["level"]]
    recovered = [a["id"] for key, a in sent.items() if key not in current]
    members: dict[int, list[int]] = {}
    async with write_transaction():
        if recovered:
            await StockAlert.delete().where(StockAlert.id.is_in(recovered))
        for row in fresh:
            key = (row["supplier_id"], row["location_id"], row["variant_id"])
            if key in sent:
                await StockAlert.delete().where(StockAlert.id == sent[key]["id"])
            await StockAlert.insert(
                StockAlert(
                    supplier_id=row["supplier_id"],
                    location_id=row["location_id"],
                    variant_id=row["variant_id"],
                    level=row["level"],
                )
            )
            if row["supplier_id"] not in members:
                members[row["supplier_id"]] = await supplier_member_ids(row["supplier_id"])
            state = "缺货 / Out of stock" if row["level"] == "out" else "库存不足 / Low stock"
            for user_id in members[row["supplier_id"]]:
                await notify_user(
                    user_id,
                    "stock_alert",
                    title=f"{state}: {row['product_name']} ({row['sku']})",
                    body=f"{row['location_name']}: {row['available']}",
                    link="/supplier/analytics",
                )
    return len(fresh)
