"""Consumer pages for locations: the store finder and the "nearby stores" product fragment."""

from __future__ import annotations

from itertools import groupby

from litestar import Controller, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from accounts.access import ANYONE
from locations.finder import (
    DEFAULT_CITY,
    DEFAULT_POINT,
    check_point,
    find_stores,
    store_cities,
    variant_availability,
)

#: Up to this many stores, the finder without a position lists them all by city.
ALL_CITIES_UP_TO = 60


class StoresPages(Controller):
    """`/stores` and `/fragments/variants/{id}/nearby`."""

    include_in_schema = False

    @get("/stores", opt=ANYONE)
    async def stores(
        self,
        lat: FromQuery[float | None] = None,
        lon: FromQuery[float | None] = None,
        city: FromQuery[str | None] = None,
    ) -> Template:
        """Stores nearest to the visitor's position, or the stores of one city.

        Without a position: a small chain lists every store by city; past
        `ALL_CITIES_UP_TO` stores the visitor picks a city (Beijing first).
        """
        point = check_point(lat, lon)
        cities = await store_cities()
        if point is None and city is None and sum(n for _, n in cities) > ALL_CITIES_UP_TO:
            names = [name for name, _ in cities]
            city = DEFAULT_CITY if DEFAULT_CITY in names else (names[0] if names else None)
        cards = await find_stores(point, city=city, limit=30)
        groups = (
            []
            if point
            else [(name, list(group)) for name, group in groupby(cards, key=lambda c: c.city)]
        )
        return Template(
            "storefront/stores.html",
            context={
                "point": point,
                "stores": cards,
                "groups": groups,
                "cities": cities,
                "city": city,
            },
        )

    @get("/fragments/variants/{variant_id:int}/nearby", opt=ANYONE)
    async def nearby(
        self,
        variant_id: FromPath[int],
        lat: FromQuery[float | None] = None,
        lon: FromQuery[float | None] = None,
        limit: FromQuery[int] = 5,
    ) -> Template:
        """The htmx fragment a product page loads into `<section id="nearby-stores">`."""
        point = check_point(lat, lon)
        stores = await variant_availability(variant_id, point or DEFAULT_POINT, limit=limit)
        return Template(
            "storefront/nearby_stores.html",
            context={
                "variant_id": variant_id,
                "stores": stores,
                "holding": sum(1 for s in stores if s.available > 0),
                "default_point": point is None,
                "default_city": DEFAULT_CITY,
            },
        )
