"""The store dashboard in the POS: today's pickups, walk-in sales, pickups about to expire."""

from __future__ import annotations

from typing import Any

from analytics.periods import day_bounds, today
from fulfilment.sales_facts import store_day


async def store_board(location_id: int) -> dict[str, Any]:
    """Today (Asia/Shanghai) at one store.

    pickups: paid pickups due by the end of today and not yet handed over (oldest due
    first); expiring: ready pickups whose hold ends before the end of tomorrow; collected:
    pickups handed over today; walk-in: POS sales placed here today (count, fen).
    """
    start, end = day_bounds(today())
    day = await store_day(location_id, start, end)
    return {"day": today().isoformat(), **day}
