"""Operator console JSON API for stores and warehouses: list, create, edit, geocode, photo."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from accounts.access import OPERATORS, SUPPLIERS, Me
from core.errors import InvalidInput
from core.types import Count32, Id, Latitude, Longitude, ShortText
from locations.geocoding import geocode
from locations.locations import (
    LocationInput,
    all_locations,
    get_location,
    own_location,
    save_location,
    save_location_photo,
    save_supplier_location,
    supplier_locations,
)


class LocationIn(msgspec.Struct):
    """A store or warehouse; leave lat/lon out to geocode the address."""

    kind: ShortText
    name: ShortText
    address: ShortText = ""
    city: ShortText = ""
    district: ShortText = ""
    lat: Latitude | None = None
    lon: Longitude | None = None
    name_en: ShortText = ""
    phone: ShortText = ""
    #: Seven entries, Monday first, "09:00-21:00" or "" for closed.
    opening_hours: Annotated[list[ShortText], msgspec.Meta(max_length=7)] = msgspec.field(
        default_factory=lambda: ["09:00-21:00"] * 7
    )
    pickup_enabled: bool = True
    pickup_hold_days: Count32 = 3
    prep_minutes: Count32 = 30
    owner_supplier_id: Id | None = None
    is_active: bool = True


class LocationOut(msgspec.Struct):
    """A location as the operator sees it."""

    id: int
    kind: str
    name: str
    name_en: str
    owner_supplier_id: int | None
    city: str
    district: str
    address: str
    adcode: str
    lat: float
    lon: float
    phone: str
    opening_hours: list[str]
    pickup_enabled: bool
    pickup_hold_days: int
    prep_minutes: int
    photo: str
    is_active: bool


class GeocodeIn(msgspec.Struct):
    """An address to place."""

    address: ShortText


class PlaceOut(msgspec.Struct):
    """Where the address was placed and how precisely."""

    lat: float
    lon: float
    city: str
    district: str
    adcode: str
    #: district | city | province | world_city | geocoder
    precision: str
    label: str


class PhotoOut(msgspec.Struct):
    """The stored photo's /media path."""

    photo: str


def location_out(row: dict[str, Any]) -> LocationOut:
    """A location row as JSON."""
    return LocationOut(**{k: row[k] for k in LocationOut.__struct_fields__})


def location_input(data: LocationIn) -> LocationInput:
    """The API body as the service's input."""
    return LocationInput(**msgspec.structs.asdict(data))


class OperatorLocationsApi(Controller):
    """`/api/operator/locations…`."""

    path = "/api/operator/locations"
    tags = ["operator locations"]

    @get("/", opt=OPERATORS)
    async def list_all(self) -> list[LocationOut]:
        """Every store and warehouse, active or not, by city."""
        return [location_out(r) for r in await all_locations()]

    @post("/", opt=OPERATORS, status_code=HTTP_201_CREATED)
    async def create(self, data: JSONBody[LocationIn]) -> LocationOut:
        """Open a store or warehouse; the address is geocoded when no coordinates are given."""
        location_id = await save_location(location_input(data))
        return location_out(await get_location(location_id))

    @get("/{location_id:int}", opt=OPERATORS)
    async def read(self, location_id: FromPath[int]) -> LocationOut:
        """One location."""
        return location_out(await get_location(location_id))

    @put("/{location_id:int}", opt=OPERATORS)
    async def update(self, location_id: FromPath[int], data: JSONBody[LocationIn]) -> LocationOut:
        """Replace a location's details (re-geocoded when no coordinates are given)."""
        await save_location(location_input(data), location_id)
        return location_out(await get_location(location_id))

    @post("/geocode", opt=OPERATORS, status_code=200)
    async def geocode_preview(self, data: JSONBody[GeocodeIn]) -> PlaceOut:
        """Where an address would be placed, before saving it."""
        place = await geocode(data.address)
        return PlaceOut(**{k: getattr(place, k) for k in PlaceOut.__struct_fields__})

    @post("/{location_id:int}/photo", opt=OPERATORS, status_code=200)
    async def photo(self, request: Request[Any, Any, Any], location_id: FromPath[int]) -> PhotoOut:
        """Upload the shop photo (the image file as the request body)."""
        body = await request.body()
        if not body:
            raise InvalidInput("Send the image as the request body")
        return PhotoOut(photo=await save_location_photo(location_id, body))


class SupplierLocationsApi(Controller):
    """`/api/supplier/locations…`: a supplier's own warehouses and stores."""

    path = "/api/supplier/locations"
    tags = ["supplier locations"]

    @get("/", opt=SUPPLIERS)
    async def list_own(
        self,
        me: Me,
    ) -> list[LocationOut]:
        """The supplier's own locations."""
        return [location_out(r) for r in await supplier_locations(me)]

    @post("/", opt=SUPPLIERS, status_code=HTTP_201_CREATED)
    async def create(self, me: Me, data: JSONBody[LocationIn]) -> LocationOut:
        """Add an own warehouse or store (owned by the supplier whatever the body says)."""
        location_id = await save_supplier_location(me, location_input(data))
        return location_out(await get_location(location_id))

    @put("/{location_id:int}", opt=SUPPLIERS)
    async def update(
        self,
        me: Me,
        location_id: FromPath[int],
        data: JSONBody[LocationIn],
    ) -> LocationOut:
        """Edit an own location; another's is refused with 403."""
        await save_supplier_location(me, location_input(data), location_id)
        return location_out(await get_location(location_id))

    @post("/{location_id:int}/photo", opt=SUPPLIERS, status_code=200)
    async def photo(
        self, me: Me, request: Request[Any, Any, Any], location_id: FromPath[int]
    ) -> PhotoOut:
        """Upload an own location's photo (the image file as the request body)."""
        await own_location(me, location_id)
        body = await request.body()
        if not body:
            raise InvalidInput("Send the image as the request body")
        return PhotoOut(photo=await save_location_photo(location_id, body))
