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
    city_point,
    find_stores,
    point_from_query,
    split_near_and_far,
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
        lat: FromQuery[str] = "",
        lon: FromQuery[str] = "",
        city: FromQuery[str | None] = None,
    ) -> Template:
        """Stores nearest to the visitor's position, or the stores of one city.

        Without a position: a small chain lists every store by city; past
        `ALL_CITIES_UP_TO` stores the visitor picks a city (Beijing first).
        """
        point = point_from_query(lat, lon)
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
        lat: FromQuery[str] = "",
        lon: FromQuery[str] = "",
        city: FromQuery[str] = "",
        located: FromQuery[str] = "",
        limit: FromQuery[int] = 5,
    ) -> Template:
        """The htmx fragment a product page loads into `<section id="nearby-stores">`.

        With a position: the stores nearest to it. Without one (empty `lat`/`lon`, the
        browser refused or cannot locate): a city picker and the stores of the picked
        city (Beijing first). `located=refused` says why no position came.
        """
        point = point_from_query(lat, lon)
        cities = sorted(
            (name for name, _ in await store_cities() if name),
            key=lambda name: name != DEFAULT_CITY,  # Beijing first, the rest as listed
        )
        chosen = "" if point else (city if city in cities else (cities or [""])[0])
        centre = point or (await city_point(chosen) if chosen else None) or DEFAULT_POINT
        near, far = split_near_and_far(await variant_availability(variant_id, centre, limit=limit))
        holding = sum(1 for s in near if s.available > 0)
        return Template(
            "storefront/nearby_stores.html",
            context={
                "variant_id": variant_id,
                "stores": near,
                "far": far,
                "holding": holding,
                "default_point": point is None,
                "default_city": chosen or DEFAULT_CITY,
                "cities": cities,
                "refused": located == "refused",
            },
        )
