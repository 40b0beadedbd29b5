"""Supplier JSON API for delivery fulfilments: list own, ship, deliver, cash on delivery."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK

from accounts.access import SUPPLIERS, Me
from accounts.roles import CurrentUser
from core.types import Money, ShortText
from fulfilment.cod import record_cash_collected, record_refused
from fulfilment.errors import FulfilmentNotFound
from fulfilment.shipments import mark_delivered, ship_fulfilment, supplier_fulfilments


class ShipIn(msgspec.Struct):
    """The carrier and its tracking number."""

    carrier: ShortText
    tracking_number: ShortText


class CashIn(msgspec.Struct):
    """The cash the courier collected with a cash-on-delivery parcel, in fen."""

    amount: Money


class RefusedIn(msgspec.Struct):
    """Why the consumer refused the parcel (optional)."""

    reason: ShortText = ""


class ShipmentLineOut(msgspec.Struct):
    """A variant in the parcel."""

    variant_id: int
    product_name: str
    sku: str
    quantity: int


class ShipmentOut(msgspec.Struct):
    """A supplier's delivery fulfilment (only its own lines)."""

    id: int
    order_id: int
    order_number: str
    #: Recipient and address to ship to.
    ship_to: dict[str, Any]
    location_id: int
    location_name: str
    status: str
    carrier: str
    tracking_number: str
    lines: list[ShipmentLineOut]
    updated_at: datetime | None = None


def supplier_of(me: CurrentUser) -> int:
    """The supplier the signed-in supplier staff acts for."""
    if me.supplier_id is None:
        raise FulfilmentNotFound("Your account is not linked to a supplier")
    return me.supplier_id


class SupplierFulfilmentApi(Controller):
    """`/api/supplier/fulfilments…`: a supplier's parcels to ship."""

    path = "/api/supplier/fulfilments"
    tags = ["supplier"]

    @get("/", opt=SUPPLIERS)
    async def list_shipments(
        self, me: Me, status: FromQuery[str | None] = None
    ) -> list[ShipmentOut]:
        """My delivery fulfilments, newest first (`?status=allocated` for those to ship)."""
        found = await supplier_fulfilments(supplier_of(me), status=status)
        return msgspec.convert(found, list[ShipmentOut], from_attributes=True)

    @post("/{fulfilment_id:int}/ship", status_code=HTTP_200_OK, opt=SUPPLIERS)
    async def ship(
        self, me: Me, fulfilment_id: FromPath[int], data: JSONBody[ShipIn]
    ) -> ShipmentOut:
        """Hand the parcel to a carrier: reserved units become sold, the consumer is told."""
        shipped = await ship_fulfilment(
            supplier_of(me),
            fulfilment_id,
            carrier=data.carrier,
            tracking_number=data.tracking_number,
            actor_id=me.id,
        )
        return msgspec.convert(shipped, ShipmentOut, from_attributes=True)

    @post("/{fulfilment_id:int}/deliver", status_code=HTTP_200_OK, opt=SUPPLIERS)
    async def deliver(self, me: Me, fulfilment_id: FromPath[int]) -> ShipmentOut:
        """The carrier delivered the parcel."""
        delivered = await mark_delivered(supplier_of(me), fulfilment_id, actor_id=me.id)
        return msgspec.convert(delivered, ShipmentOut, from_attributes=True)

    @post("/{fulfilment_id:int}/cash", status_code=HTTP_200_OK, opt=SUPPLIERS)
    async def cash_collected(
        self, me: Me, fulfilment_id: FromPath[int], data: JSONBody[CashIn]
    ) -> ShipmentOut:
        """Cash on delivery: the parcel is delivered and its cash due collected."""
        done = await record_cash_collected(
            supplier_of(me), fulfilment_id, amount=data.amount, actor_id=me.id
        )
        return msgspec.convert(done, ShipmentOut, from_attributes=True)

    @post("/{fulfilment_id:int}/refuse", status_code=HTTP_200_OK, opt=SUPPLIERS)
    async def refused(
        self, me: Me, fulfilment_id: FromPath[int], data: JSONBody[RefusedIn]
    ) -> ShipmentOut:
        """Cash on delivery: the consumer refused the parcel; its units go back into stock."""
        done = await record_refused(
            supplier_of(me), fulfilment_id, reason=data.reason, actor_id=me.id
        )
        return msgspec.convert(done, ShipmentOut, from_attributes=True)
