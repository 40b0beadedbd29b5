"""Nearest-location search: which stores near a point hold given variants, and how far.

A bounding box around the point prefilters on the indexed lat/lon columns; the exact
geodesic distance (geopy) is computed for that short list only. The box grows until it
holds enough answers, so the ranking is exact: every location within the box's inner
radius is inside the box.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from geopy.distance import geodesic
from piccolo.engine.sqlite import SQLiteEngine

from locations.kinds import LocationKind
from locations.stock import available_quantities
from locations.tables import Location

EARTH_RADIUS_M = 6_371_000
#: First search radius; doubled until enough locations are found.
START_RADIUS_M = 5_000
#: How far a store still counts as "near you" for pickup (nobody drives 1,000 km to collect).
PICKUP_RADIUS_M = 50_000
#: Half the Earth's circumference: past this, every location is in range.
MAX_RADIUS_M = 20_100_000


@dataclass(frozen=True, slots=True)
class NearbyLocation:
    """A location with its distance from the point and what it holds of the asked variants."""

    location_id: int
    name: str
    kind: str
    distance_m: float
    lat: float
    lon: float
    address: str
    opening_hours: list[str]
    pickup_hold_days: int
    prep_minutes: int
    #: variant id → units available (on_hand − reserved); absent variants hold 0.
    available: dict[int, int] = field(default_factory=dict)
    holds_all: bool = False


def bounding_box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min lat, max lat, min lon, max lon) of a box containing the circle of `radius_m`."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M) * 1.01
    cos_lat = math.cos(math.radians(min(89.0, abs(lat) + dlat)))
    dlon = 180.0 if cos_lat <= 0 else min(180.0, dlat / cos_lat)
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic distance in metres (WGS84)."""
    return float(geodesic(a, b).meters)


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance on a sphere: within 0.6 % of the geodesic, and ~50x cheaper."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


#: Haversine differs from the WGS84 geodesic by less than this factor (≤ 0.56 %).
SPHERE_ERROR = 1.01

_DETAILS = "id, name, kind, lat, lon, address, opening_hours, pickup_hold_days, prep_minutes"


async def _box_points(
    lat: float,
    lon: float,
    radius_m: float,
    kinds: tuple[str, ...],
    pickup_only: bool,
    stocked: list[int] | None,
    seen: dict[int, dict],
) -> list[tuple[float, int]]:
    """(spherical distance, id) of active locations in the box around the point.

    One query on the composite (lat, lon) index; rows are kept in `seen`, so the short list
    needs no second query. With `stocked`, only locations with an available unit of one
    of those variants (a semi-join on the stock index).
    """
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius_m)
    sql = [f"SELECT {_DETAILS} FROM location WHERE lat >= {{}} AND lat <= {{}}"]
    args: list[object] = [min_lat, max_lat]
    if min_lon >= -180 and max_lon <= 180:
        sql.append("AND lon >= {} AND lon <= {}")
        args += [min_lon, max_lon]
    sql.append("AND is_active AND kind IN (" + ", ".join("{}" for _ in kinds) + ")")
    args += list(kinds)
    if pickup_only:
        sql.append("AND pickup_enabled")
    if stocked is not None:
        sql.append(
            "AND id IN (SELECT location FROM stock_level WHERE variant IN ("
            + ", ".join("{}" for _ in stocked)
            + ") AND on_hand - reserved > 0)"
        )
        args += stocked
    rows = await Location.raw(" ".join(sql), *args)
    here = (lat, lon)
    seen.update((r["id"], r) for r in rows)
    return sorted((haversine_m(here, (r["lat"], r["lon"])), r["id"]) for r in rows)


async def nearest_locations(
    lat: float,
    lon: float,
    *,
    quantities: dict[int, int] | None = None,
    require: str = "any",
    kinds: Iterable[str] = (LocationKind.STORE,),
    pickup_only: bool = True,
    limit: int = 10,
) -> list[NearbyLocation]:
    """Locations nearest to (lat, lon), closest first, with what they hold.

    A box around the point is searched on the (lat, lon) index and grows until it holds
    `limit` answers within its inscribed circle, so no closer location can lie outside it;
    each growth step is sized from how many answers the last box held. Candidates are
    ranked by the cheap spherical distance; only those that could be among the `limit`
    nearest (allowing for the sphere's < 0.6 % error) get the exact geodesic distance
    (geopy), which gives the final order.

    Args:
        lat: Latitude of the point.
        lon: Longitude of the point.
        quantities: variant id → units wanted. Empty: every location qualifies.
        require: "all" — only locations holding every wanted quantity; "any" — holding at
            least one unit of some wanted variant; "none" — all locations, stock shown.
        kinds: location kinds to consider.
        pickup_only: only locations with pickup enabled.
        limit: how many to return.
    """
    wanted = quantities or {}
    kinds = tuple(kinds)
    if limit <= 0 or not kinds:
        return []
    stocked = sorted(wanted) if wanted and require in ("any", "all") else None
    engine = Location._meta.db
    if isinstance(engine, SQLiteEngine):
        # One connection for the whole search: Piccolo opens a new SQLite connection per
        # query otherwise, which costs more than the queries. Joins an open transaction.
        async with engine.transaction():
            return await _search(lat, lon, wanted, require, kinds, pickup_only, limit, stocked)
    return await _search(lat, lon, wanted, require, kinds, pickup_only, limit, stocked)


async def _search(
    lat: float,
    lon: float,
    wanted: dict[int, int],
    require: str,
    kinds: tuple[str, ...],
    pickup_only: bool,
    limit: int,
    stocked: list[int] | None,
) -> list[NearbyLocation]:
    radius = float(START_RADIUS_M)
    seen: dict[int, dict] = {}
    while True:
        final = radius >= MAX_RADIUS_M
        points = await _box_points(lat, lon, radius, kinds, pickup_only, stocked, seen)
        inner = radius / SPHERE_ERROR**2
        within = points if final else [p for p in points if p[0] <= inner]
        stock: dict[tuple[int, int], int] = {}
        if require == "all" and within:
            stock = await available_quantities(wanted, [i for _, i in within])
            within = [
                p for p in within if all(stock.get((p[1], v), 0) >= q for v, q in wanted.items())
            ]
        if len(within) >= limit or final:
            return await _exact_nearest(lat, lon, within, limit, wanted, seen)
        # Grow to the circle that should hold `limit` answers at the density seen so far
        # (x1.25 for luck), at least x1.5 and at most x4: big boxes cost rows to read.
        count = len(within) if require == "all" else len(points)
        growth = math.sqrt(limit / (count * math.pi / 4)) * 1.25 if count else 4.0
        radius = min(MAX_RADIUS_M, radius * min(4.0, max(1.5, growth)))


async def _exact_nearest(
    lat: float,
    lon: float,
    ranked: list[tuple[float, int]],
    limit: int,
    wanted: dict[int, int],
    rows: dict[int, dict],
) -> list[NearbyLocation]:
    """The `limit` nearest by geodesic distance, computed only for the short list."""
    if not ranked:
        return []
    cutoff = ranked[min(limit, len(ranked)) - 1][0] * SPHERE_ERROR**2 + 1
    short = [i for approx, i in ranked if approx <= cutoff]
    stock = await available_quantities(wanted, short) if wanted else {}
    found = []
    for location_id in short:
        r = rows[location_id]
        if isinstance(r["opening_hours"], str):
            r["opening_hours"] = json.loads(r["opening_hours"])
        available = {v: max(0, stock.get((location_id, v), 0)) for v in wanted}
        found.append(
            NearbyLocation(
                location_id=location_id,
                name=r["name"],
                kind=r["kind"],
                distance_m=distance_m((lat, lon), (r["lat"], r["lon"])),
                lat=r["lat"],
                lon=r["lon"],
                address=r["address"],
                opening_hours=r["opening_hours"],
                pickup_hold_days=r["pickup_hold_days"],
                prep_minutes=r["prep_minutes"],
                available=available,
                holds_all=all(available[v] >= q for v, q in wanted.items()),
            )
        )
    found.sort(key=lambda loc: (loc.distance_m, loc.location_id))
    return found[:limit]
