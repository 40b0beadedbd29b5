"""Consumer JSON API for locations: the store finder and a variant's stock at nearby stores."""

from __future__ import annotations

import msgspec
from litestar import Controller, get
from litestar.params import FromPath, FromQuery

from accounts.access import ANYONE
from locations.finder import DEFAULT_POINT, check_point, find_stores, variant_availability


class StoreOut(msgspec.Struct):
    """A store in the finder; `distance_m` is null when no position was given."""

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
    distance_m: int | None


class StoresOut(msgspec.Struct):
    """Stores nearest first (with a position) or by city (without)."""

    items: list[StoreOut]


class AvailabilityLine(msgspec.Struct):
    """One store's stock of the variant."""

    location_id: int
    name: str
    address: str
    distance_m: int
    available: int
    #: in_stock | few_left | out_of_stock
    band: str


class AvailabilityOut(msgspec.Struct):
    """Stores near the point with their stock of a variant, nearest first."""

    variant_id: int
    lat: float
    lon: float
    #: True when no position was given and the default city point (Beijing) was used.
    default_point: bool
    locations: list[AvailabilityLine]


class StoresApi(Controller):
    """`/api/locations` and `/api/variants/{id}/availability`."""

    path = "/api"
    tags = ["stores"]

    @get("/locations", opt=ANYONE)
    async def stores(
        self,
        lat: FromQuery[float | None] = None,
        lon: FromQuery[float | None] = None,
        city: FromQuery[str | None] = None,
        limit: FromQuery[int] = 20,
    ) -> StoresOut:
        """Stores near `lat`,`lon` (nearest first, with distance), else of `city`, else all."""
        cards = await find_stores(check_point(lat, lon), city=city, limit=limit)
        return StoresOut(
            items=[
                StoreOut(
                    **{k: getattr(c, k) for k in StoreOut.__struct_fields__ if k != "distance_m"},
                    distance_m=None if c.distance_m is None else round(c.distance_m),
                )
                for c in cards
            ]
        )

    @get("/variants/{variant_id:int}/availability", opt=ANYONE)
    async def availability(
        self,
        variant_id: FromPath[int],
        lat: FromQuery[float | None] = None,
        lon: FromQuery[float | None] = None,
        limit: FromQuery[int] = 5,
    ) -> AvailabilityOut:
        """Pickup stores near the point with the units of the variant each can hand over."""
        point = check_point(lat, lon)
        used = point or DEFAULT_POINT
        found = await variant_availability(variant_id, used, limit=limit)
        return AvailabilityOut(
            variant_id=variant_id,
            lat=used[0],
            lon=used[1],
            default_point=point is None,
            locations=[
                AvailabilityLine(
                    location_id=s.location_id,
                    name=s.name,
                    address=s.address,
                    distance_m=int(s.distance_m),
                    available=s.available,
                    band=s.band,
                )
                for s in found
            ],
        )
