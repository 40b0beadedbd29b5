"""Today at a glance as JSON: `GET /api/supplier/today` (own share) and `/api/operator/today`."""

from __future__ import annotations

from datetime import datetime

import msgspec
from litestar import Controller, get

from accounts.access import OPERATORS, SUPPLIERS, Me, supplier_id_of
from fulfilment.today import Today, today_figures


class QueueEntryOut(msgspec.Struct):
    """A fulfilment waiting, since when and for how many minutes."""

    fulfilment_id: int
    order_id: int
    order_number: str
    location_id: int
    waiting_since: datetime
    waiting_minutes: int


class TodayOut(msgspec.Struct):
    """Orders today (Asia/Shanghai day), parcels to ship, pickups waiting; oldest queued first."""

    orders_today: int
    to_ship: int
    pickups_waiting: int
    ship_queue: list[QueueEntryOut]
    pickup_queue: list[QueueEntryOut]


def today_out(today: Today) -> TodayOut:
    """The figures as JSON, field for field."""
    return msgspec.convert(today, TodayOut, from_attributes=True)


class SupplierTodayApi(Controller):
    """The supplier's day."""

    path = "/api/supplier/today"
    tags = ["supplier"]

    @get("/", opt=SUPPLIERS)
    async def today(self, me: Me) -> TodayOut:
        """My orders today, my parcels to ship and pickups of my goods waiting, with queues."""
        return today_out(await today_figures(supplier_id_of(me)))


class OperatorTodayApi(Controller):
    """The platform's day."""

    path = "/api/operator/today"
    tags = ["operator"]

    @get("/", opt=OPERATORS)
    async def today(self) -> TodayOut:
        """Orders today, parcels to ship and pickups waiting on the whole platform."""
        return today_out(await today_figures())
