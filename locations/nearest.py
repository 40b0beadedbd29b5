"""Nearest-location search: which stores near a point hold given variants, and how far.

A bounding box around the point prefilters on the indexed lat/lon columns; the exact
geodesic distance (geopy) is computed for that short list only. The box grows until it
holds enough answers, so the ranking is exact: every location within the box's inner
radius is inside the box.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from geopy.distance import geodesic

from locations.stock import available_quantities
from locations.tables import Location

EARTH_RADIUS_M = 6_371_000
#: First search radius; doubled until enough locations are found.
START_RADIUS_M = 5_000
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


async def _candidates(
    lat: float, lon: float, radius_m: float, kinds: tuple[str, ...], pickup_only: bool
) -> list[dict]:
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius_m)
    query = Location.select(
        Location.id,
        Location.name,
        Location.kind,
        Location.lat,
        Location.lon,
        Location.address,
        Location.opening_hours,
        Location.pickup_hold_days,
        Location.prep_minutes,
    ).where(
        (Location.lat >= min_lat)
        & (Location.lat <= max_lat)
        & (Location.is_active == True)  # noqa: E712
        & Location.kind.is_in(list(kinds))
    )
    if min_lon >= -180 and max_lon <= 180:
        query = query.where((Location.lon >= min_lon) & (Location.lon <= max_lon))
    if pickup_only:
        query = query.where(Location.pickup_enabled == True)  # noqa: E712
    return await query.output(load_json=True)


async def nearest_locations(
    lat: float,
    lon: float,
    *,
    quantities: dict[int, int] | None = None,
    require: str = "any",
    kinds: Iterable[str] = ("store",),
    pickup_only: bool = True,
    limit: int = 10,
) -> list[NearbyLocation]:
    """Locations nearest to (lat, lon), closest first, with what they hold.

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
    radius = START_RADIUS_M
    while True:
        rows = await _candidates(lat, lon, radius, kinds, pickup_only)
        found = await _qualifying(lat, lon, rows, wanted, require)
        within = [loc for loc in found if loc.distance_m <= radius]
        if len(within) >= limit or radius >= MAX_RADIUS_M:
            return (within if radius < MAX_RADIUS_M else found)[:limit]
        radius *= 4


async def _qualifying(
    lat: float, lon: float, rows: list[dict], wanted: dict[int, int], require: str
) -> list[NearbyLocation]:
    stock = await available_quantities(wanted, [r["id"] for r in rows]) if wanted and rows else {}
    found: list[NearbyLocation] = []
    for r in rows:
        available = {v: max(0, stock.get((r["id"], v), 0)) for v in wanted}
        holds_all = all(available[v] >= q for v, q in wanted.items())
        if require == "all" and not holds_all:
            continue
        if require == "any" and wanted and not any(available.values()):
            continue
        found.append(
            NearbyLocation(
                location_id=r["id"],
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
                holds_all=holds_all,
            )
        )
    found.sort(key=lambda loc: loc.distance_m)
    return found
