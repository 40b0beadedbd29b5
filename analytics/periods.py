"""Days, weeks and months of Asia/Shanghai, and the UTC bounds of a day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Longest period a dashboard answers for, in days.
MAX_DAYS = 731


class Grain(StrEnum):
    """How a series is bucketed."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


def today() -> date:
    """Today in Asia/Shanghai."""
    return datetime.now(SHANGHAI).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants where a Shanghai day starts and the next one starts."""
    start = datetime.combine(day, time(0), tzinfo=SHANGHAI)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def day_of(moment: datetime) -> date:
    """The Shanghai day of an instant."""
    return moment.astimezone(SHANGHAI).date()


def days(start: date, end: date) -> list[date]:
    """Every day from start to end, both included."""
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def bucket(day: date, grain: Grain) -> date:
    """The first day of the day's bucket: itself, its Monday, or the 1st of its month."""
    if grain is Grain.WEEK:
        return day - timedelta(days=day.weekday())
    if grain is Grain.MONTH:
        return day.replace(day=1)
    return day
