"""Sums read from the daily rollups, kept per period until a rollup day is rebuilt.

The dashboards' figures are sums over rollup rows, and those rows change only when
`analytics.rollups.rebuild_day` replaces a day (the app's refresh does that for the recent
days every `REFRESH_SECONDS`). So each summing read is cached under its period and the
"analytics-rollups" version (`core.versions`: Redis when configured, so every process sees
a rebuild), which `rebuild_day` bumps once its transaction commits: a cached answer is
always what the same read would return now, never older than the last rebuild. Names of
products, categories, suppliers and places are not cached here; callers read them live.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from core import versions
from core.database import after_commit

ROLLUPS_VERSION = "analytics-rollups"
#: Reads kept per process; the least recently used one is dropped beyond this.
MAX_ENTRIES = 2_000

_entries: OrderedDict[Hashable, tuple[int, list[dict[str, Any]]]] = OrderedDict()
versions.on_configure(_entries.clear)


async def cached_rows(
    key: Hashable, load: Callable[[], Awaitable[list[dict[str, Any]]]]
) -> list[dict[str, Any]]:
    """`load()`'s rows for `key`, reused until a rollup day is rebuilt.

    Each call gets its own copies of the rows, so callers may change them freely.
    """
    # Version first, then the load: a rebuild committed meanwhile bumps it again.
    version = await versions.current(ROLLUPS_VERSION)
    entry = _entries.get(key)
    if entry is not None and entry[0] == version:
        _entries.move_to_end(key)
        rows = entry[1]
    else:
        rows = [dict(row) for row in await load()]
        _entries[key] = (version, rows)
        if len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return [dict(row) for row in rows]


async def rollups_changed() -> None:
    """Drop every cached rollup read once the current transaction commits."""

    async def bump() -> None:
        _entries.clear()
        await versions.bump(ROLLUPS_VERSION)

    await after_commit(bump)
