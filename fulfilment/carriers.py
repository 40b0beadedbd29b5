"""Parcel tracking: carriers behind one interface, their scans stored as parcel events.

A carrier provider answers `track(parcel, now)` with every scan it knows of a parcel
(揽收, 运输中 with the city, 派送中, 已签收), each with a time and a place. `refresh_parcels`
asks the provider of each shipped parcel, stores the scans not yet stored (`parcel_event`)
and, when the carrier reports the parcel signed for, marks the fulfilment delivered, as the
supplier would. The order page and the order API show the stored scans as a timeline.

Only the sandbox carrier exists today (suppliers ship with carrier 沙箱快递 / "sandbox"):
it makes up a realistic journey from the shipping location's city, through a hub, to the
recipient's district, timed from the moment of shipping. A real carrier is a class with
the same `track` method added to `CARRIERS` under the names suppliers type.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from core.database import write_transaction
from fulfilment.moves import move_fulfilment, now_utc
from fulfilment.order_lifecycle import after_fulfilment_settled
from fulfilment.statuses import FulfilmentMethod, FulfilmentStatus
from fulfilment.tables import Fulfilment, Order, OrderEvent, ParcelEvent
from locations.places import places_by_ids


class ParcelStage(StrEnum):
    """What a carrier's scan says of a parcel (stored in `parcel_event.kind`)."""

    COLLECTED = "parcel_collected"  # 揽收
    IN_TRANSIT = "parcel_in_transit"  # 运输中
    OUT_FOR_DELIVERY = "parcel_out_for_delivery"  # 派送中
    DELIVERED = "parcel_delivered"  # 已签收


@dataclass(frozen=True, slots=True)
class Parcel:
    """What a carrier needs to find a parcel, and where it goes."""

    tracking_number: str
    shipped_at: datetime
    origin_city: str
    destination_city: str
    destination_district: str


@dataclass(frozen=True, slots=True)
class CarrierEvent:
    """One scan as the carrier reports it."""

    stage: ParcelStage
    place: str
    happened_at: datetime
    note: str = ""


@dataclass(frozen=True, slots=True)
class ParcelEventView:
    """One stored scan, for the timeline."""

    kind: str
    place: str
    note: str
    happened_at: datetime


class CarrierProvider(Protocol):
    """A carrier's tracking service."""

    name: str

    async def track(self, parcel: Parcel, now: datetime) -> list[CarrierEvent]:
        """Every scan of the parcel known at `now`, oldest first."""
        ...


#: Sorting hubs the sandbox routes long-distance parcels through.
HUBS = ("武汉", "郑州", "南京", "长沙", "西安", "济南")


def _city(name: str) -> str:
    """A city as places are named on scans: 北京市 → 北京."""
    name = name.strip()
    return name[:-1] if name.endswith("市") and len(name) > 2 else name


class SandboxCarrier:
    """A made-up carrier whose parcels move on a fixed clock from the moment of shipping.

    Same city: collected after 30 minutes, sorted at 2 h, out for delivery at 5 h, signed
    for at 8 h. Between cities: collected 30 min, leaves the origin hub 3 h, through a hub
    (chosen by tracking number) 10 h, at the destination hub 20 h, out for delivery 26 h,
    signed for 30 h.
    """

    name = "sandbox"

    def _journey(self, parcel: Parcel) -> list[tuple[float, ParcelStage, str]]:
        origin = _city(parcel.origin_city) or "发货地"
        city = _city(parcel.destination_city) or origin
        door = city + parcel.destination_district
        if city == origin:
            return [
                (0.5, ParcelStage.COLLECTED, origin),
                (2, ParcelStage.IN_TRANSIT, f"{origin}转运中心"),
                (5, ParcelStage.OUT_FOR_DELIVERY, door),
                (8, ParcelStage.DELIVERED, door),
            ]
        hubs = [h for h in HUBS if h not in (origin, city)]
        hub = hubs[hashlib.sha256(parcel.tracking_number.encode()).digest()[0] % len(hubs)]
        return [
            (0.5, ParcelStage.COLLECTED, origin),
            (3, ParcelStage.IN_TRANSIT, f"{origin}转运中心"),
            (10, ParcelStage.IN_TRANSIT, f"{hub}转运中心"),
            (20, ParcelStage.IN_TRANSIT, f"{city}转运中心"),
            (26, ParcelStage.OUT_FOR_DELIVERY, door),
            (30, ParcelStage.DELIVERED, door),
        ]

    async def track(self, parcel: Parcel, now: datetime) -> list[CarrierEvent]:
        """The scans whose time has come."""
        events = []
        for hours, stage, place in self._journey(parcel):
            at = parcel.shipped_at + timedelta(hours=hours)
            if at <= now:
                events.append(CarrierEvent(stage, place, at))
        return events


_SANDBOX = SandboxCarrier()
#: Carrier names as suppliers type them (lower case) → their tracking service.
CARRIERS: dict[str, CarrierProvider] = {
    "sandbox": _SANDBOX,
    "沙箱快递": _SANDBOX,
    "快取沙箱快递": _SANDBOX,
}


def carrier_for(name: str) -> CarrierProvider | None:
    """The tracking service of a carrier name, or None when it has none."""
    return CARRIERS.get(name.strip().lower())


async def parcel_events(fulfilment_ids: Iterable[int]) -> dict[int, list[ParcelEventView]]:
    """Fulfilment id → its stored scans, newest first (only ids that have any)."""
    ids = sorted(set(fulfilment_ids))
    if not ids:
        return {}
    rows = (
        await ParcelEvent.select()
        .where(ParcelEvent.fulfilment.is_in(ids))
        .order_by(ParcelEvent.happened_at, ascending=False)
        .order_by(ParcelEvent.id, ascending=False)
    )
    found: dict[int, list[ParcelEventView]] = {}
    for r in rows:
        found.setdefault(r["fulfilment"], []).append(
            ParcelEventView(r["kind"], r["place"], r["note"], r["happened_at"])
        )
    return found


def _when(value: Any) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


async def _parcel(row: dict[str, Any], order: dict[str, Any], origin_city: str) -> Parcel:
    shipped = (
        await OrderEvent.select(OrderEvent.created_at)
        .where((OrderEvent.fulfilment == row["id"]) & (OrderEvent.kind == "shipped"))
        .order_by(OrderEvent.id, ascending=False)
        .first()
    )
    address = order["delivery_address"]
    if isinstance(address, str):  # JSON arrives as text on both databases
        address = json.loads(address or "{}")
    return Parcel(
        tracking_number=row["tracking_number"],
        shipped_at=_when(shipped["created_at"] if shipped else row["updated_at"]),
        origin_city=origin_city,
        destination_city=str(address.get("city") or ""),
        destination_district=str(address.get("district") or ""),
    )


async def refresh_parcels(
    fulfilment_ids: Iterable[int] | None = None, *, now: datetime | None = None
) -> int:
    """Ask the carriers of shipped parcels for new scans; store them. Returns how many.

    `fulfilment_ids` limits the refresh (an order page); None refreshes every parcel still
    on its way (the periodic sweep). A parcel signed for becomes delivered.
    """
    now = now or now_utc()
    where = (Fulfilment.method == FulfilmentMethod.DELIVERY) & (
        Fulfilment.status == FulfilmentStatus.SHIPPED
    )
    if fulfilment_ids is not None:
        ids = sorted(set(fulfilment_ids))
        if not ids:
            return 0
        where = where & Fulfilment.id.is_in(ids)
    rows = [r for r in await Fulfilment.select().where(where) if carrier_for(r["carrier"])]
    if not rows:
        return 0
    places = await places_by_ids(r["location"] for r in rows)
    orders = {
        o["id"]: o
        for o in await Order.select(Order.id, Order.delivery_address).where(
            Order.id.is_in(sorted({r["order"] for r in rows}))
        )
    }
    stored = 0
    for row in rows:
        provider = carrier_for(row["carrier"])
        assert provider is not None
        place = places.get(row["location"]) or {}
        parcel = await _parcel(row, orders[row["order"]], str(place.get("city") or ""))
        scans = await provider.track(parcel, now)  # outside the write transaction
        stored += await _store(row, scans)
    return stored


async def _store(row: dict[str, Any], scans: list[CarrierEvent]) -> int:
    async with write_transaction():
        known = {
            (r["kind"], r["place"])
            for r in await ParcelEvent.select(ParcelEvent.kind, ParcelEvent.place).where(
                ParcelEvent.fulfilment == row["id"]
            )
        }
        new = [s for s in scans if (str(s.stage), s.place) not in known]
        for scan in new:
            await ParcelEvent.insert(
                ParcelEvent(
                    fulfilment=row["id"],
                    kind=str(scan.stage),
                    place=scan.place[:80],
                    note=scan.note[:200],
                    happened_at=scan.happened_at,
                )
            )
        if any(s.stage is ParcelStage.DELIVERED for s in new):
            current = await Fulfilment.select().where(Fulfilment.id == row["id"]).first()
            if current is not None and current["status"] == FulfilmentStatus.SHIPPED:
                await move_fulfilment(current, FulfilmentStatus.DELIVERED, kind="delivered")
                await after_fulfilment_settled(current["order"])
    return len(new)
