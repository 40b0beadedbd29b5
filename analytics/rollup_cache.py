"""Sums read from the daily rollups, kept per period until a day they cover is rebuilt.

The dashboards' figures are sums over rollup rows, and those rows change only when
`analytics.rollups.rebuild_day` replaces a day. The app's refresh rebuilds the last
`RECENT_DAYS` days every few minutes; older days are settled (rebuilt only by hand). So a
period is read in two parts, each cached under its own version (`core.versions`: Redis
when configured, so every process sees a rebuild): the settled days, under
"analytics-rollups-settled", bumped only when a settled day is rebuilt, and the recent
days, under "analytics-rollups-recent", bumped by every rebuild. After a refresh only the
recent part (at most `RECENT_DAYS` days) is summed again, whatever the period's length,
and a cached answer is always what the same read would return now. Names of products,
categories, suppliers and places are not cached here; callers read them live.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from datetime import date, timedelta
from typing import Any

from analytics.periods import today
from core import versions
from core.database import after_commit

#: Days the app's refresh rebuilds (today and the days before it); older days are settled.
RECENT_DAYS = 14
SETTLED_VERSION = "analytics-rollups-settled"
RECENT_VERSION = "analytics-rollups-recent"
#: Reads kept per process; the least recently used one is dropped beyond this.
MAX_ENTRIES = 2_000

Rows = list[dict[str, Any]]
_entries: OrderedDict[Hashable, tuple[Hashable, Rows]] = OrderedDict()
versions.on_configure(_entries.clear)


def first_recent_day() -> date:
    """The oldest day the refresh still rebuilds."""
    return today() - timedelta(days=RECENT_DAYS - 1)


async def _cached(version_key: str, key: Hashable, load: Callable[[], Awaitable[Rows]]) -> Rows:
    # Version first, then the load: a rebuild committed meanwhile bumps it again.
    version = await versions.current(version_key)
    entry = _entries.get(key)
    if entry is not None and entry[0] == version:
        _entries.move_to_end(key)
        return entry[1]
    rows = [dict(row) for row in await load()]
    _remember(key, version, rows)
    return rows


def _remember(key: Hashable, version: Hashable, rows: Rows) -> None:
    _entries[key] = (version, rows)
    if len(_entries) > MAX_ENTRIES:
        _entries.popitem(last=False)


async def cached_sums(
    key: Hashable,
    start: date,
    end: date,
    load: Callable[[date, date], Awaitable[Rows]],
    combine: Callable[[list[Rows]], Rows],
) -> Rows:
    """`combine` of `load(first, last)`'s rows for the settled and the recent days.

    Each part is cached on its own, and their combination under both versions, so a
    dashboard after a refresh loads only the recent part and an unchanged one loads
    nothing. Every call gets its own copies of the rows: callers may change them freely.
    """
    both = (await versions.current(SETTLED_VERSION), await versions.current(RECENT_VERSION))
    whole = ("combined", key, start, end)
    entry = _entries.get(whole)
    if entry is not None and entry[0] == both:
        _entries.move_to_end(whole)
        return [dict(row) for row in entry[1]]
    boundary = first_recent_day()
    parts: list[Rows] = []
    if start < boundary:
        last = min(end, boundary - timedelta(days=1))
        parts.append(await _cached(SETTLED_VERSION, (key, start, last), lambda: load(start, last)))
    if end >= boundary:
        first = max(start, boundary)
        parts.append(await _cached(RECENT_VERSION, (key, first, end), lambda: load(first, end)))
    rows = combine([[dict(row) for row in part] for part in parts])
    _remember(whole, both, rows)
    return [dict(row) for row in rows]


async def rollups_changed(day: date) -> None:
    """Drop the cached sums that cover `day` once the current transaction commits."""
    settled = day < first_recent_day()

    async def bump() -> None:
        await versions.bump(RECENT_VERSION)
        if settled:
            await versions.bump(SETTLED_VERSION)

    await after_commit(bump)
