"""Nearest-store search at 100,000 locations: latency percentiles and a brute-force check.

Builds a fresh database (a SQLite file, or with --postgres the PostgreSQL database
`kuaiqu_bench`, dropped and created), fills it with locations spread over China — most of
them clustered around real district centres, like shops are — then times
`locations.nearest.nearest_locations` from random points in China and compares the answers
with a brute-force ranking over every location.

    .venv/bin/python bench/nearest_bench.py                      # SQLite
    .venv/bin/python bench/nearest_bench.py --postgres           # PostgreSQL

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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
os.environ.setdefault("KUAIQU_VAR_DIR", tempfile.mkdtemp(prefix="kuaiqu-bench-"))

from piccolo.apps.migrations.commands.forwards import run_forwards  # noqa: E402
from piccolo.engine.base import Engine  # noqa: E402

from core.database import make_engine, prepare_engine, use_engine  # noqa: E402
from locations.geocoding import _divisions  # noqa: E402
from locations.nearest import distance_m, haversine_m, nearest_locations  # noqa: E402

CHINA = ((21.0, 45.0), (98.0, 123.0))
PG_ADMIN_URL = os.environ.get(
    "KUAIQU_BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
PG_DB = "kuaiqu_bench"
COLUMNS = (
    "kind, name, name_en, owner_supplier_id, city, district, address, adcode, lat, lon, phone, "
    "opening_hours, pickup_enabled, pickup_hold_days, prep_minutes, photo, is_active"
)


def china_point(rng: random.Random) -> tuple[float, float]:
    """A uniform random point in mainland China's bounding box."""
    (lat0, lat1), (lon0, lon1) = CHINA
    return rng.uniform(lat0, lat1), rng.uniform(lon0, lon1)


def make_points(rng: random.Random, n: int) -> list[tuple[float, float]]:
    """Locations: 80 % within a few km of a real district centre, 20 % anywhere."""
    centres = [(d.lat, d.lon) for d in _divisions().values()]
    points = []
    for _ in range(n):
        if rng.random() < 0.8:
            lat, lon = rng.choice(centres)
            points.append((lat + rng.gauss(0, 0.03), lon + rng.gauss(0, 0.03)))
        else:
            points.append(china_point(rng))
    return points


def rows_for(points: list[tuple[float, float]]) -> list[tuple]:
    """Location rows in COLUMNS order; every seventh is a warehouse, every fifth no pickup."""
    hours = json.dumps(["09:00-21:00"] * 7)
    return [
        (
            "warehouse" if i % 7 == 0 else "store",
            f"店{i}",
            "",
            None,
            "",
            "",
            "",
            "",
            lat,
            lon,
            "",
            hours,
            i % 5 != 0,
            3,
            30,
            "",
            True,
        )
        for i, (lat, lon) in enumerate(points)
    ]


async def fresh_engine(postgres: bool, folder: Path) -> tuple[Engine, str]:
    """A migrated, empty database; returns the engine and its URL."""
    if postgres:
        import asyncpg

        admin = await asyncpg.connect(PG_ADMIN_URL, timeout=5)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
            await admin.execute(f'CREATE DATABASE "{PG_DB}"')
        finally:
            await admin.close()
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_DB
    else:
        url = f"sqlite:///{folder / 'nearest_bench.sqlite3'}"
    engine = make_engine(url)
    use_engine(engine)
    result = await run_forwards("all")
    assert result.success, result.message
    await prepare_engine(engine)
    return engine, url


async def load(url: str, rows: list[tuple]) -> None:
    """Bulk-insert the rows with the database's own driver (fast), then analyse."""
    placeholders = ", ".join("?" for _ in COLUMNS.split(","))
    if url.startswith("sqlite"):
        import sqlite3

        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        with connection:
            connection.executemany(
                f"INSERT INTO location ({COLUMNS}) VALUES ({placeholders})", rows
            )
        connection.execute("ANALYZE")
        connection.close()
        return
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        numbered = ", ".join(f"${i + 1}" for i in range(len(COLUMNS.split(","))))
        await connection.executemany(
            f"INSERT INTO location ({COLUMNS}) VALUES ({numbered.replace('$12', '$12::json')})",
            rows,
        )
        await connection.execute("ANALYZE location")
    finally:
        await connection.close()


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def brute_force(point, everything, limit, *, exact_all: bool) -> list[int]:
    """Ids of the `limit` pickup stores nearest `point`, considering every location.

    `exact_all`: geodesic distance to every location (the naive way, timed). Otherwise
    every location is ranked by spherical distance and the geodesic decides among those
    that could be in the top `limit` (spherical error < 0.6 %), which is the same answer.
    """
    eligible = [r for r in everything if r[3]]
    if exact_all:
        ranked = sorted(eligible, key=lambda r: (distance_m(point, (r[1], r[2])), r[0]))
        return [r[0] for r in ranked[:limit]]
    approx = sorted(eligible, key=lambda r: haversine_m(point, (r[1], r[2])))
    cutoff = haversine_m(point, (approx[limit - 1][1], approx[limit - 1][2])) * 1.0201 + 1
    short = [r for r in approx if haversine_m(point, (r[1], r[2])) <= cutoff]
    ranked = sorted(short, key=lambda r: (distance_m(point, (r[1], r[2])), r[0]))
    return [r[0] for r in ranked[:limit]]


async def main() -> None:
    """Build, time, check, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL kuaiqu_bench")
    parser.add_argument("--locations", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--limit", type=int, default=10)
    parser.add_argument("--check", type=int, default=50, help="queries compared to brute force")
    parser.add_argument("--naive", type=int, default=3, help="full-geodesic brute-force runs")
    parser.add_argument("--seed", type=int, default=20261125)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    folder = Path(tempfile.mkdtemp(prefix="kuaiqu-nearest-"))
    started = time.perf_counter()
    engine, url = await fresh_engine(args.postgres, folder)
    await load(url, rows_for(make_points(rng, args.locations)))
    print(f"database   {'PostgreSQL' if args.postgres else 'SQLite'}  {url}")
    print(f"locations  {args.locations:,} loaded in {time.perf_counter() - started:.1f} s")

    from locations.tables import Location

    everything = [
        (r["id"], r["lat"], r["lon"], r["kind"] == "store" and r["pickup_enabled"])
        for r in await Location.select(
            Location.id, Location.lat, Location.lon, Location.kind, Location.pickup_enabled
        )
    ]
    queries = [china_point(rng) for _ in range(args.queries)]
    for point in queries[:20]:  # warm caches and the pool
        await nearest_locations(*point, require="none", limit=args.limit)
    timings, answers = [], []
    for point in queries:
        t0 = time.perf_counter()
        found = await nearest_locations(*point, require="none", limit=args.limit)
        timings.append((time.perf_counter() - t0) * 1000)
        answers.append([f.location_id for f in found])
    p50, p99 = statistics.median(timings), percentile(timings, 99)
    print(
        f"nearest    {args.queries} queries, limit {args.limit}: "
        f"p50 {p50:.2f} ms  p99 {p99:.2f} ms  max {max(timings):.2f} ms"
    )

    naive_ms = []
    mismatches = 0
    for i in range(min(args.naive, len(queries))):
        t0 = time.perf_counter()
        expected = brute_force(queries[i], everything, args.limit, exact_all=True)
        naive_ms.append((time.perf_counter() - t0) * 1000)
        mismatches += expected != answers[i]
    for i in range(args.naive, min(args.check, len(queries))):
        mismatches += brute_force(queries[i], everything, args.limit, exact_all=False) != answers[i]
    naive = statistics.median(naive_ms) if naive_ms else float("nan")
    print(
        f"brute      geodesic to all {args.locations:,}: {naive:.0f} ms per query "
        f"(median of {len(naive_ms)}) = {naive / p50:.0f}x the p50"
    )
    checked = max(args.check, args.naive)
    print(f"check      {checked - mismatches}/{checked} answers identical to brute force")
    print(f"goal       p99 < 10 ms: {'met' if p99 < 10 else 'NOT met'}")
    if args.postgres:
        await engine.close_connection_pool()
    if mismatches:
        raise SystemExit(1)


if __name__ == "__main__":
    asyncio.run(main())
