"""Geocoding offline (Chinese districts, world cities) and the geopy geocoders by configuration."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from piccolo.engine.base import Engine

from core.settings import Settings, load_settings
from locations.errors import AddressNotFound, InvalidLocation
from locations.geocoding import GeopyGeocoder, OfflineGeocoder, make_geocoder
from locations.locations import CHINA_TZ, LocationInput, get_location, is_open, save_location
from locations.nearest import distance_m


@pytest.mark.parametrize(
    ("address", "district", "near"),
    [
        ("上海市浦东新区世纪大道100号", "浦东新区", (31.2215, 121.5444)),
        ("广东省深圳市南山区科技园", "南山区", (22.5333, 113.9304)),
        ("北京市朝阳区建国路88号", "朝阳区", (39.9215, 116.4432)),
    ],
)
async def test_chinese_addresses_are_placed_at_their_district(
    address: str, district: str, near: tuple[float, float]
) -> None:
    place = await OfflineGeocoder().geocode(address)
    assert place.district == district
    assert place.precision == "district"
    assert len(place.adcode) == 6
    assert distance_m((place.lat, place.lon), near) < 1_000


async def test_a_city_alone_is_placed_at_the_city() -> None:
    place = await OfflineGeocoder().geocode("杭州市")
    assert (place.precision, place.adcode) == ("city", "330100")


async def test_world_cities_are_placed_offline() -> None:
    place = await OfflineGeocoder().geocode("10 Downing Street, London, UK")
    assert place.city == "London" and place.precision == "world_city"
    assert distance_m((place.lat, place.lon), (51.5074, -0.1278)) < 5_000


async def test_an_unplaceable_address_is_refused_clearly() -> None:
    with pytest.raises(AddressNotFound, match="Could not place"):
        await OfflineGeocoder().geocode("火星基地 七号舱")
    with pytest.raises(InvalidLocation):
        await OfflineGeocoder().geocode("   ")


def configured(**env: str) -> Settings:
    """Settings read from exactly these environment variables."""
    return load_settings({"KUAIQU_SECRET_KEY": "geocoding-test", **env})


def test_geopy_geocoders_are_chosen_by_configuration() -> None:
    assert isinstance(make_geocoder(configured()), OfflineGeocoder)
    nominatim = make_geocoder(configured(KUAIQU_GEOCODER="nominatim"))
    assert isinstance(nominatim, GeopyGeocoder)
    assert type(nominatim.backend).__name__ == "Nominatim"
    baidu = make_geocoder(configured(KUAIQU_GEOCODER="baidu", KUAIQU_GEOCODER_API_KEY="k"))
    assert isinstance(baidu, GeopyGeocoder) and type(baidu.backend).__name__ == "BaiduV3"
    with pytest.raises(ValueError, match="API_KEY"):
        make_geocoder(configured(KUAIQU_GEOCODER="baidu"))
    with pytest.raises(ValueError, match="must be one of"):
        make_geocoder(configured(KUAIQU_GEOCODER="gps"))


async def test_a_saved_location_without_coordinates_is_geocoded(db: Engine) -> None:
    location_id = await save_location(
        LocationInput(kind="store", name="陆家嘴店", city="上海", address="浦东新区世纪大道100号")
    )
    row = await get_location(location_id)
    assert (row["city"], row["district"], row["adcode"]) == ("上海", "浦东新区", "310115")
    await save_location(
        LocationInput(kind="store", name="陆家嘴店", lat=31.24, lon=121.50, is_active=False),
        location_id,
    )
    row = await get_location(location_id)
    assert (row["lat"], row["lon"], row["is_active"]) == (31.24, 121.50, False)


def test_open_now_is_judged_in_china_time() -> None:
    hours = ["09:00-21:00"] * 5 + ["10:00-02:00", ""]
    wednesday_8pm = datetime(2026, 11, 25, 20, 0, tzinfo=CHINA_TZ)
    assert is_open(hours, wednesday_8pm)
    assert is_open(hours, datetime(2026, 11, 25, 12, 30, tzinfo=UTC))  # 20:30 in Shanghai
    assert not is_open(hours, datetime(2026, 11, 25, 13, 30, tzinfo=UTC))  # 21:30 in Shanghai
    assert not is_open(hours, datetime(2026, 11, 25, 21, 30, tzinfo=CHINA_TZ))
    assert is_open(hours, datetime(2026, 11, 29, 1, 30, tzinfo=CHINA_TZ))  # Sat night to Sun
    assert not is_open(hours, datetime(2026, 11, 29, 12, 0, tzinfo=CHINA_TZ))  # Sunday closed
