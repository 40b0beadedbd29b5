"""Placing pickup orders over HTTP: Kuaiqu (`kuaiqu run`) against a bare Litestar app.

Builds a fresh database (a SQLite file, or with --postgres the PostgreSQL database
`kuaiqu_order_bench`, dropped and created) with 2,000 SKUs stocked at 50 stores, starts
`kuaiqu run` on it, and drives `POST /api/orders` (2-line pickup orders over random SKUs and
stores, a fresh Idempotency-Key each) from an async httpx client with 64 concurrent
requests; then does the same against `bench/bare_order_app.py`, which runs the same reserve +
insert transaction with raw sqlite3 / asyncpg and no framework of ours. The two sides run in
alternating rounds (a slow spell of the shared machine then falls on both); it prints
orders/s, p50/p99 latency and non-2xx counts (with the client's failure kinds) per round, the
medians and their ratio, and checks that the database holds exactly the orders each side
answered 201 for, and that the stock ledger sums to the levels.

    .venv/bin/python bench/order_bench.py                   # SQLite, 3 rounds of 20 s each
    .venv/bin/python bench/order_bench.py --postgres --duration 10 --rounds 3

A benchmark, not a test: record its figures in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
VAR_DIR = tempfile.mkdtemp(prefix="kuaiqu-order-bench-")
os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
os.environ["KUAIQU_VAR_DIR"] = VAR_DIR
os.environ.setdefault("KUAIQU_SECRET_KEY", "order-bench-secret")

import asyncpg  # noqa: E402
import httpx  # noqa: E402
from piccolo.apps.migrations.commands.forwards import run_forwards  # noqa: E402

from accounts.roles import Role  # noqa: E402
from accounts.users import create_user  # noqa: E402
from catalog.search_index import reindex_stale  # noqa: E402
from catalog.tables import Category, Product, Supplier, Variant  # noqa: E402
from core.database import make_engine, prepare_engine, use_engine  # noqa: E402
from locations.tables import Location, StockLevel, StockMovement  # noqa: E402

PG_ADMIN = os.environ.get(
    "KUAIQU_BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
PG_DB = "kuaiqu_order_bench"
EMAIL, PASSWORD = "bench@kuaiqu.test", "bench-password-1"
STORES, SKUS, ON_HAND = 50, 2000, 1_000_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def build(url: str) -> tuple[list[int], list[int]]:
    """Migrate and fill the database; returns (store ids, variant ids)."""
    engine = make_engine(url)
    use_engine(engine)
    result = await run_forwards("all")
    assert result.success, result.message
    await prepare_engine(engine)
    supplier = (
        await Supplier.insert(
            Supplier(
                name="基准供应商",
                company_name="基准有限公司",
                licence_no="B1",
                tax_no="T1",
                contact_name="李",
                contact_phone="1",
                contact_email="b@x.cn",
                status="active",
            )
        ).returning(Supplier.id)
    )[0]["id"]
    category = (
        await Category.insert(Category(slug="bench", name_zh="基准", name_en="Bench")).returning(
            Category.id
        )
    )[0]["id"]
    rng = random.Random(7)
    for start in range(0, SKUS, 500):
        products = await Product.insert(
            *[
                Product(supplier=supplier, category=category, name=f"商品 {i}", status="listed")
                for i in range(start, start + 500)
            ]
        ).returning(Product.id)
        await Variant.insert(
            *[
                Variant(
                    product=p["id"], sku=f"BENCH-{start + n:05d}", price=rng.randint(100, 99900)
                )
                for n, p in enumerate(products)
            ]
        )
    stores = await Location.insert(
        *[
            Location(
                kind="store",
                name=f"门店 {i}",
                lat=31.0 + i * 0.01,
                lon=121.0 + i * 0.01,
                opening_hours=[],
            )
            for i in range(STORES)
        ]
    ).returning(Location.id)
    store_ids = [s["id"] for s in stores]
    variant_ids = [v["id"] for v in await Variant.select(Variant.id)]
    for store in store_ids:
        await StockLevel.insert(
            *[StockLevel(location=store, variant=v, on_hand=ON_HAND) for v in variant_ids]
        )
        await StockMovement.insert(
            *[
                StockMovement(location=store, variant=v, on_hand_delta=ON_HAND, reason="receive")
                for v in variant_ids
            ]
        )
    await create_user(email=EMAIL, password=PASSWORD, name="基准顾客", role=Role.CONSUMER)
    # The search index a first start would build in the background, built here: otherwise
    # the first server measured spends its first seconds indexing these products.
    await reindex_stale()
    return store_ids, variant_ids


def start(args: list[str], env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    """Start a server process and wait until it answers."""
    process = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"server did not start:\n{log.read_text()}")


async def drive(
    url: str, path: str, body_of, *, duration: float, concurrency: int, login: bool
) -> dict:
    """POST orders for `duration` seconds from `concurrency` workers; collect latencies."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
        if login:
            r = await client.post("/api/auth/login", json={"email": EMAIL, "password": PASSWORD})
            r.raise_for_status()
        latencies: list[float] = []
        codes: dict[int, int] = {}
        failures: dict[str, int] = {}
        stop = time.monotonic() + duration

        async def worker() -> None:
            while time.monotonic() < stop:
                began = time.perf_counter()
                try:
                    r = await client.post(
                        path, json=body_of(), headers={"Idempotency-Key": uuid.uuid4().hex}
                    )
                    code = r.status_code
                except httpx.HTTPError as error:
                    code = 599  # connection dropped or timed out: counted as a failure
                    failures[type(error).__name__] = failures.get(type(error).__name__, 0) + 1
                latencies.append(time.perf_counter() - began)
                codes[code] = codes.get(code, 0) + 1

        began = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.monotonic() - began
    latencies.sort()
    ok = sum(n for c, n in codes.items() if 200 <= c < 300)
    return {
        "ok": ok,
        "rate": ok / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "non_2xx": {c: n for c, n in codes.items() if not 200 <= c < 300},
        "failures": failures,
        "codes": codes,
    }


async def count_orders(url: str) -> tuple[dict[str, int], bool]:
    """Orders per channel, and whether the stock ledger sums to the levels."""
    ledger_sql = (
        "SELECT COUNT(*) FROM stock_level l LEFT JOIN (SELECT location, variant, "
        "SUM(on_hand_delta) AS h, SUM(reserved_delta) AS r FROM stock_movement "
        "GROUP BY location, variant) m ON m.location = l.location AND m.variant = l.variant "
        "WHERE COALESCE(m.h, 0) <> l.on_hand OR COALESCE(m.r, 0) <> l.reserved"
    )
    if url.startswith("sqlite"):
        import sqlite3

        db = sqlite3.connect(url.removeprefix("sqlite:///"))
        rows = db.execute("SELECT channel, COUNT(*) FROM orders GROUP BY channel").fetchall()
        bad = db.execute(ledger_sql).fetchone()[0]
        db.close()
    else:
        db = await asyncpg.connect(url)
        rows = [
            tuple(r)
            for r in await db.fetch("SELECT channel, COUNT(*) FROM orders GROUP BY channel")
        ]
        bad = await db.fetchval(ledger_sql)
        await db.close()
    return dict(rows), bad == 0


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs of each side")
    args = parser.parse_args()
    if args.postgres:
        admin = await asyncpg.connect(PG_ADMIN)
        await admin.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{PG_DB}"')
        await admin.close()
        url = PG_ADMIN.rsplit("/", 1)[0] + "/" + PG_DB
    else:
        url = f"sqlite:///{VAR_DIR}/bench.sqlite3"
    began = time.monotonic()
    stores, variants = await build(url)
    print(f"data: {len(variants)} SKUs x {len(stores)} stores in {time.monotonic() - began:.1f} s")
    rng = random.Random(11)

    def pickup_body() -> dict:
        a, b = rng.sample(variants, 2)
        return {
            "lines": [{"variant_id": a, "quantity": 1}, {"variant_id": b, "quantity": 2}],
            "method": "pickup",
            "location_id": rng.choice(stores),
            "payment_method": "in_store",
        }

    def bare_body() -> dict:
        body = pickup_body()
        return {"location_id": body["location_id"], "lines": body["lines"]}

    env = {
        **os.environ,
        "KUAIQU_DATABASE_URL": url,
        "KUAIQU_DISABLE_SWEEPS": "1",
        "BARE_DATABASE_URL": url,
    }
    env.pop("KUAIQU_REDIS_URL", None)
    sides = {
        "kuaiqu": (
            # No access log: the bare app logs nothing per request either.
            [sys.executable, "-m", "server.cli", "run", "--no-access-log", "--port"],
            "/api/orders",
            pickup_body,
            True,
        ),
        "bare": (
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--app-dir",
                "bench",
                "bare_order_app:app",
                "--log-level",
                "warning",
                "--port",
            ],
            "/orders",
            bare_body,
            False,
        ),
    }
    # Rounds alternate the two sides, so a slow spell of the shared machine falls on both;
    # the medians are compared.
    runs: dict[str, list[dict]] = {"kuaiqu": [], "bare": []}
    for round_no in range(1, args.rounds + 1):
        for name, (command, path, body_of, login) in sides.items():
            port = free_port()
            process = start([*command, str(port)], env, port, Path(VAR_DIR) / f"{name}.log")
            try:
                r = await drive(
                    f"http://127.0.0.1:{port}",
                    path,
                    body_of,
                    duration=args.duration,
                    concurrency=args.concurrency,
                    login=login,
                )
            finally:
                process.terminate()
                process.wait(timeout=15)
            runs[name].append(r)
            print(
                f"round {round_no} {name:7s} {r['rate']:8.1f} orders/s  p50 {r['p50']:7.1f} ms"
                f"  p99 {r['p99']:7.1f} ms  ok {r['ok']}  non-2xx {r['non_2xx'] or 0}"
                + (f" ({r['failures']})" if r["failures"] else "")
            )
    median = {
        name: {k: statistics.median(r[k] for r in rs) for k in ("rate", "p50", "p99")}
        for name, rs in runs.items()
    }
    for name, m in median.items():
        print(
            f"median  {name:7s} {m['rate']:8.1f} orders/s  p50 {m['p50']:7.1f} ms"
            f"  p99 {m['p99']:7.1f} ms  over {args.rounds} round(s)"
        )
    ratio = median["kuaiqu"]["rate"] / median["bare"]["rate"]
    print(f"ratio kuaiqu/bare (medians): {ratio:.2f} (goal >= 0.50)")
    counted, ledger_ok = await count_orders(url)
    expected = {name: sum(r["ok"] for r in rs) for name, rs in runs.items()}
    expected = {"online": expected["kuaiqu"], "bare": expected["bare"]}
    print(
        f"orders in the database: {counted}; answered 201: {expected}; "
        f"ledger sums to levels: {ledger_ok}"
    )
    if counted != expected or not ledger_ok:
        raise SystemExit("MISMATCH: the database does not hold exactly the orders counted")


if __name__ == "__main__":
    asyncio.run(main())
