"""Where the time of one `POST /api/orders` goes: cProfile over sequential in-process orders.

Builds the database of `bench/order_bench.py` (SQLite, or --postgres), runs the app in this
process over httpx's ASGI transport (no sockets, no second process), places `--orders`
2-line pickup orders one at a time and prints the mean time per order and the functions with
the most cumulative and own time, and the SQL statements per request (every statement
the connections run, by its first words, BEGIN and COMMIT included).

    .venv/bin/python bench/profile_orders.py --orders 400
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import cProfile
import io
import pstats
import random
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import logging

import asyncpg
import httpx
from order_bench import EMAIL, PASSWORD, VAR_DIR, build  # sets the bench's var dir first

logging.getLogger("httpx").setLevel(logging.WARNING)

PG_ADMIN_DB = "kuaiqu_profile_bench"

#: Statements sent while counting, by their first words (None: not counting).
_tally: collections.Counter[str] | None = None


def _count_redis_commands() -> None:
    """Wrap redis-py's asyncio client to tally the commands (round trips) per request."""
    from redis.asyncio.client import Pipeline, Redis

    run = Redis.execute_command
    flush = Pipeline.execute

    async def counted(self, *args, **options):  # type: ignore[no-untyped-def]
        if _tally is not None:
            _tally[f"redis {args[0]}"] += 1
        return await run(self, *args, **options)

    async def counted_pipeline(self, *args, **options):  # type: ignore[no-untyped-def]
        if _tally is not None:
            _tally["redis pipeline (1 round trip)"] += 1
        return await flush(self, *args, **options)

    Redis.execute_command = counted  # type: ignore[method-assign]
    Pipeline.execute = counted_pipeline  # type: ignore[method-assign]


def _tally_sql(sql: str) -> None:
    if _tally is not None:
        words = " ".join(sql.split()[:4])
        _tally[words[:60]] += 1


def _count_statements() -> None:
    """Tally every statement the connections run, whoever sends it (Piccolo or not).

    SQLite: a trace callback on every connection the pooled engine opens (BEGIN and COMMIT
    included). PostgreSQL: asyncpg's connection methods (a transaction's BEGIN and COMMIT
    are `execute` calls).
    """
    from asyncpg.connection import Connection

    from core.database import PooledSQLiteEngine

    lend = PooledSQLiteEngine._lend

    def traced_lend(self):  # type: ignore[no-untyped-def]
        raw = lend(self)
        raw.set_trace_callback(_tally_sql)
        return raw

    PooledSQLiteEngine._lend = traced_lend  # type: ignore[method-assign]
    for name in ("fetch", "fetchrow", "fetchval", "execute", "executemany"):
        method = getattr(Connection, name)

        async def counted(self, query, *args, _method=method, **kwargs):  # type: ignore[no-untyped-def]
            _tally_sql(query)
            return await _method(self, query, *args, **kwargs)

        setattr(Connection, name, counted)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=400)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--path", default="/api/orders", help="or /api/me, /products/1 …")
    parser.add_argument("--redis", default="", help="KUAIQU_REDIS_URL (counts its commands)")
    parser.add_argument("--save", default="", help="also write the raw stats to this file")
    args = parser.parse_args()
    if args.postgres:
        from order_bench import PG_ADMIN

        admin = await asyncpg.connect(PG_ADMIN)
        await admin.execute(f'DROP DATABASE IF EXISTS "{PG_ADMIN_DB}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{PG_ADMIN_DB}"')
        await admin.close()
        url = PG_ADMIN.rsplit("/", 1)[0] + "/" + PG_ADMIN_DB
    else:
        url = f"sqlite:///{VAR_DIR}/profile.sqlite3"
    stores, variants = await build(url)
    _count_statements()
    _count_redis_commands()

    from dataclasses import replace

    from core.settings import get_settings
    from server.app import create_app

    if args.redis:
        from redis.asyncio import Redis

        await Redis.from_url(args.redis).flushdb()
    app = create_app(replace(get_settings(), database_url=url, redis_url=args.redis))
    rng = random.Random(3)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.lifespan(),
        httpx.AsyncClient(transport=transport, base_url="http://bench.local") as client,
    ):
        login = await client.post("/api/auth/login", json={"email": EMAIL, "password": PASSWORD})
        login.raise_for_status()

        async def one() -> None:
            if args.path != "/api/orders":
                answer = await client.get(args.path)
                assert answer.status_code == 200, answer.text
                return
            a, b = rng.sample(variants, 2)
            body = {
                "lines": [{"variant_id": a, "quantity": 1}, {"variant_id": b, "quantity": 2}],
                "method": "pickup",
                "location_id": rng.choice(stores),
                "payment_method": "in_store",
            }
            answer = await client.post(
                "/api/orders", json=body, headers={"Idempotency-Key": uuid.uuid4().hex}
            )
            assert answer.status_code == 201, answer.text

        for _ in range(20):  # warm caches and pools
            await one()
        global _tally
        _tally = collections.Counter()
        counted = 50
        for _ in range(counted):
            await one()
        tally, _tally = _tally, None
        began = time.perf_counter()
        cpu_began = time.process_time()
        for _ in range(args.orders):
            await one()
        plain = (time.perf_counter() - began) / args.orders * 1000
        # CPU of this process (app and client; not PostgreSQL's or Redis's): the load of
        # other processes moves it far less than the wall clock.
        cpu = (time.process_time() - cpu_began) / args.orders * 1000
        profiler = cProfile.Profile()
        began = time.perf_counter()
        profiler.enable()
        for _ in range(args.orders):
            await one()
        profiler.disable()
        elapsed = time.perf_counter() - began
    print(f"{args.orders} x {args.path}: {plain:.2f} ms each unprofiled ({cpu:.2f} ms CPU)")
    print(f"{args.orders} x {args.path}: {elapsed / args.orders * 1000:.2f} ms each (profiled)")
    calls = pstats.Stats(profiler).total_calls  # type: ignore[attr-defined]
    print(f"Python function calls per request: {calls / args.orders:,.0f} (load-independent)")
    statements = sum(n for words, n in tally.items() if not words.startswith("redis "))
    print(f"SQL statements per request: {statements / counted:.2f}")
    redis_calls = sum(n for words, n in tally.items() if words.startswith("redis "))
    print(f"Redis round trips per request: {redis_calls / counted:.2f}")
    for words, n in tally.most_common():
        print(f"  {n / counted:5.2f}  {words}")
    if args.save:
        profiler.dump_stats(args.save)
    for key in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(key).print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    asyncio.run(main())
