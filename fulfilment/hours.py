"""Opening hours and ready times of stores, in the stores' time zone (Asia/Shanghai)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

STORE_TZ = ZoneInfo("Asia/Shanghai")
#: How a moment is written for people: China time, no `T`, no UTC offset.
SHOWN_TIME = "%Y-%m-%d %H:%M"


def shown_time(at: datetime | str | None, fmt: str = SHOWN_TIME) -> str:
    """A moment as people read it: `2026-11-28 10:18` in China time (Asia/Shanghai).

    Takes a datetime (naive ones are UTC, as the database stores them) or an ISO string
    (event payloads keep times as text); anything unreadable comes back as it is.
    """
    if at is None or at == "":
        return ""
    if isinstance(at, str):
        try:
            moment = datetime.fromisoformat(at)
        except ValueError:
            return at
    else:
        moment = at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(STORE_TZ).strftime(fmt)


def _span(text: str) -> tuple[time, time] | None:
    """("09:00-21:00") → (09:00, 21:00); None for a closed day or an unreadable entry."""
    if not text or "-" not in text:
        return None
    start, end = text.split("-", 1)
    try:
        return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
    except ValueError:
        return None


def is_open(hours: list[str], at: datetime) -> bool:
    """Whether a store with `hours` (Monday first) is open at `at`."""
    if not hours:
        return True
    local = at.astimezone(STORE_TZ)
    span = _span(hours[local.weekday() % len(hours)])
    if span is None:
        return False
    start, end = span
    now = local.time()
    return start <= now < end if start < end else now >= start or now < end


def ready_time(now: datetime, prep_minutes: int, hours: list[str]) -> datetime:
    """When a pickup order placed at `now` can be collected.

    The store needs `prep_minutes` of open time: an order placed while it is closed (or too
    late to finish before closing) is ready `prep_minutes` after the next opening.
    """
    prep = timedelta(minutes=max(0, prep_minutes))
    ready = (now + prep).astimezone(STORE_TZ)
    if not hours:
        return ready
    for offset in range(8):
        day = (ready + timedelta(days=offset)).date()
        span = _span(hours[day.weekday() % len(hours)])
        if span is None:
            continue
        opens = datetime.combine(day, span[0], STORE_TZ)
        closes = datetime.combine(day, span[1], STORE_TZ)
        if closes <= opens:
            closes += timedelta(days=1)
        if ready < opens + prep:
            return opens + prep
        if ready <= closes:
            return ready
    return ready
