"""The catalog as consumers see it (product detail, review pages), cached until it changes.

One version (`core.versions` key "catalog", in Redis when configured) covers the catalog:
every insert, update and delete on the tables a product page shows (products, variants,
suppliers, categories, reviews) bumps it after its transaction commits, through the
`TracksCatalogChanges` base of those tables, so no write path can forget to. Catalog writes
are rare next to product views, so one coarse version keeps it simple; stock is not part of
it (it stays live through the stock fragment and websocket).

`cached` holds the data answers; a bulkier or more numerous kind of answer (the product
page's rendered body, `storefront/product_body.py`; search answers, `catalog/search.py`)
keeps its own `CatalogCache` under the same version.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Iterable
from typing import Any, TypeVar

from core import versions
from core.database import after_commit, pending_after_commit
from core.shared_reads import SharedReads

CATALOG_VERSION = "catalog"
#: Entries kept per process; the least recently used one is dropped beyond this.
MAX_ENTRIES = 5_000

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


class CatalogCache:
    """Answers kept until the catalog changes, the least recently used dropped beyond a bound.

    The catalog's data answers share one (`cached`); a kind of answer much bigger than those
    (a page's rendered HTML) keeps its own, so it cannot push the data out.
    """

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        #: key → (catalog version, monotonic time loaded, value)
        self._entries: OrderedDict[Hashable, tuple[int, float, Any]] = OrderedDict()
        self._loads = SharedReads()
        _caches.append(self)

    async def cached(
        self, key: Hashable, load: Callable[[], Awaitable[T]], *, max_age_s: float | None = None
    ) -> T:
        """`load()`'s answer for `key`, reused until the catalog changes (errors are not kept).

        `max_age_s` also bounds how long the answer is reused, for answers that depend on
        something that changes without a catalog write (sales counts). Callers must treat
        the answer as read-only: it is shared by every request. Requests missing the same
        entry at once share one load (after a catalog change, fifty viewers of a busy page
        would otherwise each render it).
        """
        # Version first, then the load: a write committed meanwhile bumps it again.
        version = await versions.current(CATALOG_VERSION)
        entry = self._fresh(key, version, max_age_s)
        if entry is not None:
            return entry[2]
        if _in_write_transaction():
            return await load()

        async def load_and_keep() -> T:
            loaded_at = time.monotonic()
            value = await load()
            self._keep(key, version, loaded_at, value)
            return value

        return await self._loads.read((key, version), load_and_keep)

    async def cached_each(
        self, keys: Iterable[K], load: Callable[[list[K]], Awaitable[dict[K, T]]]
    ) -> dict[K, T]:
        """The answer for each key, reused per key until the catalog changes.

        `load(missing)` reads the keys not held (in one go) and answers for those that
        exist; a key it does not answer is left out, and asked again next time.
        """
        version = await versions.current(CATALOG_VERSION)
        found: dict[K, T] = {}
        missing: list[K] = []
        for key in set(keys):
            entry = self._fresh(key, version, None)
            if entry is not None:
                found[key] = entry[2]
            else:
                missing.append(key)
        if missing:
            loaded_at = time.monotonic()
            loaded = await load(missing)
            if not _in_write_transaction():
                for key, value in loaded.items():
                    self._keep(key, version, loaded_at, value)
            found |= loaded
        return found

    def _fresh(
        self, key: Hashable, version: int, max_age_s: float | None
    ) -> tuple[int, float, Any] | None:
        """The entry of `key` if it is of `version` (and young enough), marked recently used."""
        entry = self._entries.get(key)
        if (
            entry is None
            or entry[0] != version
            or (max_age_s is not None and time.monotonic() - entry[1] >= max_age_s)
        ):
            return None
        self._entries.move_to_end(key)
        return entry

    def _keep(self, key: Hashable, version: int, loaded_at: float, value: Any) -> None:
        """Keep `value` under `key`, dropping the least recently used beyond the bound."""
        self._entries[key] = (version, loaded_at, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        """Drop every entry."""
        self._entries.clear()


_caches: list[CatalogCache] = []


def _in_write_transaction() -> bool:
    """Whether a write transaction is open (its answers are neither kept nor shared).

    Inside one, a read may see the transaction's own uncommitted rows, which a rollback
    would leave in the cache for every other request.
    """
    return pending_after_commit() is not None


def _clear_all() -> None:
    for cache in _caches:
        cache.clear()


versions.on_configure(_clear_all)
# Nearly every page and order reads the catalog's version: fetch it with a request's first.
versions.read_with_first_read(CATALOG_VERSION)
_answers = CatalogCache(MAX_ENTRIES)


async def cached(
    key: Hashable, load: Callable[[], Awaitable[T]], *, max_age_s: float | None = None
) -> T:
    """`load()`'s answer for `key`, reused until the catalog changes (errors are not kept).

    `max_age_s` as in `CatalogCache.cached`. Callers must treat the answer as read-only: it
    is shared by every request.
    """
    return await _answers.cached(key, load, max_age_s=max_age_s)


async def catalog_changed() -> None:
    """Drop every cached catalog answer once the current transaction commits."""

    async def bump() -> None:
        _clear_all()
        await versions.bump(CATALOG_VERSION)

    await after_commit(bump)


_announcing_classes: dict[type, type] = {}


def _announcing(query: Any) -> Any:
    """Have `query` announce a catalog change once it has run (and committed)."""
    plain = type(query)
    announcing = _announcing_classes.get(plain)
    if announcing is None:

        async def run(self: Any, *args: Any, **kwargs: Any) -> Any:
            result = await plain.run(self, *args, **kwargs)
            await catalog_changed()
            return result

        # Piccolo's queries have slots, so the query changes class rather than attribute.
        announcing = type(f"Announcing{plain.__name__}", (plain,), {"__slots__": (), "run": run})
        _announcing_classes[plain] = announcing
    query.__class__ = announcing
    return query


class TracksCatalogChanges:
    """Base of the catalog tables a product page shows: their writes drop the cache."""

    @classmethod
    def insert(cls, *rows: Any) -> Any:
        """Piccolo's insert, announcing the change after it runs."""
        return _announcing(super().insert(*rows))  # type: ignore[misc]

    @classmethod
    def update(cls, *args: Any, **kwargs: Any) -> Any:
        """Piccolo's update, announcing the change after it runs."""
        return _announcing(super().update(*args, **kwargs))  # type: ignore[misc]

    @classmethod
    def update_unannounced(cls, *args: Any, **kwargs: Any) -> Any:
        """Piccolo's update, leaving the cache as it is: only for columns no cached answer holds.

        Sales counts change with every handover; dropping every cached page for them would
        leave the cache empty on a busy platform (search orders by them, live, per query).
        """
        return super().update(*args, **kwargs)  # type: ignore[misc]

    @classmethod
    def delete(cls, *args: Any, **kwargs: Any) -> Any:
        """Piccolo's delete, announcing the change after it runs."""
        return _announcing(super().delete(*args, **kwargs))  # type: ignore[misc]
