"""Keyword search over listed products, the same on SQLite and PostgreSQL.

Matching is LIKE on `Product.search_text` (lower-cased, NFKC-normalised names, brand,
category names and SKU codes), one condition per keyword, so Chinese works without a
tokenizer ("手机" is a substring of "华为 mate 60 手机") and both engines agree. Relevance is
computed here in Python from where the keywords occur, and sorting and paging happen after
it, so the order never depends on an engine's collation or FTS ranking.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from catalog.categories import descendant_ids
from catalog.errors import CategoryNotFound
from catalog.listings import visible_to_consumers
from catalog.products import normalise_text
from catalog.tables import Category, Product, Variant
from core.errors import InvalidInput

SORTS = ("relevance", "sales", "price_asc", "price_desc", "newest")
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """What a consumer asks for; every field optional."""

    q: str = ""
    category_id: int | None = None
    supplier_id: int | None = None
    min_price: int | None = None
    max_price: int | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = PAGE_SIZE


@dataclass(frozen=True, slots=True)
class SearchResult:
    """One page of matching products."""

    items: list[dict[str, Any]]
    page: int
    pages: int
    total: int


def keywords(q: str) -> list[str]:
    """The normalised keywords of a query, without duplicates."""
    return list(dict.fromkeys(normalise_text(q).split()))[:8]


def _like_pattern(term: str) -> str:
    """A LIKE pattern matching at least every text containing `term`.

    SQLite has no default LIKE escape character, so instead of escaping, `%` and `_` keep
    their wildcard meaning and a backslash becomes `_`; the exact substring test in Python
    then drops the extra matches.
    """
    return "%" + term.replace("\\", "_") + "%"


def relevance(terms: list[str], name: str, brand: str, search_text: str) -> int:
    """Score a product for the keywords: name hits weigh most, a name starting with one most."""
    name_n, brand_n = normalise_text(name), normalise_text(brand)
    score = 0
    for term in terms:
        if name_n.startswith(term):
            score += 12
        if term in name_n:
            score += 8 + 2 * name_n.count(term)
        if term == brand_n or term in brand_n:
            score += 5
        if term in search_text:
            score += 1
    return score


def check_query(query: SearchQuery) -> None:
    """Refuse an unknown sort, a bad page or an inverted price range with a clear message."""
    if query.sort not in SORTS:
        raise InvalidInput("sort must be one of {sorts}", sorts=", ".join(SORTS))
    if query.page < 1:
        raise InvalidInput("page must be 1 or more")
    if not 1 <= query.per_page <= MAX_PAGE_SIZE:
        raise InvalidInput("per_page must be between 1 and {n}", n=MAX_PAGE_SIZE)
    for value in (query.min_price, query.max_price):
        if value is not None and value < 0:
            raise InvalidInput("Prices cannot be negative")
    if (
        query.min_price is not None
        and query.max_price is not None
        and query.min_price > query.max_price
    ):
        raise InvalidInput("min_price must not be above max_price")


async def search_products(query: SearchQuery) -> SearchResult:
    """Listed products of active suppliers matching the query, sorted and paged."""
    check_query(query)
    terms = keywords(query.q)
    select = Product.select(
        Product.id,
        Product.name,
        Product.name_en,
        Product.brand,
        Product.image,
        Product.search_text,
        Product.sales_count,
        Product.review_count,
        Product.rating_sum,
        Product.created_at,
        Product.supplier.id.as_alias("supplier_id"),
        Product.supplier.name.as_alias("supplier_name"),
    ).where(visible_to_consumers())
    for term in terms:
        select = select.where(Product.search_text.like(_like_pattern(term)))
    if query.category_id is not None:
        if not await Category.exists().where(Category.id == query.category_id):
            raise CategoryNotFound("No category {id}", id=query.category_id)
        select = select.where(Product.category.is_in(await descendant_ids(query.category_id)))
    if query.supplier_id is not None:
        select = select.where(Product.supplier == query.supplier_id)
    rows = await select
    variants: dict[int, list[dict[str, Any]]] = {}
    if rows:
        for v in (
            await Variant.select(Variant.id, Variant.sku, Variant.price, Variant.product)
            .where(Variant.product.is_in([r["id"] for r in rows]))
            .where(Variant.is_active == True)  # noqa: E712
            .order_by(Variant.id)
        ):
            variants.setdefault(v["product"], []).append(
                {"id": v["id"], "sku": v["sku"], "price": v["price"]}
            )
    found = []
    for row in rows:
        own = variants.get(row["id"], [])
        if not own or not all(term in row["search_text"] for term in terms):
            continue
        price_from = min(v["price"] for v in own)
        if query.min_price is not None and price_from < query.min_price:
            continue
        if query.max_price is not None and price_from > query.max_price:
            continue
        score = relevance(terms, row["name"], row["brand"], row["search_text"])
        found.append(row | {"price_from": price_from, "variants": own, "score": score})
    _sort(found, query.sort)
    total = len(found)
    pages = max(1, math.ceil(total / query.per_page))
    start = (query.page - 1) * query.per_page
    items = found[start : start + query.per_page]
    for item in items:
        item.pop("search_text", None)
    return SearchResult(items=items, page=query.page, pages=pages, total=total)


def _sort(found: list[dict[str, Any]], sort: str) -> None:
    """Sort in place; ties always fall back to the newest id, so pages never overlap."""
    keys = {
        "relevance": lambda r: (-r["score"], -r["sales_count"], -r["id"]),
        "sales": lambda r: (-r["sales_count"], -r["id"]),
        "price_asc": lambda r: (r["price_from"], -r["id"]),
        "price_desc": lambda r: (-r["price_from"], -r["id"]),
        "newest": lambda r: (-r["id"],),
    }
    found.sort(key=keys[sort])
