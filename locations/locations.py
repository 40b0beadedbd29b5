"""Stores and warehouses: creating them and reading them back."""

from __future__ import annotations

import re
import secrets
from dataclasses import asdict, dataclass, field
from datetime import datetime
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from accounts.roles import CurrentUser, Role
from core.database import write_transaction
from core.settings import get_settings
from locations.errors import InvalidLocation, LocationAccessDenied, LocationNotFound
from locations.geocoding import Place, geocode
from locations.kinds import LocationKind
from locations.tables import Location

#: Opening hours are local to China: "open now" is judged in this zone.
CHINA_TZ = ZoneInfo("Asia/Shanghai")
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PHOTO_BYTES = 5 * 1024 * 1024

LOCATION_KINDS = tuple(LocationKind)
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
                pickup_enabled=pickup_enabled and kind == LocationKind.STORE,
                pickup_hold_days=pickup_hold_days,
                prep_minutes=prep_minutes,
                photo=photo,
            )
        ).returning(Location.id)
    return row[0]["id"]


async def list_locations(
    kind: str | None = None, *, city: str | None = None
) -> list[dict[str, Any]]:
    """Active locations, optionally of one kind or city, by city then name."""
    query = Location.select().where(Location.is_active == True)  # noqa: E712
    if kind:
        query = query.where(Location.kind == kind)
    if city is not None:
        query = query.where(Location.city == city)
    return await query.order_by(Location.city).order_by(Location.name).output(load_json=True)


async def locations_by_ids(location_ids: list[int]) -> list[dict[str, Any]]:
    """The given locations (id, name, address), by name; unknown ids are left out."""
    return (
        await Location.select(Location.id, Location.name, Location.address)
        .where(Location.id.is_in(location_ids or [-1]))
        .order_by(Location.name)
    )


async def get_location(location_id: int) -> dict[str, Any]:
    """One location by id, or `LocationNotFound`."""
    row = await Location.select().where(Location.id == location_id).output(load_json=True).first()
    if row is None:
        raise LocationNotFound("No location {location}", location=location_id)
    return row


@dataclass(slots=True)
class LocationInput:
    """A store or warehouse as the operator fills it in; no coordinates: geocode the address."""

    kind: str
    name: str
    address: str = ""
    city: str = ""
    district: str = ""
    lat: float | None = None
    lon: float | None = None
    name_en: str = ""
    phone: str = ""
    opening_hours: list[str] = field(default_factory=lambda: ["09:00-21:00"] * 7)
    pickup_enabled: bool = True
    pickup_hold_days: int = 3
    prep_minutes: int = 30
    owner_supplier_id: int | None = None
    is_active: bool = True


async def place_for(data: LocationInput) -> tuple[float, float, Place | None]:
    """Coordinates for a location: typed by hand, else geocoded from its address."""
    if (data.lat is None) != (data.lon is None):
        raise InvalidLocation("Give both latitude and longitude, or neither to geocode")
    if data.lat is not None and data.lon is not None:
        check_coordinates(data.lat, data.lon)
        return data.lat, data.lon, None
    if not data.address.strip():
        raise InvalidLocation("Give an address to geocode, or the coordinates by hand")
    place = await geocode(" ".join(p for p in (data.city, data.district, data.address) if p))
    return place.lat, place.lon, place


async def save_location(data: LocationInput, location_id: int | None = None) -> int:
    """Create a location (no id) or update one from the operator's form; returns its id."""
    lat, lon, place = await place_for(data)
    values = asdict(data)
    values.update(lat=lat, lon=lon)
    if place is not None:
        values["city"] = data.city or place.city.removesuffix("市") or place.city
        values["district"] = data.district or place.district
        values["adcode"] = place.adcode
    if location_id is None:
        values.pop("is_active")
        return await create_location(**values)
    await get_location(location_id)
    if data.kind not in LOCATION_KINDS:
        raise InvalidLocation("A location is a store or a warehouse, not {kind}", kind=data.kind)
    if not data.name.strip():
        raise InvalidLocation("A location needs a name")
    check_opening_hours(data.opening_hours)
    if data.pickup_hold_days < 0 or data.prep_minutes < 0:
        raise InvalidLocation("Hold days and preparation minutes cannot be negative")
    values["name"] = data.name.strip()
    values["pickup_enabled"] = data.pickup_enabled and data.kind == LocationKind.STORE
    async with write_transaction():
        await Location.update(
            {getattr(Location, key): value for key, value in values.items()}
        ).where(Location.id == location_id)
    return location_id


async def save_location_photo(location_id: int, data: bytes) -> str:
    """Store an uploaded shop photo under /media/locations; returns its /media path."""
    from PIL import Image, UnidentifiedImageError

    await get_location(location_id)
    if len(data) > MAX_PHOTO_BYTES:
        raise InvalidLocation("The photo is larger than 5 MB")
    try:
        with Image.open(BytesIO(data)) as image:
            extension = PHOTO_FORMATS.get(image.format or "")
    except (UnidentifiedImageError, OSError):
        extension = None
    if extension is None:
        raise InvalidLocation("The photo must be a JPEG, PNG or WebP image")
    folder = get_settings().media_dir / "locations"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{location_id}-{secrets.token_hex(6)}.{extension}"
    (folder / name).write_bytes(data)
    path = f"/media/locations/{name}"
    async with write_transaction():
        await Location.update({Location.photo: path}).where(Location.id == location_id)
    return path


def parse_hours(entry: str) -> tuple[int, int] | None:
    """`09:00-21:00` → (540, 1260) minutes after midnight; None when closed."""
    if not entry:
        return None
    start, end = entry.split("-")
    return (
        int(start[:2]) * 60 + int(start[3:]),
        int(end[:2]) * 60 + int(end[3:]),
    )


def is_open(opening_hours: list[str], at: datetime | None = None) -> bool:
    """Whether a location is open at `at` (now), judged in China time; handles past-midnight."""
    local = (at or datetime.now(CHINA_TZ)).astimezone(CHINA_TZ)
    minute = local.hour * 60 + local.minute
    if len(opening_hours) != 7:
        return False
    today = parse_hours(opening_hours[local.weekday()])
    if today and (today[0] <= minute < today[1] or (today[1] <= today[0] and minute >= today[0])):
        return True
    yesterday = parse_hours(opening_hours[(local.weekday() - 1) % 7])
    return bool(yesterday and yesterday[1] <= yesterday[0] and minute < yesterday[1])


def hours_today(opening_hours: list[str], at: datetime | None = None) -> str:
    """Today's opening hours in China time ("" when closed today)."""
    local = (at or datetime.now(CHINA_TZ)).astimezone(CHINA_TZ)
    return opening_hours[local.weekday()] if len(opening_hours) == 7 else ""


async def all_locations() -> list[dict[str, Any]]:
    """Every location, active or not, by city then name (for the operator)."""
    query = Location.select().order_by(Location.city).order_by(Location.name)
    return await query.output(load_json=True)


def _supplier_of(user: CurrentUser) -> int:
    if user.role is not Role.SUPPLIER or user.supplier_id is None:
        raise LocationAccessDenied("Only supplier staff manage their own locations")
    return user.supplier_id


async def supplier_locations(user: CurrentUser) -> list[dict[str, Any]]:
    """The locations a supplier owns (its own warehouses and stores), by city then name."""
    supplier_id = _supplier_of(user)
    query = Location.select().where(Location.owner_supplier_id == supplier_id)
    return await query.order_by(Location.city).order_by(Location.name).output(load_json=True)


async def own_location(user: CurrentUser, location_id: int) -> dict[str, Any]:
    """A location the supplier owns, or 404 / 403."""
    row = await get_location(location_id)
    if row["owner_supplier_id"] != _supplier_of(user):
        raise LocationAccessDenied("Location {name} is not yours", name=row["name"])
    return row


async def save_supplier_location(
    user: CurrentUser, data: LocationInput, location_id: int | None = None
) -> int:
    """Create or edit a supplier's own location; it always stays owned by that supplier."""
    supplier_id = _supplier_of(user)
    if location_id is not None:
        await own_location(user, location_id)
    data.owner_supplier_id = supplier_id
    return await save_location(data, location_id)
