"""The search index: each product's terms, facets and lowest price, kept in the database.

`index_products` rebuilds the rows of some products; product creation and edits call it in
their own transaction (`index_product`), so a product is findable the moment it commits.
A category rename marks its products stale (`mark_category_stale`) and rebuilds them after
the commit; `reindex_stale` (run by the app's start-up catch-up too) rebuilds every product
whose `search_version` is not `INDEX_VERSION`, e.g. after a change to the analysis.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from catalog.catalog_cache import catalog_changed
from catalog.search_analysis import MAX_TERM, merge, normalise_text, warm_up, weighted_terms
from catalog.tables import Category, Product, SearchFacet, SearchTerm, Variant
from core.background import in_background
from core.database import after_commit, current_engine, is_postgres, write_transaction

log = logging.getLogger(__name__)

#: Bump when the analysis changes: every product is then rebuilt by the catch-up.
INDEX_VERSION = 1
#: Products rebuilt per transaction by `reindex_stale`.
BATCH = 500
#: Products rebuilt by one `reindex_stale` after which the planner's statistics are refreshed.
ANALYSE_AFTER = 10_000
#: Parameters per multi-row INSERT (well under SQLite's 32,766 and asyncpg's 32,767).
PARAMETERS_PER_INSERT = 9_000
#: Term row column: (the product column it copies, the value a NULL becomes). A trigger on
#: `product` (migration 2026-12-04T21:40) copies them when any but `price_from` changes;
#: `price_from` is written only by `index_products`, which writes the copies too. Sales are
#: copied from `search_sales`, which `catalog.search_sales` keeps up with `sales_count`.
COPIED: dict[str, tuple[str, Any]] = {
    "status": ("status", ""),
    "price_from": ("price_from", 0),
    "sales_count": ("search_sales", 0),
    "brand": ("brand", ""),
    "category": ("category", 0),
    "supplier": ("supplier", 0),
}

#: Weights per field: a word of the name counts most, a spec value least.
NAME, SKU, BRAND, NAME_EN, CATEGORY, PARENT_CATEGORY, SPEC = 10, 9, 8, 5, 3, 2, 2


@dataclass(slots=True)
class ProductFacts:
    """What the index is built from for one product."""

    name: str
    name_en: str = ""
    brand: str = ""
    categories: list[str] = field(default_factory=list)
    parent_categories: list[str] = field(default_factory=list)
    skus: list[str] = field(default_factory=list)
    specs: dict[str, list[str]] = field(default_factory=dict)
    prices: list[int] = field(default_factory=list)


def terms_of(facts: ProductFacts) -> dict[str, int]:
    """The product's terms and their weights (the highest any field gives a term)."""
    return merge(
        weighted_terms(facts.name, NAME),
        weighted_terms(facts.brand, BRAND),
        weighted_terms(facts.name_en, NAME_EN, pinyin=False),
        *(weighted_terms(c, CATEGORY) for c in facts.categories),
        *(weighted_terms(c, PARENT_CATEGORY) for c in facts.parent_categories),
        *(weighted_terms(v, SPEC) for values in facts.specs.values() for v in values),
        {normalise_text(s).replace(" ", "")[:MAX_TERM]: SKU for s in facts.skus if s.strip()},
    )


def facets_of(facts: ProductFacts) -> list[tuple[str, str]]:
    """The product's (spec name, value) pairs, trimmed to the column size."""
    pairs = [
        (name.strip()[:64], value.strip()[:64])
        for name, values in facts.specs.items()
        for value in values
        if name.strip() and value.strip()
    ]
    return list(dict.fromkeys(pairs))


def _json(value: Any, default: Any) -> Any:
    """A JSON column's value (Piccolo may hand back the text)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return default
    return value if value is not None else default


async def _facts(product_ids: list[int]) -> dict[int, ProductFacts]:
    """Facts of the products, read in three queries."""
    rows = await Product.select(
        Product.id,
        Product.name,
        Product.name_en,
        Product.brand,
        Product.specs,
        Product.category,
    ).where(Product.id.is_in(product_ids))
    categories = {
        c["id"]: c
        for c in await Category.select(
            Category.id, Category.name_zh, Category.name_en, Category.parent
        )
    }
    variants: dict[int, list[dict[str, Any]]] = {}
    for v in await Variant.select(Variant.product, Variant.sku, Variant.price).where(
        (Variant.product.is_in(product_ids)) & (Variant.is_active == True)  # noqa: E712
    ):
        variants.setdefault(v["product"], []).append(v)
    facts: dict[int, ProductFacts] = {}
    for row in rows:
        own = categories.get(row["category"])
        parents: list[str] = []
        parent_id = own["parent"] if own else None
        seen: set[int] = set()
        while parent_id is not None and parent_id in categories and parent_id not in seen:
            seen.add(parent_id)
            parents += [categories[parent_id]["name_zh"], categories[parent_id]["name_en"]]
            parent_id = categories[parent_id]["parent"]
        specs = _json(row["specs"], {})
        facts[row["id"]] = ProductFacts(
            name=row["name"],
            name_en=row["name_en"],
            brand=row["brand"],
            categories=[own["name_zh"], own["name_en"]] if own else [],
            parent_categories=parents,
            skus=[v["sku"] for v in variants.get(row["id"], [])],
            specs={str(k): [str(x) for x in vs] for k, vs in specs.items()}
            if isinstance(specs, dict)
            else {},
            prices=[v["price"] for v in variants.get(row["id"], [])],
        )
    return facts


async def index_products(product_ids: Iterable[int]) -> None:
    """Rebuild the terms, facets, lowest price and index version of these products.

    Cached search answers are dropped after the commit (`catalog_changed`): the rows are
    written in raw SQL, which `TracksCatalogChanges` does not see.
    """
    ids = sorted(set(product_ids))
    if not ids:
        return
    async with write_transaction():
        await catalog_changed()
        if is_postgres(current_engine()):
            # Two processes indexing the same product take turns (SQLite writes one at a time).
            await Product.raw(
                f"SELECT id FROM product WHERE id IN ({', '.join(['{}'] * len(ids))}) "
                "ORDER BY id FOR UPDATE",
                *ids,
            )
        facts = await _facts(ids)
        await SearchTerm.delete().where(SearchTerm.product.is_in(ids))
        await SearchFacet.delete().where(SearchFacet.product.is_in(ids))
        # One statement for the batch: the lowest active price and the index version; it
        # hands back the columns each term row carries a copy of (the trigger that keeps
        # the copies found no row to update: they were just deleted).
        copied = {
            row["id"]: row
            for row in await Product.raw(
                "UPDATE product SET price_from = COALESCE((SELECT MIN(v.price) FROM variant v "
                "WHERE v.product = product.id AND v.is_active = {}), 0), search_version = {} "
                f"WHERE id IN ({', '.join(['{}'] * len(ids))}) RETURNING id, "
                + ", ".join(f"{p} AS {t}" for t, (p, _) in COPIED.items()),
                True,
                INDEX_VERSION,
                *ids,
            )
        }
        terms: list[tuple[Any, ...]] = []
        facets: list[tuple[Any, ...]] = []
        for product_id in ids:
            fact = facts.get(product_id)
            if fact is None:
                continue
            same = tuple(copied[product_id][t] or default for t, (_, default) in COPIED.items())
            terms += [(product_id, t, w, *same) for t, w in terms_of(fact).items()]
            facets += [(product_id, n, v) for n, v in facets_of(fact)]
        await _insert_rows(f"search_term (product, term, weight, {', '.join(COPIED)})", terms)
        await _insert_rows("search_facet (product, name, value)", facets)


async def _insert_rows(target: str, rows: list[tuple[Any, ...]]) -> None:
    """Insert rows in multi-row INSERTs (under both engines' parameter limits)."""
    if not rows:
        return
    row = "(" + ", ".join(["{}"] * len(rows[0])) + ")"
    per_insert = PARAMETERS_PER_INSERT // len(rows[0])
    for start in range(0, len(rows), per_insert):
        chunk = rows[start : start + per_insert]
        values = ", ".join([row] * len(chunk))
        await SearchTerm.raw(
            f"INSERT INTO {target} VALUES {values}", *[v for row in chunk for v in row]
        )


async def copies_out_of_step() -> int:
    """How many term rows hold a copy (`COPIED`) that differs from their product's column.

    0 whenever the index build and the trigger do their work; what the sales refresh has
    not yet reached counts as in step (the copy follows `search_sales`, not `sales_count`).
    """
    differs = " OR ".join(f"t.{t} <> COALESCE(p.{p}, {d!r})" for t, (p, d) in COPIED.items())
    rows = await SearchTerm.raw(
        "SELECT COUNT(*) AS n FROM search_term t JOIN product p ON p.id = t.product "
        f"WHERE {differs}"
    )
    return int(rows[0]["n"])


async def index_product(product_id: int) -> None:
    """Rebuild one product's index rows (in the caller's transaction, if any)."""
    await index_products([product_id])


async def reindex_stale(batch: int = BATCH) -> int:
    """Rebuild every product built with another index version; returns how many.

    After a large rebuild (a new index version, a first start on loaded products) the term
    and facet tables are analysed at once: until autovacuum gets to them, PostgreSQL would
    plan searches on the old row counts (SQLite has no statistics until ANALYZE).
    """
    done = 0
    while True:
        rows = (
            await Product.select(Product.id)
            .where(Product.search_version != INDEX_VERSION)
            .order_by(Product.id)
            .limit(batch)
        )
        if not rows:
            if done >= ANALYSE_AFTER:
                for table in ("search_term", "search_facet"):
                    await current_engine().run_ddl(f"ANALYZE {table}")
            return done
        await index_products([r["id"] for r in rows])
        done += len(rows)


async def mark_category_stale(category_ids: list[int]) -> None:
    """Mark the products of these categories stale and rebuild them once the commit is done."""
    if not category_ids:
        return
    await Product.update({Product.search_version: 0}).where(Product.category.is_in(category_ids))

    async def rebuild() -> None:
        await reindex_stale()

    await after_commit(rebuild)


async def _catch_up() -> None:
    """Load jieba's dictionary, then rebuild stale products (logged, never raised)."""
    try:
        await asyncio.to_thread(warm_up)
        done = await reindex_stale()
        if done:
            log.info("search index: rebuilt %d products", done)
    except Exception:  # a failed catch-up must not stop the app; the next start retries
        log.exception("search index catch-up failed")


@asynccontextmanager
async def catch_up_lifespan(app: Any) -> AsyncIterator[None]:
    """Run the catch-up in the background while the app serves (after the database opens)."""
    async with in_background({"kuaiqu-search-catch-up": _catch_up()}):
        yield
