"""Where the time of one `POST /api/orders` goes: cProfile over sequential in-process orders.

Builds the database of `bench/order_bench.py` (SQLite, or --postgres), runs the app in this
process over httpx's ASGI transport (no sockets, no second process), places `--orders`
2-line pickup orders one at a time and prints the mean time per order and the functions with
the most cumulative and own time.

    .venv/bin/python bench/profile_orders.py --orders 400
"""

from __future__ import annotations

import argparse
import asyncio
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


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=400)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--path", default="/api/orders", help="or /api/me, /products/1 …")
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

    from dataclasses import replace

    from core.settings import get_settings
    from server.app import create_app

    app = create_app(replace(get_settings(), database_url=url))
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
        profiler = cProfile.Profile()
        began = time.perf_counter()
        profiler.enable()
        for _ in range(args.orders):
            await one()
        profiler.disable()
        elapsed = time.perf_counter() - began
    print(f"{args.orders} x {args.path}: {elapsed / args.orders * 1000:.2f} ms each (profiled)")
    for key in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(key).print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    asyncio.run(main())
