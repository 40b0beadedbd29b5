"""Nearest search returns exactly what a brute-force geodesic ranking over all locations does."""

from __future__ import annotations

import random

from piccolo.engine.base import Engine

from locations.nearest import distance_m, nearest_locations
from locations.tables import Location
from tests.support.factories import BEIJING, make_product, make_store, stock

#: Mainland China's rough extent, where the shops and shoppers are.
CHINA = ((21.0, 45.0), (98.0, 123.0))


def random_point(rng: random.Random) -> tuple[float, float]:
    (lat0, lat1), (lon0, lon1) = CHINA
    return rng.uniform(lat0, lat1), rng.uniform(lon0, lon1)


async def spread_locations(rng: random.Random, n: int) -> list[dict]:
    """`n` stores, a third of them clustered around a few cities, some without pickup."""
    rows = []
    cities = [random_point(rng) for _ in range(5)]
    for i in range(n):
        if i % 3 == 0:
            lat, lon = rng.choice(cities)
            lat, lon = lat + rng.gauss(0, 0.05), lon + rng.gauss(0, 0.05)
        else:
            lat, lon = random_point(rng)
        rows.append(
            Location(
                kind="store" if i % 7 else "warehouse",
                name=f"店{i}",
                lat=lat,
                lon=lon,
                opening_hours=["09:00-21:00"] * 7,
                pickup_enabled=i % 5 != 0,
            )
        )
    await Location.insert(*rows)
    return await Location.select(
        Location.id, Location.lat, Location.lon, Location.kind, Location.pickup_enabled
    )


def brute_force(
    point: tuple[float, float], rows: list[dict], limit: int, *, pickup_only: bool = True
) -> list[int]:
    eligible = [
        r for r in rows if r["kind"] == "store" and (r["pickup_enabled"] or not pickup_only)
    ]
    ranked = sorted(eligible, key=lambda r: (distance_m(point, (r["lat"], r["lon"])), r["id"]))
    return [r["id"] for r in ranked[:limit]]


async def test_nearest_matches_brute_force_geodesic_ranking(db: Engine) -> None:
    rng = random.Random(20261125)
    rows = await spread_locations(rng, 400)
    for i in range(40):
        point = random_point(rng)
        limit = rng.choice((1, 5, 10, 25))
        pickup_only = i % 2 == 0
        found = await nearest_locations(
            *point, require="none", limit=limit, pickup_only=pickup_only
        )
        assert [f.location_id for f in found] == brute_force(
            point, rows, limit, pickup_only=pickup_only
        )
        exact = [distance_m(point, (f.lat, f.lon)) for f in found]
        assert [f.distance_m for f in found] == exact


async def test_near_a_cluster_the_ranking_is_exact_too(db: Engine) -> None:
    rng = random.Random(7)
    rows = await spread_locations(rng, 300)
    clustered = rows[0]
    point = (clustered["lat"] + 0.01, clustered["lon"] - 0.01)
    found = await nearest_locations(*point, require="none", limit=10)
    assert [f.location_id for f in found] == brute_force(point, rows, 10)


async def test_stock_filters_and_holds_all_flags(db: Engine) -> None:
    a, b = (await make_product(prices=(100, 200)))["variant_ids"]
    near = await make_store((BEIJING[0] + 0.01, BEIJING[1]))
    middle = await make_store((BEIJING[0] + 0.05, BEIJING[1]))
    far = await make_store((BEIJING[0] + 2.0, BEIJING[1]))
    await stock(near, a, 1)
    await stock(middle, a, 3)
    await stock(middle, b, 1)
    await stock(far, b, 9)
    wanted = {a: 2, b: 1}
    every = await nearest_locations(*BEIJING, quantities=wanted, require="none", limit=10)
    assert [(n.location_id, n.holds_all) for n in every] == [
        (near, False),
        (middle, True),
        (far, False),
    ]
    assert every[0].available == {a: 1, b: 0}
    full = await nearest_locations(*BEIJING, quantities=wanted, require="all", limit=10)
    assert [n.location_id for n in full] == [middle]
    some = await nearest_locations(*BEIJING, quantities={b: 1}, require="any", limit=10)
    assert [n.location_id for n in some] == [middle, far]


async def test_a_rare_item_far_away_is_still_found(db: Engine) -> None:
    (variant,) = (await make_product())["variant_ids"]
    for i in range(20):
        await make_store((BEIJING[0] + i * 0.01, BEIJING[1]))
    urumqi = await make_store((43.8256, 87.6168))
    await stock(urumqi, variant, 2)
    found = await nearest_locations(*BEIJING, quantities={variant: 1}, require="any", limit=3)
    assert [f.location_id for f in found] == [urumqi]
    assert 2_000_000 < found[0].distance_m < 3_000_000


async def test_search_inside_an_open_write_transaction(db: Engine) -> None:
    from core.database import write_transaction

    store = await make_store(BEIJING)
    async with write_transaction():
        await Location.update({Location.name: "改名店"}).where(Location.id == store)
        found = await nearest_locations(*BEIJING, require="none", limit=1)
    assert [(f.location_id, f.name) for f in found] == [(store, "改名店")]
