"""The return window: 7 days after receipt unless the line's category says otherwise."""

from __future__ import annotations

from datetime import datetime, timedelta

from aftersales.errors import InvalidRequest
from aftersales.tables import ReturnWindow
from catalog.variant_facts import categories_of_variants
from core.database import write_transaction

#: Days to ask after receipt when the category sets none.
DEFAULT_RETURN_DAYS = 7
#: Hours the supplier has to answer a request before the sweep escalates it.
ANSWER_HOURS = 48


async def return_days(variant_id: int) -> int:
    """Days the goods of this variant may be returned after receipt."""
    category = (await categories_of_variants([variant_id])).get(variant_id)
    if category is None:
        return DEFAULT_RETURN_DAYS
    row = await ReturnWindow.select().where(ReturnWindow.category_id == category).first()
    return int(row["days"]) if row else DEFAULT_RETURN_DAYS


async def window_end(variant_id: int, received: datetime) -> datetime:
    """The last moment a request may be made for goods received at `received`."""
    return received + timedelta(days=await return_days(variant_id))


async def set_return_days(category_id: int, days: int) -> None:
    """Set a category's return window (0 to 365 days; 0: no returns)."""
    if isinstance(days, bool) or not 0 <= days <= 365:
        raise InvalidRequest("days: a return window is 0 to 365 days")
    async with write_transaction():
        existing = await ReturnWindow.select().where(ReturnWindow.category_id == category_id)
        if existing:
            await ReturnWindow.update({ReturnWindow.days: days}).where(
                ReturnWindow.category_id == category_id
            )
        else:
            await ReturnWindow.insert(ReturnWindow(category_id=category_id, days=days))
