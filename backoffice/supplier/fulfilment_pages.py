"""Supplier console page: delivery fulfilments to ship, with carrier and tracking number."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from accounts.access import SUPPLIERS, Me
from backoffice.supplier.fulfilment_api import supplier_of
from core.errors import DomainError
from core.i18n import gettext
from fulfilment.cod import cash_dues, record_cash_collected, record_refused
from fulfilment.errors import FulfilmentNotFound
from fulfilment.shipments import mark_delivered, ship_fulfilment, supplier_fulfilments


class ShipForm(msgspec.Struct):
    """Carrier and tracking number typed by the supplier's staff."""

    carrier: str = ""
    tracking_number: str = ""


class RefuseForm(msgspec.Struct):
    """Why the consumer refused a cash-on-delivery parcel."""

    reason: str = ""


class SupplierFulfilmentPages(Controller):
    """`/supplier/fulfilments`: the supplier's parcels."""

    include_in_schema = False

    @get("/supplier/fulfilments", opt=SUPPLIERS)
    async def list_page(self, me: Me, status: FromQuery[str | None] = None) -> Template:
        """Parcels to ship first, then shipped and delivered ones."""
        shipments = await supplier_fulfilments(supplier_of(me), status=status or None)
        return Template(
            "backoffice/fulfilments.html",
            context={
                "shipments": shipments,
                "status": status,
                "cash_due": await cash_dues(shipments),
            },
        )

    @post("/supplier/fulfilments/{fulfilment_id:int}/ship", opt=SUPPLIERS)
    async def ship(
        self,
        me: Me,
        request: Request[Any, Any, Any],
        fulfilment_id: FromPath[int],
        data: URLEncodedBody[ShipForm],
    ) -> Redirect:
        """Ship a parcel with its tracking number."""
        try:
            await ship_fulfilment(
                supplier_of(me),
                fulfilment_id,
                carrier=data.carrier,
                tracking_number=data.tracking_number,
                actor_id=me.id,
            )
            flash(request, gettext("Shipped: the customer can track the parcel now"), "success")
        except DomainError as error:
            flash(request, error.localized(), "error")
        return Redirect("/supplier/fulfilments")

    @post("/supplier/fulfilments/{fulfilment_id:int}/deliver", opt=SUPPLIERS)
    async def deliver(
        self, me: Me, request: Request[Any, Any, Any], fulfilment_id: FromPath[int]
    ) -> Redirect:
        """Mark a parcel delivered."""
        try:
            await mark_delivered(supplier_of(me), fulfilment_id, actor_id=me.id)
            flash(request, gettext("Marked as delivered"), "success")
        except DomainError as error:
            flash(request, error.localized(), "error")
        return Redirect("/supplier/fulfilments")

    @post("/supplier/fulfilments/{fulfilment_id:int}/cash", opt=SUPPLIERS)
    async def cash(
        self, me: Me, request: Request[Any, Any, Any], fulfilment_id: FromPath[int]
    ) -> Redirect:
        """Cash on delivery: the courier collected the parcel's cash due."""
        try:
            views = await supplier_fulfilments(supplier_of(me), status="shipped")
            due = (await cash_dues([v for v in views if v.id == fulfilment_id])).get(fulfilment_id)
            if due is None:
                raise FulfilmentNotFound("Shipment {id} was not found", id=fulfilment_id)
            await record_cash_collected(supplier_of(me), fulfilment_id, amount=due, actor_id=me.id)
            flash(request, gettext("Cash collected: the parcel is delivered"), "success")
        except DomainError as error:
            flash(request, error.localized(), "error")
        return Redirect("/supplier/fulfilments")

    @post("/supplier/fulfilments/{fulfilment_id:int}/refuse", opt=SUPPLIERS)
    async def refuse(
        self,
        me: Me,
        request: Request[Any, Any, Any],
        fulfilment_id: FromPath[int],
        data: URLEncodedBody[RefuseForm],
    ) -> Redirect:
        """Cash on delivery: the consumer refused the parcel; its stock comes back."""
        try:
            await record_refused(
                supplier_of(me), fulfilment_id, reason=data.reason[:200], actor_id=me.id
            )
            flash(request, gettext("Refusal recorded: the units are back in stock"), "success")
        except DomainError as error:
            flash(request, error.localized(), "error")
        return Redirect("/supplier/fulfilments")
