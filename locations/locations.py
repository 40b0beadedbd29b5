"""Stores and warehouses: creating them and reading them back."""

from __future__ import annotations

import re
from typing import Any

from locations.errors import InvalidLocation
from locations.tables import Location
from server.database import write_transaction

LOCATION_KINDS = ("store", "warehouse")
HOURS_PATTERN = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$")


def check_opening_hours(hours: list[str]) -> None:
    """Seven entries, Monday first, each `HH:MM-HH:MM` or empty for closed."""
    if len(hours) != 7:
        raise InvalidLocation("Opening hours need seven entries, Monday to Sunday")
    for entry in hours:
        if entry and not HOURS_PATTERN.match(entry):
            raise InvalidLocation("Opening hours {entry} are not like 09:00-21:00", entry=entry)


def check_coordinates(lat: float, lon: float) -> None:
    """Refuse coordinates outside the globe."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidLocation("Coordinates {lat}, {lon} are not on Earth", lat=lat, lon=lon)


async def create_location(
    *,
    kind: str,
    name: str,
    lat: float,
    lon: float,
    address: str = "",
    city: str = "",
    district: str = "",
    adcode: str = "",
    name_en: str = "",
    phone: str = "",
    opening_hours: list[str] | None = None,
    pickup_enabled: bool = True,
    pickup_hold_days: int = 3,
    prep_minutes: int = 30,
    photo: str = "",
    owner_supplier_id: int | None = None,
) -> int:
    """Add a store or warehouse; returns its id."""
    if kind not in LOCATION_KINDS:
        raise InvalidLocation("A location is a store or a warehouse, not {kind}", kind=kind)
    if not name.strip():
        raise InvalidLocation("A location needs a name")
    check_coordinates(lat, lon)
    hours = opening_hours if opening_hours is not None else ["09:00-21:00"] * 7
    check_opening_hours(hours)
    if pickup_hold_days < 0 or prep_minutes < 0:
        raise InvalidLocation("Hold days and preparation minutes cannot be negative")
    async with write_transaction():
        row = await Location.insert(
            Location(
                kind=kind,
                name=name.strip(),
                name_en=name_en,
                owner_supplier_id=owner_supplier_id,
                city=city,
                district=district,
                address=address,
                adcode=adcode,
                lat=lat,
                lon=lon,
                phone=phone,
                opening_hours=hours,
                pickup_enabled=pickup_enabled and kind == "store",
                pickup_hold_days=pickup_hold_days,
                prep_minutes=prep_minutes,
                photo=photo,
            )
        ).returning(Location.id)
    return row[0]["id"]


async def list_locations(kind: str | None = None) -> list[dict[str, Any]]:
    """Active locations, optionally of one kind, by city then name."""
    query = Location.select().where(Location.is_active == True)  # noqa: E712
    if kind:
        query = query.where(Location.kind == kind)
    return await query.order_by(Location.city).order_by(Location.name).output(load_json=True)
