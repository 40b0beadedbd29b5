"""Checkout quote latency under promotions: 5 lines, 50 active promotions, a wallet of coupons.

Builds a fresh database (a SQLite file, or with --postgres the PostgreSQL database
`kuaiqu_bench_promo`, dropped and created): 3 suppliers, 5 products, a store holding them,
50 running promotions (flash prices, 满减 per supplier and platform-wide, coupons: some
claimed into the consumer's wallet, some with public codes) — then times
`fulfilment.checkout.quote` (plan + promotions + the best coupon combination) for a pickup
of the 5 lines, and the pure `promotions.pricing.price_lines` alone.

    .venv/bin/python bench/quote_bench.py                 # SQLite
    .venv/bin/python bench/quote_bench.py --postgres      # PostgreSQL

A benchmark, not a test: it prints figures (record them in docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
os.environ.setdefault("KUAIQU_VAR_DIR", tempfile.mkdtemp(prefix="kuaiqu-bench-"))

import asyncpg  # noqa: E402
from piccolo.apps.migrations.commands.forwards import run_forwards  # noqa: E402

from accounts.roles import Role  # noqa: E402
from core.database import make_engine, prepare_engine, use_engine  # noqa: E402
from fulfilment.checkout import CheckoutRequest, LineRequest, quote  # noqa: E402
from promotions.claims import claim_coupon  # noqa: E402
from promotions.manage import PromotionSpec, create_promotion  # noqa: E402
from promotions.offers import active_rules, price_for, wallet_choices  # noqa: E402
from promotions.pricing import best_coupons, price_lines  # noqa: E402

PG_ADMIN_URL = os.environ.get(
    "KUAIQU_BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
PG_DB = "kuaiqu_bench_promo"
BEIJING = (39.9149, 116.4109)


async def database(postgres: bool) -> str:
    if not postgres:
        path = Path(tempfile.mkdtemp(prefix="kuaiqu-quote-")) / "bench.sqlite3"
        return f"sqlite:///{path}"
    admin = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{PG_DB}"')
    finally:
        await admin.close()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_DB


async def seed() -> tuple[list[LineRequest], int]:
    """5 products of 3 suppliers at one store, 50 promotions, a consumer with coupons."""
    from tests.support.factories import make_product, make_store, make_supplier, make_user, stock

    suppliers = [await make_supplier() for _ in range(3)]
    store = await make_store(BEIJING)
    variants = []
    for n in range(5):
        product = await make_product(supplier_id=suppliers[n % 3], prices=(8_800 + n * 3_100,))
        variants.append(product["variant_ids"][0])
        await stock(store, variants[-1], 1_000)
    others = [
        (await make_product(supplier_id=suppliers[n % 3], prices=(5_000,)))["variant_ids"][0]
        for n in range(10)
    ]
    operator = await make_user(Role.OPERATOR)
    owners = [await make_user(Role.SUPPLIER, supplier_id=s) for s in suppliers]
    consumer = await make_user()
    now = datetime.now(UTC)
    window = {"starts_at": now - timedelta(hours=1), "ends_at": now + timedelta(days=7)}
    specs = []
    for n, variant in enumerate(variants[:3] + others[:7]):  # 10 flash prices
        specs.append(
            (
                owners[n % 3],
                PromotionSpec(
                    kind="flash_price",
                    name=f"秒杀{n}",
                    variant_id=variant,
                    flash_price=4_000,
                    total=100_000,
                    per_consumer=0,
                    **window,
                ),
            )
        )
    for n in range(15):  # 满减: 4 per supplier + 3 platform-wide
        owner = owners[n % 3] if n < 12 else operator
        specs.append(
            (
                owner,
                PromotionSpec(
                    kind="full_reduction",
                    name=f"满减{n}",
                    tiers=[(10_000 + n * 1_000, 1_000 + n * 100), (30_000, 4_000)],
                    **window,
                ),
            )
        )
    claimable = []
    for n in range(25):  # coupons: 15 to claim, 10 with public codes
        owner = owners[n % 3] if n % 2 else operator
        coded = n >= 15
        specs.append(
            (
                owner,
                PromotionSpec(
                    kind="coupon",
                    name=f"券{n}",
                    amount=500 + n * 50,
                    threshold=5_000 + n * 500,
                    code=f"BENCH{n}" if coded else None,
                    total=0,
                    per_consumer=0,
                    **window,
                ),
            )
        )
    for owner, spec in specs:
        made = await create_promotion(owner, spec)
        if spec.kind == "coupon" and not spec.code:
            claimable.append(made.id)
    for promotion_id in claimable[:8]:  # a wallet of 8 coupons
        await claim_coupon(promotion_id, consumer.id)
    lines = [LineRequest(v, 1 + n % 2) for n, v in enumerate(variants)]
    return lines, consumer.id


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))]

    return (
        f"p50 {at(0.50):.2f} ms  p95 {at(0.95):.2f} ms  p99 {at(0.99):.2f} ms  "
        f"mean {statistics.fmean(ordered):.2f} ms  (n={len(ordered)})"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("-n", type=int, default=500, help="quotes to time")
    args = parser.parse_args()
    url = await database(args.postgres)
    engine = make_engine(url)
    use_engine(engine)
    result = await run_forwards("all")
    assert result.success, result.message
    await prepare_engine(engine, pool_size=5)
    lines, consumer = await seed()
    request = CheckoutRequest(lines=lines, method="pickup", position=BEIJING, customer_id=consumer)
    for _ in range(20):  # warm up
        await quote(request)
    timings = []
    for _ in range(args.n):
        started = time.perf_counter()
        quoted = await quote(request)
        timings.append((time.perf_counter() - started) * 1000)
    print(f"database: {'PostgreSQL' if args.postgres else 'SQLite'}")
    print(
        f"quote of {len(lines)} lines, 50 promotions, wallet of 8: discount "
        f"{quoted.discount} fen of {quoted.subtotal}, {len(quoted.pricing.applied)} applied"
    )
    print("checkout quote (plan + promotions + best coupons):", percentiles(timings))

    from fulfilment.checkout import price_lines_of
    from fulfilment.goods import goods_by_id

    wanted = {line.variant_id: line.quantity for line in lines}
    price = price_lines_of(wanted, await goods_by_id(wanted))
    now = datetime.now(UTC)
    rules = await active_rules(price, customer_id=consumer, now=now)
    wallet = await wallet_choices(consumer, now)
    pure = []
    for _ in range(args.n):
        started = time.perf_counter()
        price_lines(price, rules, best_coupons(price, rules, wallet), wallet=wallet)
        pure.append((time.perf_counter() - started) * 1000)
    print(f"pure pricing + best of {len(wallet)} coupons ({len(rules)} rules):", percentiles(pure))
    loaded = []
    for _ in range(args.n):
        started = time.perf_counter()
        await price_for(price, customer_id=consumer, codes=None)
        loaded.append((time.perf_counter() - started) * 1000)
    print("promotions' share of a quote (read rules and wallet, price):", percentiles(loaded))
    if os.environ.get("QUOTE_PROFILE"):
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
        for _ in range(100):
            await price_for(price, customer_id=consumer, codes=None)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumtime").print_stats(25)


if __name__ == "__main__":
    asyncio.run(main())
