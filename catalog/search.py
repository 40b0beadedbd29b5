"""Product search over the search index, paged in the database, the same on SQLite and PostgreSQL.

A query is cut into term groups (`catalog.search_analysis`): every group must match a
product (AND), any term of a group may (OR): the word itself, its synonyms
(`catalog.synonyms`) and, for Latin words of three letters or more, the indexed terms it
begins (at most `MAX_PREFIX`, "pingg" → "pingguo"). A product's score is the sum over the
groups of its best term's weight, times 3 for the word typed, 2 for a synonym, 1 for a
prefix. One SQL statement then answers the page, the total and the brand and spec facets
(`WITH m AS MATERIALIZED … UNION ALL …`); only integers are compared and ties fall back to
the id, so both engines give the same pages. Without a query the browse path skips the
term lookups.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from catalog.catalog_cache import CatalogCache, cached
from catalog.categories import descendant_ids
from catalog.errors import CategoryNotFound
from catalog.search_analysis import (
    is_chinese,
    is_latin,
    latin_parts,
    query_pieces,
    split_piece,
    sub_words,
    unique,
)
from catalog.synonyms import synonym_map
from catalog.tables import Category, Product, SearchTerm, Variant
from core.database import current_engine, is_postgres
from core.errors import InvalidInput

SORTS = ("relevance", "sales", "price_asc", "price_desc", "newest")
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
#: Furthest page a query may ask for (deep offsets cost the database, people never go there).
MAX_PAGE = 500
#: Indexed terms one Latin prefix may stand for, and the shortest prefix expanded.
MAX_PREFIX = 20
MIN_PREFIX = 3
#: Facet values returned: brands, and spec values over all spec names.
MAX_BRANDS = 20
MAX_SPEC_VALUES = 60
#: Spec values are counted for a query's matches only up to this many matches (counting
#: them costs a lookup per match; narrowing by a word, category or brand brings them back).
#: Browsing without words always counts them: that answer is cached per catalog version.
MAX_SPEC_FACET_MATCHES = 3_000
#: Filter values one query may carry.
MAX_FILTERS = 10
#: Longest query text, and most term groups one query is cut into (the rest is ignored).
MAX_QUERY_LENGTH = 100
MAX_GROUPS = 12

_ORDER = {
    "relevance": "score DESC, sales_count DESC, id DESC",
    "sales": "sales_count DESC, id DESC",
    "price_asc": "price_from ASC, id DESC",
    "price_desc": "price_from DESC, id DESC",
    "newest": "id DESC",
}


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """What a consumer asks for; every field optional.

    `brands` keeps products of any of these brands; `specs` holds "name:value" filters,
    all of which a product must have.
    """

    q: str = ""
    category_id: int | None = None
    supplier_id: int | None = None
    min_price: int | None = None
    max_price: int | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = PAGE_SIZE
    brands: tuple[str, ...] = ()
    specs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BrandCount:
    """A brand among the results and how many results it has (ignoring the brand filter)."""

    value: str
    count: int


@dataclass(frozen=True, slots=True)
class SpecCount:
    """A spec value among the results and how many results have it."""

    name: str
    value: str
    count: int


@dataclass(frozen=True, slots=True)
class SearchResult:
    """One page of matching products, with the facets of all matches."""

    items: list[dict[str, Any]]
    page: int
    pages: int
    total: int
    brands: list[BrandCount] = field(default_factory=list)
    specs: list[SpecCount] = field(default_factory=list)


@dataclass(slots=True)
class TermGroup:
    """Terms of which a product must have one: the word, its synonyms, the prefix matches."""

    word: str
    synonyms: list[str] = field(default_factory=list)
    prefixed: list[str] = field(default_factory=list)

    def terms(self) -> list[str]:
        """Every term of the group, each once."""
        return unique([self.word, *self.synonyms, *self.prefixed])


def spec_filter(text: str) -> tuple[str, str]:
    """A "name:value" spec filter split in two; 400 naming `spec` when malformed."""
    name, sep, value = text.replace("：", ":").partition(":")
    if not sep or not name.strip() or not value.strip() or len(text) > 130:
        raise InvalidInput("spec must look like name:value, e.g. 颜色:黑色")
    return name.strip(), value.strip()


def check_query(query: SearchQuery) -> None:
    """Refuse an unknown sort, a bad page, an inverted price range or malformed filters."""
    if len(query.q) > MAX_QUERY_LENGTH:
        raise InvalidInput("q may have at most {n} characters", n=MAX_QUERY_LENGTH)
    if query.sort not in SORTS:
        raise InvalidInput("sort must be one of {sorts}", sorts=", ".join(SORTS))
    if not 1 <= query.page <= MAX_PAGE:
        raise InvalidInput("page must be between 1 and {n}", n=MAX_PAGE)
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
    if len(query.brands) > MAX_FILTERS or len(query.specs) > MAX_FILTERS:
        raise InvalidInput("At most {n} brand and {n} spec filters", n=MAX_FILTERS)
    if any(len(b) > 100 for b in query.brands):
        raise InvalidInput("brand may have at most {n} characters", n=100)
    for spec in query.specs:
        spec_filter(spec)


#: Candidate words checked per statement by `_known`.
KNOWN_BATCH = 200


async def _known(terms: list[str]) -> set[str]:
    """Which of these terms some product is indexed under.

    One probe of the term index per term (`EXISTS`): a DISTINCT over the terms' rows read
    every row of a common term on PostgreSQL (黑色: 4 ms of a query's 8 ms of analysis).
    """
    found: set[str] = set()
    # A query of 100 characters gives ~100 candidates at most; batches keep any count under
    # SQLite's limit of 500 parts in one compound SELECT.
    for start in range(0, len(terms), KNOWN_BATCH):
        batch = terms[start : start + KNOWN_BATCH]
        asked = " UNION ALL ".join(["SELECT CAST({} AS TEXT) AS term"] * len(batch))
        rows = await SearchTerm.raw(
            f"SELECT k.term AS term FROM ({asked}) k "
            "WHERE EXISTS (SELECT 1 FROM search_term s WHERE s.term = k.term)",
            *batch,
        )
        found.update(r["term"] for r in rows)
    return found


async def _prefixed(word: str) -> list[str]:
    """Indexed terms that begin with a Latin word (not the word itself), shortest first."""
    upper = word[:-1] + chr(ord(word[-1]) + 1)
    rows = await SearchTerm.raw(
        "SELECT DISTINCT term FROM search_term WHERE term > {} AND term < {} "
        "ORDER BY term LIMIT {}",
        word,
        upper,
        MAX_PREFIX * 5,
    )
    found = [r["term"] for r in rows if r["term"].startswith(word)]
    return sorted(found, key=lambda t: (len(t), t))[:MAX_PREFIX]


async def term_groups(q: str) -> list[TermGroup]:
    """The term groups of a query (empty when it holds no word)."""
    pieces = query_pieces(q)
    if not pieces:
        return []
    synonyms = await synonym_map()
    candidates: list[str] = []
    for piece in pieces:
        candidates.append(piece)
        for word in split_piece(piece):
            candidates += [word, *latin_parts(word)]
            if is_chinese(word):
                candidates += sub_words(word)
    known = await _known(unique(candidates))

    def findable(word: str) -> bool:
        return word in known or word in synonyms

    words: list[str] = []
    for piece in pieces:
        if findable(piece):
            words.append(piece)
            continue
        for word in split_piece(piece):
            if findable(word) or (is_latin(word) and word.isalpha()):
                words.append(word)
            elif is_latin(word) and latin_parts(word):
                words += latin_parts(word)
            elif is_chinese(word) and len(word) > 1:
                inner = [w for w in sub_words(word) if findable(w)]
                words += inner or [word]
            else:
                words.append(word)
    groups = [TermGroup(word=w, synonyms=synonyms.get(w, [])) for w in unique(words)][:MAX_GROUPS]
    for group in groups:
        if is_latin(group.word) and group.word.isalpha() and len(group.word) >= MIN_PREFIX:
            group.prefixed = await _prefixed(group.word)
    return groups


def _marks(n: int) -> str:
    return ", ".join(["{}"] * n)


class _Sql:
    """SQL text and its arguments, written in order (placeholders are `{}`)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.args: list[Any] = []

    def add(self, text: str, *args: Any) -> _Sql:
        self.parts.append(text)
        self.args.extend(args)
        return self

    def text(self) -> str:
        return "".join(self.parts)


#: The suppliers whose listed products consumers see (`catalog.listings.visible_to_consumers`).
ACTIVE_SUPPLIERS = "(SELECT id FROM supplier WHERE status = 'active')"
ACTIVE_SUPPLIER = f"p.supplier IN {ACTIVE_SUPPLIERS}"


def _visible(
    sql: _Sql,
    query: SearchQuery,
    category_ids: list[int] | None,
    *,
    supplier: bool = True,
    specs: bool = True,
) -> None:
    """WHERE conditions on `product p`: listed, priced, of an active supplier, the filters.

    `supplier=False` leaves out the supplier's condition (`ACTIVE_SUPPLIER`), `specs=False`
    the spec filters, for the caller to place.
    """
    sql.add("p.status = 'listed' AND p.price_from > 0")
    if supplier:
        sql.add(f" AND {ACTIVE_SUPPLIER}")
    if category_ids is not None:
        sql.add(f" AND p.category IN ({_marks(len(category_ids))})", *category_ids)
    if query.supplier_id is not None:
        sql.add(" AND p.supplier = {}", query.supplier_id)
    if query.min_price is not None:
        sql.add(" AND p.price_from >= {}", query.min_price)
    if query.max_price is not None:
        sql.add(" AND p.price_from <= {}", query.max_price)
    for spec in unique(query.specs) if specs else ():
        name, value = spec_filter(spec)
        sql.add(
            " AND EXISTS (SELECT 1 FROM search_facet sf "
            "WHERE sf.product = p.id AND sf.name = {} AND sf.value = {})",
            name,
            value,
        )


def _brands(query: SearchQuery) -> list[str]:
    return unique(b.strip() for b in query.brands if b.strip())


def _brand_filter(sql: _Sql, query: SearchQuery) -> str:
    """Narrow the matches CTE `b` to the chosen brands; the name of the CTE to read from."""
    brands = _brands(query)
    if not brands:
        return "b"
    sql.add(f", f AS MATERIALIZED (SELECT * FROM b WHERE brand IN ({_marks(len(brands))}))")
    sql.args += brands
    return "f"


def _aggregates(
    sql: _Sql, matches: str, unfiltered: str, *, spec_limit: int | None, postgres: bool = False
) -> None:
    """UNION ALL parts: the total and spec values of `matches`, the brands of `unfiltered`.

    With `spec_limit`, spec values are counted only when the matches are that many or fewer
    (counted once: the condition does not depend on the row); on PostgreSQL those few
    matches then look their facets up one by one (`OFFSET 0`: left to itself the planner
    may hash the whole facet table) rather than read every facet row.
    """
    sql.add(
        f" UNION ALL SELECT 1, COUNT(*), 0, '', '' FROM {matches}"
        f" UNION ALL SELECT 2, COUNT(*), 0, brand, '' FROM {unfiltered} WHERE brand <> ''"
        " GROUP BY brand"
        " UNION ALL SELECT 3, COUNT(*), 0, sf.name, sf.value FROM "
    )
    if postgres and spec_limit is not None:
        sql.add(
            f"{matches} CROSS JOIN LATERAL (SELECT name, value FROM search_facet "
            f"WHERE product = {matches}.id OFFSET 0) sf"
        )
    elif postgres:
        # A category's products as one array into the facet index: left to itself
        # PostgreSQL merge-joined every facet row of the catalogue (a category of 9,300
        # products: 34 ms, this way 16 ms; the whole catalogue 175 against 167 ms).
        sql.add(f"search_facet sf WHERE sf.product = ANY(ARRAY(SELECT id FROM {matches}))")
    else:
        sql.add(f"search_facet sf JOIN {matches} ON sf.product = {matches}.id")
    if spec_limit is not None:
        sql.add(f" WHERE (SELECT COUNT(*) FROM {matches}) <= {{}}", spec_limit)
    sql.add(" GROUP BY sf.name, sf.value")


def _page_part(sql: _Sql, query: SearchQuery, source: str, *, browse: bool = False) -> None:
    """The page's ids with their rank, from `source` (a CTE or a subquery)."""
    # Browsing has no score: "relevance" is the best sellers first, as with equal scores.
    order = _ORDER["sales" if browse and query.sort == "relevance" else query.sort]
    sql.add(
        "SELECT 0 AS part, id AS a, rank AS n, '' AS x, '' AS y FROM ("
        f"SELECT id, ROW_NUMBER() OVER (ORDER BY {order}) AS rank FROM ("
        f"SELECT id, score, price_from, sales_count FROM {source} ORDER BY {order} "
        "LIMIT {} OFFSET {}) page) ranked",
        query.per_page,
        (query.page - 1) * query.per_page,
    )


def _group_weight(group: TermGroup, sql: _Sql) -> str:
    """SQL of a search_term row's weight for the group: ×3 the word, ×2 a synonym, ×1 a prefix."""
    synonyms = [t for t in group.synonyms if t != group.word] or [group.word]
    sql.args += [group.word, *synonyms]
    return (
        "CASE WHEN term = {} THEN weight * 3 "
        f"WHEN term IN ({_marks(len(synonyms))}) THEN weight * 2 ELSE weight END"
    )


def _keyword_sql(
    query: SearchQuery,
    groups: list[TermGroup],
    cats: list[int] | None,
    driver: int = 0,
    *,
    postgres: bool = False,
) -> _Sql:
    """One statement: visible matches (b), brand-filtered (f), page and facets.

    A product's score is the sum over the groups of its best weight; a product lacking a
    group does not match. The two engines get the same answers from differently shaped
    statements, each fast on its engine (`_matches_by_probes` then a lookup of the product
    row on SQLite, `_visible_matches_from_terms` on PostgreSQL).
    """
    sql = _Sql()
    if postgres:
        _visible_matches_from_terms(sql, query, groups, cats)
    else:
        _matches_by_probes(sql, groups, driver)
        sql.add(
            "b AS MATERIALIZED (SELECT p.id AS id, m.score AS score, p.price_from AS "
            "price_from, p.search_sales AS sales_count, p.brand AS brand FROM m "
            "JOIN product p ON p.id = m.pid WHERE m.score IS NOT NULL AND "
        )
        _visible(sql, query, cats)
        sql.add(")")
    matches = _brand_filter(sql, query)
    sql.add(" ")
    _page_part(sql, query, matches)
    _aggregates(sql, matches, "b", spec_limit=MAX_SPEC_FACET_MATCHES, postgres=postgres)
    return sql


def _matches_by_probes(sql: _Sql, groups: list[TermGroup], driver: int) -> None:
    """SQLite: CTE m of (pid, score), the `driver` group's products probing the others.

    The driving group's rows (the one with the fewest, see `_driver`) give the candidates
    and each other group is looked up per candidate in the (term, product, weight) index:
    SQLite probes an index in a microsecond or two, so a common word beside a rare one
    costs a probe per candidate instead of a scan of its many rows. Candidates some other
    group lacks get a NULL score (dropped in b: filtering here would run each probe twice).
    """
    first = groups[driver]
    sql.add("WITH m AS MATERIALIZED (SELECT d.product AS pid, d.w")
    # The driving group's subquery stands after the probes in the text, so its arguments
    # are added after theirs.
    head = _Sql()
    head.add(f"MAX({_group_weight(first, head)}) AS w FROM search_term WHERE term IN (")
    terms = first.terms()
    head.add(f"{_marks(len(terms))}) GROUP BY product", *terms)
    for at, group in enumerate(groups):
        if at == driver:
            continue
        sql.add(f" + (SELECT MAX({_group_weight(group, sql)}) FROM search_term WHERE term IN (")
        terms = group.terms()
        sql.add(f"{_marks(len(terms))}) AND product = d.product)", *terms)
    sql.add(" AS score FROM (SELECT product, ")
    sql.add(head.text(), *head.args)
    sql.add(") d), ")


def _visible_matches_from_terms(
    sql: _Sql, query: SearchQuery, groups: list[TermGroup], cats: list[int] | None
) -> None:
    """PostgreSQL: CTE b, the visible matches with their score, read from the term rows alone.

    Each term row carries its product's status, price, sales, brand, category and supplier
    (kept by a trigger, `catalog.search_index.COPIED`) and the term index covers them, so
    the filters apply to the rows as they come off the index and no product row is read:
    a word of 9,300 products took 32 ms when every match was looked up in the product
    table (18 ms of it the lookups), 14 ms this way. Each group's rows are aggregated per
    product (a group of one term has one row per product already) and the groups are
    hash-joined on the product: PostgreSQL reads a group's rows at a
    fraction of a microsecond each, while a probe per candidate costs it tens (measured:
    2,481 probes 57 ms, the same two groups joined 5 ms).
    """
    # One group's rows bring the product's columns (the same on all of a product's rows):
    # a group of one term if there is one, whose rows need no aggregating at all (黑色 手机:
    # 21 ms with 黑色's 23,800 rows aggregated for them, 8 ms this way).
    carrier = next((at for at, g in enumerate(groups) if len(g.terms()) == 1), 0)
    sql.add("WITH ")
    for at, group in enumerate(groups):
        terms = group.terms()
        # A product has one row per term, so a group of one term has one row per product.
        single = len(terms) == 1
        weight = _group_weight(group, sql)
        sql.add(f"g{at} AS (SELECT p.product AS product, ")
        sql.add(f"{weight} AS w" if single else f"MAX({weight}) AS w")
        if at == carrier:
            sql.add("".join(f", {'' if single else 'MIN'}(p.{c}) AS {c}" for c in _COPIES))
        sql.add(f" FROM search_term p WHERE p.term IN ({_marks(len(terms))}) AND ", *terms)
        # The copies bear the product's column names, so the product's conditions apply.
        _visible(sql, query, cats, supplier=False, specs=False)
        sql.add("" if single else " GROUP BY p.product")
        sql.add("), ")
    score = " + ".join(f"g{at}.w" for at in range(len(groups)))
    c = f"g{carrier}"
    joins = "".join(
        f" JOIN g{at} ON g{at}.product = {c}.product" for at in range(len(groups)) if at != carrier
    )
    sql.add(
        f"b AS MATERIALIZED (SELECT {c}.product AS id, {score} AS score, {c}.price_from AS "
        f"price_from, {c}.sales_count AS sales_count, {c}.brand AS brand FROM {c}{joins} "
        f"WHERE {c}.supplier IN {ACTIVE_SUPPLIERS}"
    )
    for spec in unique(query.specs):
        # Each (name, value) comes off the facet index in one range and is hash-joined.
        sql.add(
            f" AND {c}.product IN (SELECT product FROM search_facet WHERE name = {{}} "
            "AND value = {})",
            *spec_filter(spec),
        )
    sql.add(")")


#: The product columns a term row carries a copy of that a keyword search reads.
_COPIES = ("price_from", "sales_count", "brand", "supplier")


#: Rows of one group counted when choosing the driving group (the count stops there).
DRIVER_COUNT_LIMIT = 5_000


async def _driver(groups: list[TermGroup]) -> int:
    """The group with the fewest index rows (counted up to `DRIVER_COUNT_LIMIT`); 0 for one.

    Only the statement's plan depends on it: every choice gives the same answers.
    """
    if len(groups) < 2:
        return 0
    sql = _Sql()
    for at, group in enumerate(groups):
        terms = group.terms()
        sql.add(" UNION ALL " if at else "")
        sql.add(
            f"SELECT {at} AS g, COUNT(*) AS n FROM (SELECT 1 FROM search_term "
            f"WHERE term IN ({_marks(len(terms))}) LIMIT {{}}) c{at}",
            *terms,
            DRIVER_COUNT_LIMIT,
        )
    counts = {row["g"]: row["n"] for row in await _run(sql)}
    return min(range(len(groups)), key=lambda at: (counts.get(at, 0), at))


def _browse_page_sql(query: SearchQuery, cats: list[int] | None) -> _Sql:
    """Without a query: the page straight off the product table (its sort columns indexed)."""
    sql = _Sql().add("SELECT * FROM (")
    inner = _Sql().add(
        "(SELECT p.id AS id, 0 AS score, p.price_from AS price_from, "
        "p.sales_count AS sales_count FROM product p WHERE "
    )
    _visible(inner, query, cats)
    brands = _brands(query)
    if brands:
        inner.add(f" AND p.brand IN ({_marks(len(brands))})", *brands)
    inner.add(") browse")
    _page_part(sql, query, inner.text(), browse=True)
    # The inner text's arguments come before the page's LIMIT and OFFSET.
    sql.args = inner.args + sql.args
    sql.add(") answer")
    return sql


def _browse_aggregates_sql(
    query: SearchQuery, cats: list[int] | None, *, postgres: bool = False
) -> _Sql:
    """Without a query: total and facets of the filtered catalogue (cached per catalog version)."""
    sql = _Sql().add(
        "WITH b AS MATERIALIZED (SELECT p.id AS id, p.brand AS brand FROM product p WHERE "
    )
    _visible(sql, query, cats)
    sql.add(")")
    matches = _brand_filter(sql, query)
    sql.add(" SELECT 0 AS part, 0 AS a, 0 AS n, '' AS x, '' AS y WHERE 1 = 0")
    _aggregates(sql, matches, "b", spec_limit=None, postgres=postgres)
    return sql


async def _run(sql: _Sql) -> list[dict[str, Any]]:
    """Run a search statement; on PostgreSQL planned for its own values every time.

    PostgreSQL plans a prepared statement once for all values (a "generic plan") after five
    runs when that looks no costlier than planning each run. Search's values are skewed (a
    word of 20 products beside one of 9,000, a spec filter over either), and generic plans
    made answers of 15–40 ms take 250–650 ms (`bench/search_bench.py --postgres --reuse`:
    p99 233 ms before, 45–62 ms after). Planning costs well under a millisecond here; the
    order path's statements keep their generic plans.
    """
    engine = current_engine()
    if not is_postgres(engine):
        rows: list[dict[str, Any]] = await Product.raw(sql.text(), *sql.args)
        return rows
    async with engine.transaction():
        await Product.raw("SET LOCAL plan_cache_mode = force_custom_plan")
        planned: list[dict[str, Any]] = await Product.raw(sql.text(), *sql.args)
    return planned


#: Keyword answers (page ids, total, facets) are reused for the same query until the
#: catalog changes, and at most this long: the sales counts they are sorted by change with
#: every sale without a catalog write, so a ranking may lag sales by this much.
ANSWER_MAX_AGE_S = 30.0
#: Off: every keyword query runs its statement (the benchmark's cold runs, tests).
ANSWER_CACHE = True
#: Answers kept (their own bound: many distinct queries must not push product data out).
_answers = CatalogCache(2_000)


async def search_products(query: SearchQuery) -> SearchResult:
    """Listed products of active suppliers matching the query: one page, total and facets.

    With words, one statement answers everything; the answer is reused for the same query
    until the catalog changes or `ANSWER_MAX_AGE_S` passes (popular words are asked again
    and again and are the costliest: thousands of matches). Without words, the page comes
    straight off the product table and the total and facets of the filtered catalogue are
    cached until the catalog changes (`catalog.catalog_cache`), since they count every
    listed product. The page's products are always read afresh.
    """
    check_query(query)
    if ANSWER_CACHE:
        rows = await _answers.cached(query, lambda: _answer_rows(query), max_age_s=ANSWER_MAX_AGE_S)
    else:
        rows = await _answer_rows(query)
    return await _result_of(query, rows)


async def _answer_rows(query: SearchQuery) -> list[dict[str, Any]]:
    """The rows answering a query: the page's ids and ranks, the total and the facets."""
    groups = await term_groups(query.q)
    category_ids: list[int] | None = None
    if query.category_id is not None:
        if not await Category.exists().where(Category.id == query.category_id):
            raise CategoryNotFound("No category {id}", id=query.category_id)
        category_ids = await descendant_ids(query.category_id)
    postgres = is_postgres(current_engine())
    if groups:
        driver = 0 if postgres else await _driver(groups)
        return await _run(_keyword_sql(query, groups, category_ids, driver, postgres=postgres))
    key = (
        "search-aggregates",
        tuple(category_ids or ()),
        query.supplier_id,
        query.min_price,
        query.max_price,
        tuple(sorted(set(query.specs))),
        tuple(sorted(_brands(query))),
    )
    aggregates = await cached(
        key, lambda: _run(_browse_aggregates_sql(query, category_ids, postgres=postgres))
    )
    return await _run(_browse_page_sql(query, category_ids)) + list(aggregates)


async def _result_of(query: SearchQuery, rows: list[dict[str, Any]]) -> SearchResult:
    """The answer's rows read into a result, with the page's products loaded."""
    page_ids: list[tuple[int, int]] = []
    total = 0
    brand_counts: list[BrandCount] = []
    spec_counts: list[SpecCount] = []
    for row in rows:
        if row["part"] == 0:
            page_ids.append((row["n"], row["a"]))
        elif row["part"] == 1:
            total = row["a"]
        elif row["part"] == 2:
            brand_counts.append(BrandCount(value=row["x"], count=row["a"]))
        else:
            spec_counts.append(SpecCount(name=row["x"], value=row["y"], count=row["a"]))
    brand_counts.sort(key=lambda b: (-b.count, b.value))
    spec_counts = sorted(
        sorted(spec_counts, key=lambda s: (-s.count, s.name, s.value))[:MAX_SPEC_VALUES],
        key=lambda s: (s.name, -s.count, s.value),
    )
    ids = [product_id for _, product_id in sorted(page_ids)]
    return SearchResult(
        items=await _page_items(ids),
        page=query.page,
        pages=max(1, math.ceil(total / query.per_page)),
        total=total,
        brands=brand_counts[:MAX_BRANDS],
        specs=spec_counts,
    )


async def _page_items(ids: list[int]) -> list[dict[str, Any]]:
    """The page's products with their supplier, lowest price and active variants, in order."""
    if not ids:
        return []
    rows = await Product.select(
        Product.id,
        Product.name,
        Product.name_en,
        Product.brand,
        Product.image,
        Product.price_from,
        Product.sales_count,
        Product.review_count,
        Product.rating_sum,
        Product.created_at,
        Product.supplier.id.as_alias("supplier_id"),
        Product.supplier.name.as_alias("supplier_name"),
    ).where(Product.id.is_in(ids))
    variants: dict[int, list[dict[str, Any]]] = {}
    for v in (
        await Variant.select(Variant.id, Variant.sku, Variant.price, Variant.product)
        .where(Variant.product.is_in(ids))
        .where(Variant.is_active == True)  # noqa: E712
        .order_by(Variant.id)
    ):
        variants.setdefault(v["product"], []).append(
            {"id": v["id"], "sku": v["sku"], "price": v["price"]}
        )
    by_id = {r["id"]: r | {"variants": variants.get(r["id"], [])} for r in rows}
    return [by_id[i] for i in ids if i in by_id]
