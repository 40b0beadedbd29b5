"""Ready times against opening hours (Asia/Shanghai) and the shipping fee rule."""

from __future__ import annotations

from datetime import datetime

from fulfilment.hours import STORE_TZ, is_open, ready_time
from fulfilment.pricing import Parcel, order_total, shipping_fee

HOURS = ["09:00-21:00"] * 5 + ["10:00-22:00", ""]  # Monday first; closed on Sunday


def local(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=STORE_TZ)


def test_ready_after_prep_time_while_open() -> None:
    # Wednesday 2026-11-25 12:00
    assert ready_time(local(2026, 11, 25, 12), 30, HOURS) == local(2026, 11, 25, 12, 30)


def test_closed_store_is_ready_prep_time_after_the_next_opening() -> None:
    assert ready_time(local(2026, 11, 25, 22), 30, HOURS) == local(2026, 11, 26, 9, 30)
    assert ready_time(local(2026, 11, 25, 7), 30, HOURS) == local(2026, 11, 25, 9, 30)
    # Placed 08:50: the store opens at 09:00 and needs its 30 minutes.
    assert ready_time(local(2026, 11, 25, 8, 50), 30, HOURS) == local(2026, 11, 25, 9, 30)
    # Saturday night: Sunday is closed, so Monday morning.
    assert ready_time(local(2026, 11, 28, 23), 15, HOURS) == local(2026, 11, 30, 9, 15)


def test_no_hours_means_always_open() -> None:
    assert ready_time(local(2026, 11, 25, 3), 10, []) == local(2026, 11, 25, 3, 10)
    assert is_open([], local(2026, 11, 25, 3))


def test_is_open_reads_the_day_of_the_week() -> None:
    assert is_open(HOURS, local(2026, 11, 28, 21, 30))  # Saturday until 22:00
    assert not is_open(HOURS, local(2026, 11, 29, 12))  # Sunday closed


def test_shipping_is_ten_yuan_per_parcel_free_from_99_per_supplier() -> None:
    assert shipping_fee([]) == 0
    assert shipping_fee([Parcel(1, 5000)]) == 1000
    assert shipping_fee([Parcel(1, 9900)]) == 0
    assert shipping_fee([Parcel(1, 5000), Parcel(1, 5000)]) == 0
    assert shipping_fee([Parcel(1, 5000), Parcel(2, 3000)]) == 2000


def test_total_never_goes_below_zero() -> None:
    assert order_total(1000, 1000, 500) == 1500
    assert order_total(1000, 0, 5000) == 0
