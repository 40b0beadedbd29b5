"""Product search at 100,000 products: latency percentiles and totals checked by a direct count.

Builds a fresh database (a SQLite file, or with --postgres the PostgreSQL database
`kuaiqu_bench_search`, dropped and created), fills it with generated products (brands,
product kinds, model numbers, colours and storage sizes; some unlisted, some of a suspended
supplier), builds the search index with the start-up catch-up (`reindex_stale`), then times
`catalog.search.search_products` over a mix of queries (Chinese without spaces, pinyin,
initials, model numbers, synonyms, brand and spec filters, category browsing, sorts, deep
pages) and compares every answer's total with a direct count over the index in Python.

    .venv/bin/python bench/search_bench.py                       # SQLite
    .venv/bin/python bench/search_bench.py --postgres            # PostgreSQL
    .venv/bin/python bench/search_bench.py --reuse               # keep a built database
    .venv/bin/python bench/search_bench.py --slowest 10          # list the 10 slowest queries

With --reuse, a database left by an earlier run with the same --products and --seed (the
SQLite file `--sqlite-file`, or `kuaiqu_bench_search`) is migrated forwards and caught up
(`reindex_stale` rebuilds only products of another index version) instead of rebuilt; the
generated rows are still made, unused, so the query mix is the same as a fresh run's.

A benchmark, not a test: it prints figures (record them in docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
os.environ.setdefault("KUAIQU_VAR_DIR", tempfile.mkdtemp(prefix="kuaiqu-bench-"))

from machine_speed import speed_line  # noqa: E402 (bench/, the script's directory)
from piccolo.apps.migrations.commands.forwards import run_forwards  # noqa: E402
from piccolo.engine.base import Engine  # noqa: E402

from catalog import search  # noqa: E402
from catalog.search import SearchQuery, search_products, term_groups  # noqa: E402
from catalog.search_analysis import warm_up  # noqa: E402
from catalog.search_index import reindex_stale  # noqa: E402
from catalog.synonyms import DEMO_SYNONYMS, add_group  # noqa: E402
from core import versions  # noqa: E402
from core.database import make_engine, prepare_engine, use_engine  # noqa: E402
from server.app import freeze_heap  # noqa: E402

PG_ADMIN_URL = os.environ.get(
    "KUAIQU_BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
PG_DB = "kuaiqu_bench_search"

BRANDS = [
    ("华为", "HUAWEI"),
    ("小米", "Xiaomi"),
    ("苹果", "Apple"),
    ("荣耀", "HONOR"),
    ("联想", "Lenovo"),
    ("索尼", "Sony"),
    ("罗技", "Logitech"),
    ("美的", "Midea"),
    ("格力", "GREE"),
    ("海尔", "Haier"),
    ("伊利", "Yili"),
    ("蒙牛", "Mengniu"),
    ("农夫山泉", "Nongfu"),
    ("可口可乐", "Coca-Cola"),
    ("雀巢", "Nestle"),
    ("安踏", "ANTA"),
    ("李宁", "LI-NING"),
    ("特步", "Xtep"),
    ("波司登", "BOSIDENG"),
    ("飞利浦", "Philips"),
    ("苏泊尔", "SUPOR"),
    ("膳魔师", "THERMOS"),
    ("维达", "Vinda"),
    ("蓝月亮", "Bluemoon"),
    ("三只松鼠", "Three Squirrels"),
    ("百草味", "Be&Cheery"),
    ("良品铺子", "Bestore"),
    ("海天", "Haday"),
    ("金龙鱼", "Arawana"),
    ("珀莱雅", "PROYA"),
    ("百雀羚", "Pechoin"),
    ("帮宝适", "Pampers"),
    ("飞鹤", "Feihe"),
    ("贝亲", "Pigeon"),
    ("晨光", "M&G"),
    ("得力", "deli"),
    ("倍思", "Baseus"),
    ("OPPO", "OPPO"),
    ("vivo", "vivo"),
    ("一加", "OnePlus"),
]
KINDS = [
    ("手机", "phones", ["Mate", "Pro", "X", "Note", "Nova", "Redmi"]),
    ("无线耳机", "audio", ["FreeBuds", "AirPods", "Buds", "WH"]),
    ("笔记本电脑", "computers", ["MateBook", "MacBook", "ThinkPad", "小新", "Air"]),
    ("无线鼠标", "computers", ["MX", "M", "G"]),
    ("充电宝", "electronics", ["PB", "Power"]),
    ("纯牛奶", "dairy", ["金典", "特仑苏", "有机"]),
    ("酸奶", "dairy", ["安慕希", "纯甄"]),
    ("饮用天然水", "drinks", ["550ml", "1.5L"]),
    ("速溶咖啡", "drinks", ["1+2", "金牌"]),
    ("跑步鞋", "shoes", ["飞电", "C202", "赤兔"]),
    ("羽绒服", "clothes", ["轻薄", "长款"]),
    ("电饭煲", "kitchen", ["IH", "智能"]),
    ("保温杯", "kitchen", ["JNL", "真空"]),
    ("抽纸", "cleaning", ["超韧", "棉韧"]),
    ("洗衣液", "cleaning", ["深层洁净", "机洗"]),
    ("每日坚果", "snacks", ["混合装", "礼盒"]),
    ("生抽", "grocery", ["金标", "味极鲜"]),
    ("精华液", "beauty", ["双抗", "红宝石"]),
    ("纸尿裤", "baby", ["一级帮", "拉拉裤"]),
    ("中性笔", "stationery", ["0.5mm", "按动"]),
]
CATEGORY_NAMES = {
    "phones": ("手机通讯", "Mobile Phones"),
    "audio": ("影音耳机", "Audio"),
    "computers": ("电脑办公", "Computers"),
    "electronics": ("数码配件", "Accessories"),
    "dairy": ("牛奶乳品", "Dairy"),
    "drinks": ("酒水饮料", "Drinks"),
    "shoes": ("运动鞋", "Shoes"),
    "clothes": ("服装", "Clothes"),
    "kitchen": ("厨房用品", "Kitchen"),
    "cleaning": ("清洁纸品", "Cleaning"),
    "snacks": ("休闲零食", "Snacks"),
    "grocery": ("粮油调味", "Grocery"),
    "beauty": ("个护美妆", "Beauty"),
    "baby": ("母婴用品", "Baby"),
    "stationery": ("文具", "Stationery"),
}
COLOURS = ["黑色", "白色", "蓝色", "红色", "绿色", "金色", "银色", "粉色"]
STORAGE = ["128GB", "256GB", "512GB", "1TB"]
SIZES = ["S", "M", "L", "XL"]

PRODUCT_COLUMNS = (
    "supplier, category, name, name_en, brand, description, image, specs, status, "
    "sales_count, search_sales, created_at, images, search_text, review_note, updated_at, "
    "review_count, rating_sum, price_from, search_version"
)
VARIANT_COLUMNS = "product, sku, options, price, currency, barcode, weight_g, is_active"

QUERIES = [
    "手机",
    "华为手机",
    "苹果手机",
    "pingguo",
    "mate60",
    "mate 60",
    "小米14",
    "xiaomi",
    "无线耳机",
    "耳机",
    "笔记本电脑",
    "笔记本",
    "macbook",
    "牛奶",
    "纯牛奶",
    "酸奶",
    "nfsq",
    "nongfushanquan",
    "农夫山泉 天然水",
    "可乐",
    "咖啡",
    "跑鞋",
    "跑步鞋 安踏",
    "羽绒服 女",
    "电饭煲",
    "保温杯",
    "纸巾",
    "抽纸",
    "洗衣液",
    "坚果",
    "生抽",
    "精华",
    "纸尿裤",
    "中性笔",
    "redmi note",
    "一加",
    "oppo",
    "vivo x",
    "huawei mate",
    "移动电源",
    "黑色 手机",
    "256gb",
    "华为 黑色 256gb",
    "p",
    "shouji",
    "sj",
    "apple",
    "小米充电宝",
    "不存在的商品名称",
    "zzzz",
]


def make_products(rng: random.Random, n: int, suppliers: list[int], categories: dict[str, int]):
    """Product rows and their variants (price in fen), generated from brands and kinds."""
    now = datetime.now(UTC)
    products, variants = [], []
    for i in range(n):
        zh, en = rng.choice(BRANDS)
        kind, category, series = rng.choice(KINDS)
        model = f"{rng.choice(series)} {rng.randint(1, 80)}"
        if rng.random() < 0.3:
            model += " " + rng.choice(["Pro", "Max", "Ultra", "Lite", "Plus"])
        specs: dict[str, list[str]] = {"颜色": rng.sample(COLOURS, rng.randint(1, 3))}
        if category in ("phones", "computers"):
            specs["存储"] = rng.sample(STORAGE, rng.randint(1, 2))
        if category in ("shoes", "clothes"):
            specs["尺码"] = SIZES
        name = f"{zh} {model} {kind}"
        status = "listed" if i % 20 else ("pending_review" if i % 40 else "delisted")
        # In the order the generator always drew them, so the data stay those of earlier runs.
        supplier = rng.choice(suppliers)
        sales = rng.randint(0, 5000)
        products.append(
            (
                supplier,
                categories[category],
                name,
                f"{en} {model}",
                f"{zh} {en}" if zh != en else en,
                "",
                "",
                json.dumps(specs, ensure_ascii=False),
                status,
                sales,
                sales,  # search_sales: as a sales refresh would leave it
                now,
                "[]",
                name.lower(),
                "",
                now,
                0,
                0,
                0,
                0,
            )
        )
        base = rng.randint(9, 9999) * 100
        options = [
            dict(zip(specs, combo, strict=True)) for combo in _product_of([specs[k] for k in specs])
        ][:4]
        for j, option in enumerate(options):
            variants.append(
                (
                    i + 1,
                    f"B{i}-{j}",
                    json.dumps(option, ensure_ascii=False),
                    base + j * 1000,
                    "CNY",
                    "",
                    0,
                    True,
                )
            )
    return products, variants


def _product_of(lists: list[list[str]]) -> list[tuple[str, ...]]:
    combos: list[tuple[str, ...]] = [()]
    for values in lists:
        combos = [(*c, v) for c in combos for v in values]
    return combos


#: Where the SQLite bench database is built unless `--sqlite-file` says otherwise.
SQLITE_FILE = Path(tempfile.gettempdir()) / "kuaiqu_search_bench.sqlite3"


def database_url(postgres: bool, sqlite_file: Path) -> str:
    """Where the bench database lives."""
    if postgres:
        return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_DB
    return f"sqlite:///{sqlite_file}"


async def reusable(postgres: bool, sqlite_file: Path, products: int) -> bool:
    """Whether an earlier run left a database holding this many products."""
    url = database_url(postgres, sqlite_file)
    if postgres:
        import asyncpg

        try:
            connection = await asyncpg.connect(url, timeout=5)
        except (OSError, asyncpg.PostgresError):
            return False
        try:
            count = await connection.fetchval("SELECT COUNT(*) FROM product")
        except asyncpg.PostgresError:
            return False
        finally:
            await connection.close()
        return bool(count == products)
    return sqlite_products(sqlite_file) == products


def remove_file(path: Path) -> None:
    """Delete a file left by an earlier run, if any."""
    path.unlink(missing_ok=True)


def sqlite_products(sqlite_file: Path) -> int | None:
    """Products in a SQLite bench file (None when there is none)."""
    if not sqlite_file.exists():
        return None
    import sqlite3

    connection = sqlite3.connect(sqlite_file)
    try:
        return int(connection.execute("SELECT COUNT(*) FROM product").fetchone()[0])
    except sqlite3.Error:
        return None
    finally:
        connection.close()


async def open_engine(url: str) -> Engine:
    """An engine on an existing bench database, migrated forwards."""
    engine = make_engine(url)
    use_engine(engine)
    result = await run_forwards("all")
    assert result.success, result.message
    await prepare_engine(engine)
    return engine


async def fresh_engine(postgres: bool, sqlite_file: Path) -> tuple[Engine, str]:
    """A migrated, empty database; returns the engine and its URL."""
    if postgres:
        import asyncpg

        admin = await asyncpg.connect(PG_ADMIN_URL, timeout=5)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
            await admin.execute(f'CREATE DATABASE "{PG_DB}"')
        finally:
            await admin.close()
    else:
        remove_file(sqlite_file)
    url = database_url(postgres, sqlite_file)
    return await open_engine(url), url


async def load(url: str, products: list[tuple], variants: list[tuple]) -> None:
    """Bulk-insert products and variants with the database's own driver (ids from 1)."""
    inserts = [("product", PRODUCT_COLUMNS, products), ("variant", VARIANT_COLUMNS, variants)]
    if url.startswith("sqlite"):
        import sqlite3

        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        with connection:
            for table, columns, rows in inserts:
                marks = ", ".join("?" for _ in columns.split(","))
                connection.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
        connection.close()
        return
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        for table, columns, rows in inserts:
            await connection.copy_records_to_table(
                table, records=rows, columns=[c.strip() for c in columns.split(",")]
            )
    finally:
        await connection.close()


async def analyse(url: str) -> None:
    """Refresh the planner's statistics (and on PostgreSQL the visibility map) after the load."""
    if url.startswith("sqlite"):
        import sqlite3

        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        connection.execute("ANALYZE")
        connection.close()
        return
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        # What autovacuum does after a bulk load: statistics, and the visibility map that
        # lets the (term, product, weight) and product covering indexes answer alone.
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def query_mix(rng: random.Random, n: int, categories: dict[str, int]) -> list[SearchQuery]:
    """Keyword queries (most), with sorts, pages, brand and spec filters, and browsing."""
    mix = []
    for _ in range(n):
        roll = rng.random()
        query = SearchQuery(q=rng.choice(QUERIES))
        if roll < 0.15:
            query = replace(query, sort=rng.choice(["sales", "price_asc", "price_desc", "newest"]))
        elif roll < 0.25:
            query = replace(query, page=rng.randint(2, 6))
        elif roll < 0.35:
            zh, en = rng.choice(BRANDS)
            query = replace(query, brands=(f"{zh} {en}" if zh != en else en,))
        elif roll < 0.42:
            query = replace(query, specs=(f"颜色:{rng.choice(COLOURS)}",))
        elif roll < 0.47:
            query = replace(query, min_price=10000, max_price=300000, sort="price_asc")
        elif roll < 0.55:
            query = SearchQuery(category_id=rng.choice(list(categories.values())))
        elif roll < 0.58:
            query = SearchQuery(sort=rng.choice(["newest", "sales"]), page=rng.randint(1, 3))
        mix.append(query)
    return mix


async def direct_total(query: SearchQuery, index: dict[int, set[str]], facts: dict) -> int:
    """The number of matches counted in Python over the index rows (no SQL ranking)."""
    groups = [set(g.terms()) for g in await term_groups(query.q)]
    count = 0
    for product_id, (listed, category, price, brand, specs) in facts.items():
        if not listed or price <= 0:
            continue
        if query.category_id is not None and category != query.category_id:
            continue
        if query.min_price is not None and price < query.min_price:
            continue
        if query.max_price is not None and price > query.max_price:
            continue
        if query.brands and brand not in query.brands:
            continue
        if any(tuple(s.split(":", 1)) not in specs for s in query.specs):
            continue
        terms = index.get(product_id, set())
        if all(g & terms for g in groups):
            count += 1
    return count


async def main() -> None:
    """Build, index, time, check, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help=f"use PostgreSQL {PG_DB}")
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--check", type=int, default=200, help="answers checked by direct count")
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument(
        "--sqlite-file",
        type=Path,
        default=SQLITE_FILE,
        help="the SQLite bench database (rebuilt unless --reuse finds it)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse a database built by an earlier run with the same --products and --seed",
    )
    parser.add_argument(
        "--slowest",
        type=int,
        default=0,
        metavar="N",
        help="print the N slowest queries of the timed mix (to EXPLAIN them)",
    )
    args = parser.parse_args()

    rng = random.Random(args.seed)
    started = time.perf_counter()
    warm_up()

    from catalog.categories import create_category
    from catalog.suppliers import create_supplier
    from catalog.tables import Category, SearchFacet, SearchTerm, Supplier

    if args.reuse and await reusable(args.postgres, args.sqlite_file, args.products):
        url = database_url(args.postgres, args.sqlite_file)
        engine = await open_engine(url)
        suppliers = [r["id"] for r in await Supplier.select(Supplier.id).order_by(Supplier.id)]
        categories = {r["slug"]: r["id"] for r in await Category.select(Category.slug, Category.id)}
        # The same draws as a fresh run, so the query mix after them is the same too.
        make_products(rng, args.products, suppliers, categories)
        print(f"database   {'PostgreSQL' if args.postgres else 'SQLite'}  {url} (reused)")
        loaded = time.perf_counter()
        indexed = await reindex_stale()
        await analyse(url)
        print(
            f"index      {indexed:,} stale products rebuilt, {await SearchTerm.count():,} terms, "
            f"{await SearchFacet.count():,} facet rows in {time.perf_counter() - loaded:.1f} s"
        )
        await measure(args, rng, engine, categories)
        return

    engine, url = await fresh_engine(args.postgres, args.sqlite_file)

    suppliers = []
    for i in range(40):
        suppliers.append(
            await create_supplier(
                name=f"店铺{i}",
                company_name=f"公司{i}",
                licence_no=f"L{i:08d}",
                tax_no=f"T{i}",
                contact_name="张三",
                contact_phone="13800000000",
                contact_email=f"s{i}@example.test",
                intro="",
                status="suspended" if i == 39 else "active",
                commission_bp=500,
                deposit=0,
            )
        )
    categories = {}
    for slug in sorted({kind[1] for kind in KINDS}):
        zh, en = CATEGORY_NAMES[slug]
        categories[slug] = await create_category(slug=slug, name_zh=zh, name_en=en)
    for group in DEMO_SYNONYMS:
        await add_group(group)
    products, variants = make_products(rng, args.products, suppliers, categories)
    await load(url, products, variants)
    variant_count = len(variants)
    # The generated rows are the bench's, not the app's: kept alive, their millions of
    # objects would be walked by every full garbage collection during the timed queries.
    del products, variants
    loaded = time.perf_counter()
    print(f"database   {'PostgreSQL' if args.postgres else 'SQLite'}  {url}")
    print(
        f"products   {args.products:,} ({variant_count:,} variants) loaded in "
        f"{loaded - started:.1f} s"
    )
    indexed = await reindex_stale()
    await analyse(url)
    terms = await SearchTerm.count()
    print(
        f"index      {indexed:,} products, {terms:,} terms, "
        f"{await SearchFacet.count():,} facet rows built in {time.perf_counter() - loaded:.1f} s "
        "(the start-up catch-up)"
    )
    await measure(args, rng, engine, categories)


async def timed_mix(
    mix: list[SearchQuery], label: str, slowest: int
) -> tuple[list[float], list[int]]:
    """Run the mix once, print its percentiles; the wall times (ms) and the totals."""
    timings, cpu, totals = [], [], []
    load_before = os.getloadavg()[0]
    for query in mix:
        t0, c0 = time.perf_counter(), time.process_time()
        result = await search_products(query)
        timings.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        totals.append(result.total)
    p50, p99 = statistics.median(timings), percentile(timings, 99)
    print(
        f"{label:10s} {len(mix)} queries: p50 {p50:.2f} ms  p99 {p99:.2f} ms  "
        f"max {max(timings):.2f} ms  (mean total {statistics.mean(totals):,.0f} matches)"
    )
    print(
        f"cpu        this process's CPU per query: p50 {statistics.median(cpu):.2f} ms  "
        f"p99 {percentile(cpu, 99):.2f} ms (load average {load_before:.1f} → "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    keyword = [t for t, q in zip(timings, mix, strict=True) if q.q]
    print(
        f"keyword    {len(keyword)} of them: p50 {statistics.median(keyword):.2f} ms  "
        f"p99 {percentile(keyword, 99):.2f} ms"
    )
    ranked = sorted(zip(timings, mix, totals, strict=True), key=lambda t: -t[0])
    for took, query, total in ranked[:slowest]:
        print(f"slow       {took:7.2f} ms  {total:6,} matches  {query}")
    return timings, totals


async def measure(
    args: argparse.Namespace, rng: random.Random, engine: Engine, categories: dict[str, int]
) -> None:
    """Time the query mix, then check the first answers' totals by a direct count."""
    from catalog.tables import Product, SearchFacet, SearchTerm, Supplier

    mix = query_mix(rng, args.queries, categories)
    for query in mix[:30]:  # warm the pool and the statements' plans
        await search_products(query)
    # As `kuaiqu run` does once started: what lives for the process (modules, jieba's
    # dictionary) is kept out of the garbage collector's full collections, which walked it
    # all (100–390 ms pauses landing on random queries).
    freeze_heap()
    # Cold: every query runs its statement. Cached: the same mix as the app serves it, the
    # answer cache emptied first (a query's first occurrence runs, repeats are reused).
    print(speed_line("speed"))
    search.ANSWER_CACHE = False
    timings, totals = await timed_mix(mix, "cold", args.slowest)
    search.ANSWER_CACHE = True
    versions.reset_caches()
    distinct = len(set(mix))
    cached_timings, cached_totals = await timed_mix(mix, "cached", args.slowest)
    print(speed_line("speed"))
    print(f"cached     {distinct} distinct queries in the mix: the first of each ran its statement")
    p99 = percentile(timings, 99)
    cached_p99 = percentile(cached_timings, 99)
    if cached_totals != totals:
        raise SystemExit("MISMATCH: the cached answers' totals differ from the cold ones")

    index: dict[int, set[str]] = {}
    for row in await SearchTerm.select(SearchTerm.product, SearchTerm.term):
        index.setdefault(row["product"], set()).add(row["term"])
    active = {
        r["id"] for r in await Supplier.select(Supplier.id).where(Supplier.status == "active")
    }
    spec_rows: dict[int, set[tuple[str, str]]] = {}
    for row in await SearchFacet.select(SearchFacet.product, SearchFacet.name, SearchFacet.value):
        spec_rows.setdefault(row["product"], set()).add((row["name"], row["value"]))
    facts = {
        r["id"]: (
            r["status"] == "listed" and r["supplier"] in active,
            r["category"],
            r["price_from"],
            r["brand"],
            spec_rows.get(r["id"], set()),
        )
        for r in await Product.select(
            Product.id,
            Product.status,
            Product.supplier,
            Product.category,
            Product.price_from,
            Product.brand,
        )
    }
    wrong = 0
    checked = min(args.check, len(mix))
    for query, total in zip(mix[:checked], totals[:checked], strict=True):
        expected = await direct_total(query, index, facts)
        if expected != total:
            wrong += 1
            print(f"MISMATCH   {query}: search {total}, direct count {expected}")
    print(f"check      {checked - wrong}/{checked} totals equal to the direct count")
    print(
        f"goal       p99 < 50 ms: cold {'met' if p99 < 50 else 'NOT met'}, "
        f"cached {'met' if cached_p99 < 50 else 'NOT met'}"
    )
    if args.postgres:
        await engine.close_connection_pool()
    if wrong:
        raise SystemExit(1)


if __name__ == "__main__":
    asyncio.run(main())
