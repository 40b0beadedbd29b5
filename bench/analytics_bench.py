"""Operator dashboard at 1,000,000 order lines: rollup build time and dashboard p50/p99.

Builds the PostgreSQL database `kuaiqu_bench_analytics` (dropped and created, migrated),
bulk-inserts (COPY) suppliers, categories, products, stores, 250,000 orders of 4 lines over
the last 90 days with their fulfilments, payments (some refunded) and pickup events, and
200,000 product-view events; then rebuilds the daily rollups of the 90 days and times
`dashboard_data` (every figure and table of /api/operator/analytics) for the last 30 and
the whole 90 days, by day, week and month, in process and over HTTP (the app on
httpx's ASGI transport, signed in as an operator: JSON API and the page).

    .venv/bin/python bench/analytics_bench.py [--orders 250000] [--runs 200] [--reuse]

With --reuse, a database left by an earlier run holding the same number of orders is
migrated forwards and its rollups rebuilt (only when the newest rollup day is not today),
instead of filled again.

A benchmark, not a test: it prints figures (record them in docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import sys
import tempfile
import time
from contextlib import suppress
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
os.environ.setdefault("KUAIQU_VAR_DIR", tempfile.mkdtemp(prefix="kuaiqu-bench-"))
PG_ADMIN_URL = os.environ.get(
    "KUAIQU_BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
PG_DB = "kuaiqu_bench_analytics"
# The app measured over HTTP reads the bench database; no sweeps or refresh while timing.
os.environ["KUAIQU_DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_DB
os.environ["KUAIQU_DISABLE_SWEEPS"] = "1"

import asyncpg  # noqa: E402
import httpx  # noqa: E402
from piccolo.apps.migrations.commands.forwards import run_forwards  # noqa: E402

from accounts.roles import Role  # noqa: E402
from accounts.users import EmailTaken, create_user  # noqa: E402
from analytics import rollups  # noqa: E402
from analytics.periods import Grain, day_bounds, today  # noqa: E402
from analytics.rollup_cache import RECENT_VERSION  # noqa: E402
from backoffice.operator.analytics_api import dashboard_data  # noqa: E402
from catalog.search_index import reindex_stale  # noqa: E402
from core import versions  # noqa: E402
from core.database import make_engine, prepare_engine, use_engine  # noqa: E402

DAYS = 90
LINES_PER_ORDER = 4


async def fresh_database() -> str:
    """Drop, create and migrate the bench database; returns its URL."""
    admin = await asyncpg.connect(PG_ADMIN_URL, timeout=5)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{PG_DB}"')
    finally:
        await admin.close()
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_DB
    engine = make_engine(url)
    use_engine(engine)
    result = await run_forwards("all")
    assert result.success, result.message
    await prepare_engine(engine)
    return url


async def existing_database(orders: int) -> str | None:
    """The bench database's URL when an earlier run left one with `orders` orders."""
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_DB
    try:
        db = await asyncpg.connect(url, timeout=5)
    except (OSError, asyncpg.PostgresError):
        return None
    try:
        found = await db.fetchval("SELECT COUNT(*) FROM orders")
    except asyncpg.PostgresError:
        return None
    finally:
        await db.close()
    if found != orders:
        return None
    engine = make_engine(url)
    use_engine(engine)
    result = await run_forwards("all")
    assert result.success, result.message
    await prepare_engine(engine)
    return url


async def fill(url: str, orders: int, rng: random.Random) -> int:
    """Bulk-insert the catalog, stores, orders and events; returns the order lines."""
    db = await asyncpg.connect(url)
    now = datetime.now(UTC)
    try:
        await db.copy_records_to_table(
            "supplier",
            records=[(i, f"供应商{i}", f"公司{i}", "active") for i in range(1, 51)],
            columns=["id", "name", "company_name", "status"],
        )
        await db.copy_records_to_table(
            "category",
            records=[(i, f"c{i}", f"类目{i}", f"Cat {i}") for i in range(1, 11)],
            columns=["id", "slug", "name_zh", "name_en"],
        )
        products = [(i, 1 + i % 50, 1 + i % 10, f"商品{i}", "listed") for i in range(1, 1001)]
        await db.copy_records_to_table(
            "product", records=products, columns=["id", "supplier", "category", "name", "status"]
        )
        prices = {i: rng.randrange(500, 50000) for i in range(1, 1001)}
        await db.copy_records_to_table(
            "variant",
            records=[(i, i, f"SKU{i}", prices[i]) for i in range(1, 1001)],
            columns=["id", "product", "sku", "price"],
        )
        await db.copy_records_to_table(
            "location",
            records=[(i, "store", f"店{i}", 39.9, 116.4) for i in range(1, 21)],
            columns=["id", "kind", "name", "lat", "lon"],
        )
        order_rows, fulfilment_rows, line_rows, event_rows, payment_rows = [], [], [], [], []
        line_id = event_id = 0
        for oid in range(1, orders + 1):
            created = now - timedelta(seconds=rng.randrange(DAYS * 86400))
            paid = rng.random() < 0.85
            pickup = rng.random() < 0.6
            pos = rng.random() < 0.1
            location = rng.randrange(1, 21)
            picked = rng.sample(range(1, 1001), LINES_PER_ORDER)
            quantities = [rng.randrange(1, 4) for _ in picked]
            subtotal = sum(prices[p] * q for p, q in zip(picked, quantities, strict=True))
            status = "paid" if paid else "pending_payment"
            paid_at = created + timedelta(minutes=2) if paid else None
            order_rows.append(
                (
                    oid,
                    f"KQ{oid:09d}",
                    "pos" if pos else "online",
                    location if pos else None,
                    status,
                    subtotal,
                    subtotal,
                    created,
                    paid_at,
                )
            )
            method = "pickup" if pickup else "delivery"
            f_status = "allocated"
            if paid and pickup:
                f_status = rng.choice(
                    [
                        "collected",
                        "collected",
                        "collected",
                        "expired",
                        "ready_for_pickup",
                        "preparing",
                    ]
                )
            fulfilment_rows.append((oid, oid, location, method, f_status, created))
            for p, q in zip(picked, quantities, strict=True):
                line_id += 1
                line_rows.append(
                    (line_id, oid, oid, p, f"商品{p}", f"SKU{p}", 1 + p % 50, q, prices[p])
                )
            if paid_at is not None and f_status in ("collected", "expired", "ready_for_pickup"):
                ready = paid_at + timedelta(minutes=rng.randrange(10, 90))
                event_id += 1
                event_rows.append(
                    (event_id, oid, oid, "ready", "preparing", "ready_for_pickup", ready)
                )
                if f_status == "collected":
                    event_id += 1
                    event_rows.append(
                        (
                            event_id,
                            oid,
                            oid,
                            "collected",
                            "ready_for_pickup",
                            "collected",
                            ready + timedelta(hours=rng.randrange(1, 48)),
                        )
                    )
            if paid:
                refunded = subtotal // 2 if rng.random() < 0.05 else 0
                payment_rows.append(
                    (
                        oid,
                        f"KQ{oid:09d}",
                        "sandbox",
                        subtotal,
                        refunded,
                        "succeeded" if not refunded else "partially_refunded",
                    )
                )
        await db.copy_records_to_table(
            "orders",
            records=order_rows,
            columns=[
                "id",
                "number",
                "channel",
                "store_location_id",
                "status",
                "subtotal",
                "total",
                "created_at",
                "paid_at",
            ],
        )
        await db.copy_records_to_table(
            "fulfilment",
            records=fulfilment_rows,
            columns=["id", "order", "location", "method", "status", "created_at"],
        )
        await db.copy_records_to_table(
            "order_line",
            records=line_rows,
            columns=[
                "id",
                "order",
                "fulfilment",
                "variant",
                "product_name",
                "sku",
                "supplier_id",
                "quantity",
                "unit_price",
            ],
        )
        await db.copy_records_to_table(
            "order_event",
            records=event_rows,
            columns=["id", "order", "fulfilment", "kind", "old_state", "new_state", "created_at"],
        )
        await db.copy_records_to_table(
            "payment",
            records=payment_rows,
            columns=["order_id", "order_number", "provider", "amount", "refunded_amount", "status"],
        )
        await db.copy_records_to_table(
            "shopper_event",
            records=[
                (
                    "view",
                    rng.randrange(1, 5000),
                    rng.randrange(1, 1001),
                    now - timedelta(seconds=rng.randrange(DAYS * 86400)),
                )
                for _ in range(200_000)
            ],
            columns=["kind", "user_id", "product_id", "created_at"],
        )
        for table in (
            "supplier",
            "category",
            "product",
            "variant",
            "location",
            "orders",
            "fulfilment",
            "order_line",
            "order_event",
            "payment",
        ):
            await db.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        await db.execute("ANALYZE")
    finally:
        await db.close()
    return line_id


async def http_timings(runs: int) -> None:
    """Time GET /api/operator/analytics/ and the page through the whole app (in process)."""
    from server.app import create_app

    with suppress(EmailTaken):  # a reused database has the operator already
        await create_user(
            email="bench-operator@kuaiqu.test",
            password="bench-operator-pw",
            name="运营",
            role=Role.OPERATOR,
        )
    app = create_app()
    async with (
        app.lifespan(),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench.local"
        ) as client,
    ):
        login = await client.post(
            "/api/auth/login",
            json={"email": "bench-operator@kuaiqu.test", "password": "bench-operator-pw"},
        )
        assert login.status_code == 200, login.text
        for path in (
            "/api/operator/analytics/",
            "/api/operator/analytics/?start={s90}",
            "/api/operator/analytics/?start={s90}&grain=week",
            "/operator/analytics?start={s90}&grain=week",
        ):
            url = path.format(s90=(today() - timedelta(days=89)).isoformat())
            assert (await client.get(url)).status_code == 200
            for mode in MODES:
                timings, failed = [], 0
                for _ in range(runs):
                    await forget(mode)
                    t0 = time.perf_counter()
                    response = await client.get(url)
                    if response.status_code == 200:  # only successful answers count
                        timings.append((time.perf_counter() - t0) * 1000)
                    else:
                        failed += 1
                print(
                    f"HTTP GET {url:<48} {mode:<9} "
                    f"p50 {percentile(timings, 50):6.1f} ms  p99 {percentile(timings, 99):6.1f} ms"
                    f"  max {max(timings):6.1f} ms  non-2xx {failed}  (load {load()})"
                )


#: warm: every sum cached; refreshed: as after the app's refresh, the recent days summed
#: again; cold: nothing cached, every sum read again (as after a restart).
MODES = ("warm", "refreshed", "cold")


async def forget(mode: str) -> None:
    """Drop what the mode says is not cached before a run."""
    if mode == "refreshed":
        await versions.bump(RECENT_VERSION)
    elif mode == "cold":
        versions.reset_caches()


def load() -> str:
    """The 1-minute load average and the cores, for each figure."""
    return f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


async def check_figures(url: str, start: date, end: date) -> bool:
    """The 90-day dashboard's GMV, paid orders and best product equal direct sums."""
    data = await dashboard_data(start, end, Grain.DAY)
    begin, finish = day_bounds(start)[0], day_bounds(end)[1]
    db = await asyncpg.connect(url)
    try:
        gmv, paid = await db.fetchrow(
            "SELECT COALESCE(SUM(total), 0), COUNT(*) FROM orders "
            "WHERE paid_at IS NOT NULL AND created_at >= $1 AND created_at < $2",
            begin,
            finish,
        )
        best = data["top_products"][0]
        amount = await db.fetchval(
            "SELECT COALESCE(SUM(l.quantity * l.unit_price - l.discount), 0) FROM order_line l "
            'JOIN orders o ON o.id = l."order" JOIN variant v ON v.id = l.variant '
            "WHERE o.paid_at IS NOT NULL AND o.created_at >= $1 AND o.created_at < $2 "
            "AND v.product = $3",
            begin,
            finish,
            best["id"],
        )
    finally:
        await db.close()
    figures = data["overview"]
    same = (figures["gmv"], figures["orders"], best["amount"]) == (gmv, paid, amount)
    print(
        f"check: GMV {figures['gmv']} vs {gmv}, paid orders {figures['orders']} vs {paid}, "
        f"best product {best['amount']} vs {amount}: {'equal' if same else 'DIFFERENT'}"
    )
    return same


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


async def main() -> None:
    """Fill, roll up, time the dashboard; print the figures."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=250_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument(
        "--reuse", action="store_true", help="reuse a database an earlier run filled"
    )
    args = parser.parse_args()
    rng = random.Random(18)
    end = today()
    reused = await existing_database(args.orders) if args.reuse else None
    if reused is None:
        url = await fresh_database()
        began = time.perf_counter()
        lines = await fill(url, args.orders, rng)
        print(
            f"filled {args.orders:,} orders, {lines:,} order lines in "
            f"{time.perf_counter() - began:.1f} s"
        )
    else:
        url = reused
        db = await asyncpg.connect(url)
        try:
            lines = await db.fetchval("SELECT COUNT(*) FROM order_line")
            newest = await db.fetchval("SELECT MAX(day) FROM daily_totals")
        finally:
            await db.close()
        print(f"reused {PG_DB}: {args.orders:,} orders, {lines:,} order lines")
    if reused is None or newest != end:
        began = time.perf_counter()
        await rollups.rebuild(end - timedelta(days=DAYS), end)
        print(f"rolled up {DAYS + 1} days in {time.perf_counter() - began:.1f} s")
    # What the app's start-up catch-up would do meanwhile (index the generated products).
    await reindex_stale()
    db = await asyncpg.connect(PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_DB)
    try:
        await db.execute("ANALYZE")  # as autovacuum would after the bulk fill
    finally:
        await db.close()
    for days, grain in (
        (30, Grain.DAY),
        (DAYS, Grain.DAY),
        (DAYS, Grain.WEEK),
        (DAYS, Grain.MONTH),
    ):
        start = end - timedelta(days=days - 1)
        await dashboard_data(start, end, grain)  # warm up
        for mode in MODES:
            timings = []
            for _ in range(args.runs):
                await forget(mode)
                t0 = time.perf_counter()
                await dashboard_data(start, end, grain)
                timings.append((time.perf_counter() - t0) * 1000)
            print(
                f"dashboard {days:>2} days by {grain.value:<5} {mode:<9}: "
                f"p50 {percentile(timings, 50):6.1f} ms  p99 {percentile(timings, 99):6.1f} ms"
                f"  max {max(timings):6.1f} ms  ({args.runs} runs, load {load()})"
            )
    await http_timings(args.runs)
    if not await check_figures(url, end - timedelta(days=89), end):
        raise SystemExit(1)
    one_day = await rollups._day_rows(end)
    print(f"today's rollup: {one_day['totals']['orders_placed']} orders placed")


if __name__ == "__main__":
    asyncio.run(main())
