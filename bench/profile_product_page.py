"""What one product page costs the app: CPU, Python calls and SQL per `GET /products/{id}`.

Loads the demo into a fresh SQLite file (`kuaiqu migrate` and `kuaiqu demo`, as the browser
tests do), runs the app in this process over httpx's ASGI transport and asks for every
listed demo product's page in turn, as a visitor and as the demo consumer, in Chinese and in
English. The caches are warmed first (one round over every page), so the figures are those
of a product page seen before, as on a busy shop.

`analytics.recommend.record_view` is replaced by a no-op here: served one request at a time
every view would be written by its own INSERT and commit (under load they go 100 at a time),
which would swamp the page's own cost; `bench/profile_orders.py --path /products/1` counts it.

    .venv/bin/python bench/profile_product_page.py --rounds 20
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import cProfile
import io
import logging
import os
import pstats
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(tempfile.mkdtemp(prefix="kuaiqu-product-page-"))
DATABASE = VAR_DIR / "pages.sqlite3"
os.environ["KUAIQU_VAR_DIR"] = str(VAR_DIR)
os.environ["KUAIQU_DATABASE_URL"] = f"sqlite:///{DATABASE}"
os.environ.pop("KUAIQU_REDIS_URL", None)
logging.getLogger("httpx").setLevel(logging.WARNING)
CONSUMER = {"email": "consumer@kuaiqu.test", "password": "kuaiqu-demo-consumer"}

#: Statements run while counting, by their first words (None: not counting).
_tally: collections.Counter[str] | None = None


def _load_demo() -> list[int]:
    """Migrate, load the demo; the ids of the listed products."""
    for command in ("migrate", "demo"):
        subprocess.run(
            [sys.executable, "-m", "server.cli", command],
            cwd=ROOT,
            env=os.environ,
            check=True,
            capture_output=True,
        )
    with sqlite3.connect(DATABASE) as connection:
        rows = connection.execute("SELECT id FROM product WHERE status = 'listed' ORDER BY id")
        return [row[0] for row in rows]


def _count_statements() -> None:
    """Tally every statement the pooled SQLite connections run."""
    from core.database import PooledSQLiteEngine

    lend = PooledSQLiteEngine._lend

    def tally(sql: str) -> None:
        if _tally is not None:
            _tally[" ".join(sql.split()[:4])[:60]] += 1

    def traced_lend(self):  # type: ignore[no-untyped-def]
        raw = lend(self)
        raw.set_trace_callback(tally)
        return raw

    PooledSQLiteEngine._lend = traced_lend  # type: ignore[method-assign]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="rounds over every page")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--save", default="", help="also write each run's raw stats: PREFIX-who-lang"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    products = _load_demo()
    _count_statements()

    import httpx

    import storefront.catalog_pages
    from core.settings import get_settings
    from server.app import create_app

    storefront.catalog_pages.record_view = lambda *args, **kwargs: None  # type: ignore[assignment]
    app = create_app(get_settings())
    transport = httpx.ASGITransport(app=app)
    print(f"{len(products)} listed demo products; database {DATABASE}")
    async with app.lifespan():
        for who in ("visitor", "consumer"):
            for language in ("zh-CN", "en"):
                async with httpx.AsyncClient(transport=transport, base_url="http://b") as client:
                    if who == "consumer":
                        (await client.post("/api/auth/login", json=CONSUMER)).raise_for_status()
                    if language == "en":
                        await client.get("/lang/en?next=/")
                    await _measure(client, products, args, f"{who}, {language}")


async def _measure(
    client: object, products: list[int], args: argparse.Namespace, label: str
) -> None:
    global _tally
    get = client.get  # type: ignore[attr-defined]

    async def round_() -> None:
        for product in products:
            answer = await get(f"/products/{product}")
            assert answer.status_code == 200, answer.text

    await round_()  # warm: every page's cached body and data
    _tally = collections.Counter()
    await round_()
    tally, _tally = _tally, None
    cpu_began = time.process_time()
    for _ in range(args.rounds):
        await round_()
    requests = args.rounds * len(products)
    cpu = (time.process_time() - cpu_began) / requests * 1000
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.rounds):
        await round_()
    profiler.disable()
    calls = pstats.Stats(profiler).total_calls / requests  # type: ignore[attr-defined]
    statements = sum(tally.values()) / len(products)
    print(f"\n== {label}: {cpu:.3f} ms CPU per page (app and client), {calls:,.0f} Python calls")
    print(f"   SQL statements per page: {statements:.2f}")
    for words, n in tally.most_common():
        print(f"     {n / len(products):5.2f}  {words}")
    if args.save:
        profiler.dump_stats(f"{args.save}-{label.replace(', ', '-')}")
    render_ms, render_calls = await _template_render_alone(
        round_,
        requests,
        args.rounds,
        f"{args.save}-render-{label.replace(', ', '-')}" if args.save else "",
    )
    print(
        f"   template render alone: {render_ms:.3f} ms, {render_calls:,.0f} Python calls per page"
    )
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
    print(out.getvalue())


async def _template_render_alone(
    round_: Callable[[], Awaitable[None]], requests: int, rounds: int, save: str
) -> tuple[float, float]:
    """Time (unprofiled, then the calls profiled) spent in Jinja's render of each page."""
    import jinja2

    original = jinja2.Template.render
    spent = 0.0
    profiler = cProfile.Profile()

    def timed(self: jinja2.Template, *args: Any, **kwargs: Any) -> str:
        nonlocal spent
        began = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            spent += time.perf_counter() - began

    def profiled(self: jinja2.Template, *args: Any, **kwargs: Any) -> str:
        profiler.enable()
        try:
            return original(self, *args, **kwargs)
        finally:
            profiler.disable()

    try:
        jinja2.Template.render = timed  # type: ignore[method-assign]
        for _ in range(rounds):
            await round_()
        jinja2.Template.render = profiled  # type: ignore[method-assign]
        await round_()
    finally:
        jinja2.Template.render = original  # type: ignore[method-assign]
    if save:
        profiler.dump_stats(save)
    calls = pstats.Stats(profiler).total_calls  # type: ignore[attr-defined]
    return spent / requests * 1000, calls / (requests / rounds)


if __name__ == "__main__":
    asyncio.run(main())
