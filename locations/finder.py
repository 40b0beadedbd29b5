"""What consumers see of locations: the store finder and a variant's stock at nearby stores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from catalog.variant_facts import variants_info
from core.errors import InvalidInput, NotFound
from locations.kinds import LocationKind
from locations.locations import hours_today, is_open, list_locations
from locations.nearest import PICKUP_RADIUS_M, NearbyLocation, nearest_locations
from locations.tables import Location

#: Where a shopper is assumed to be when the browser gives no position (天安门, Beijing).
DEFAULT_POINT = (39.9087, 116.3975)
DEFAULT_CITY = "北京"
#: At or below this many available units a store shows "few left".
FEW_LEFT = 5
BANDS = ("in_stock", "few_left", "out_of_stock")


def band(available: int) -> str:
    """The quantity band shown to consumers: in_stock, few_left or out_of_stock."""
    if available <= 0:
        return "out_of_stock"
    return "few_left" if available <= FEW_LEFT else "in_stock"


def check_point(lat: float | None, lon: float | None) -> tuple[float, float] | None:
    """A shopper's position from query parameters: both or neither, on Earth."""
    if lat is None and lon is None:
        return None
    if lat is None or lon is None:
        raise InvalidInput("Give both lat and lon, or neither")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidInput("Coordinates {lat}, {lon} are not on Earth", lat=lat, lon=lon)
    return lat, lon


def point_from_query(lat: str, lon: str) -> tuple[float, float] | None:
    """A position typed into a query string: empty values mean "no position", not an error.

    A page that has not (yet) got the browser's position sends `?lat=&lon=`; that falls
    back to a city, while a value that is not a number is refused naming its field.
    """
    values: dict[str, float | None] = {}
    for name, text in (("lat", lat), ("lon", lon)):
        text = text.strip()
        try:
            values[name] = float(text) if text else None
        except ValueError:
            raise InvalidInput(
                "{field} is not a coordinate: {value}", field=name, value=text[:30]
            ) from None
    return check_point(values["lat"], values["lon"])


async def city_point(city: str) -> tuple[float, float] | None:
    """The middle of a city's active stores, to rank stores when the shopper picked a city."""
    rows = await Location.raw(
        "SELECT AVG(lat) AS lat, AVG(lon) AS lon FROM location "
        "WHERE is_active AND kind = 'store' AND city = {}",
        city,
    )
    if not rows or rows[0]["lat"] is None:
        return None
    return float(rows[0]["lat"]), float(rows[0]["lon"])


@dataclass(frozen=True, slots=True)
class StoreCard:
    """A store as the finder lists it."""

    location_id: int
    name: str
    city: str
    district: str
    address: str
    phone: str
    lat: float
    lon: float
    opening_hours: list[str]
    hours_today: str
    open_now: bool
    pickup_enabled: bool
    photo: str
    distance_m: float | None = None


def _card(row: dict[str, Any], at: datetime | None, distance: float | None) -> StoreCard:
    return StoreCard(
        location_id=row["id"],
        name=row["name"],
        city=row["city"],
        district=row["district"],
        address=row["address"],
        phone=row["phone"],
        lat=row["lat"],
        lon=row["lon"],
        opening_hours=row["opening_hours"],
        hours_today=hours_today(row["opening_hours"], at),
        open_now=is_open(row["opening_hours"], at),
        pickup_enabled=row["pickup_enabled"],
        photo=row["photo"],
        distance_m=distance,
    )


async def store_cities() -> list[tuple[str, int]]:
    """Cities with active stores and how many each has, by city name."""
    rows = await Location.raw(
        "SELECT city, COUNT(*) AS n FROM location WHERE is_active AND kind = 'store' "
        "GROUP BY city ORDER BY city"
    )
    return [(r["city"], r["n"]) for r in rows]


async def find_stores(
    point: tuple[float, float] | None,
    *,
    city: str | None = None,
    limit: int = 20,
    at: datetime | None = None,
) -> list[StoreCard]:
    """Stores nearest to `point` with distance; without a point, the stores of `city`.

    Without a point and a city, every store by city (small chains; the finder page asks
    for a city first once there are many).
    """
    if limit < 1 or limit > 100:
        raise InvalidInput("limit must be between 1 and 100")
    if point is None:
        rows = await list_locations(LocationKind.STORE, city=city)
        return [_card(r, at, None) for r in rows]
    nearby = await nearest_locations(
        point[0],
        point[1],
        kinds=(LocationKind.STORE,),
        pickup_only=False,
        require="none",
        limit=limit,
    )
    ids = [n.location_id for n in nearby]
    query = Location.select().where(Location.id.is_in(ids or [-1])).output(load_json=True)
    by_id = {r["id"]: r for r in await query}
    return [_card(by_id[n.location_id], at, n.distance_m) for n in nearby]


@dataclass(frozen=True, slots=True)
class StoreStock:
    """One store's stock of a variant, as consumers see it."""

    location_id: int
    name: str
    address: str
    distance_m: float
    available: int
    band: str
    opening_hours: list[str]


async def variant_availability(
    variant_id: int, point: tuple[float, float], *, limit: int = 5
) -> list[StoreStock]:
    """Nearest pickup stores for a variant: those holding it, then nearer ones that do not.

    Stores holding it come from a search restricted to stocked locations (so a rare item
    three cities away is still found); stores closer than the farthest of those but out of
    stock are shown too, so the shopper sees the stores around them honestly.
    """
    if limit < 1 or limit > 50:
        raise InvalidInput("limit must be between 1 and 50")
    if variant_id not in await variants_info([variant_id]):
        raise NotFound("No variant {variant}", variant=variant_id)
    wanted = {variant_id: 1}
    holding = await nearest_locations(*point, quantities=wanted, require="any", limit=limit)
    around = await nearest_locations(*point, quantities=wanted, require="none", limit=limit)
    merged: dict[int, NearbyLocation] = {n.location_id: n for n in holding}
    for n in around:
        merged.setdefault(n.location_id, n)
    ranked = sorted(merged.values(), key=lambda n: (n.distance_m, n.location_id))
    out: list[StoreStock] = []
    for n in ranked:
        available = n.available.get(variant_id, 0)
        out.append(
            StoreStock(
                location_id=n.location_id,
                name=n.name,
                address=n.address,
                distance_m=round(n.distance_m),
                available=available,
                band=band(available),
                opening_hours=n.opening_hours,
            )
        )
    # Keep every holding store up to `limit`; out-of-stock ones only fill remaining places.
    in_stock = [s for s in out if s.available > 0][:limit]
    empty = [s for s in out if s.available <= 0][: max(0, limit - len(in_stock))]
    return sorted(in_stock + empty, key=lambda s: (s.distance_m, s.location_id))


#: How many farther stores holding a variant are named when none near has it.
FAR_SHOWN = 2


def split_near_and_far(stores: list[StoreStock]) -> tuple[list[StoreStock], list[StoreStock]]:
    """Stores within pickup reach, and the nearest farther ones holding the variant.

    The farther ones only when no store within reach holds it, so a shopper in a city
    without it still learns where it is.
    """
    near = [s for s in stores if s.distance_m <= PICKUP_RADIUS_M]
    if any(s.available > 0 for s in near):
        return near, []
    far = [s for s in stores if s.distance_m > PICKUP_RADIUS_M and s.available > 0]
    return near, far[:FAR_SHOWN]
