"""Operator console pages for stores and warehouses: list, create, edit, geocode preview."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, MultipartBody, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from accounts.access import OPERATORS, SUPPLIERS, Me
from backoffice.shared.stock_labels import LABELS
from core.errors import DomainError, InvalidInput
from core.i18n import gettext
from locations.geocoding import geocode
from locations.locations import (
    LOCATION_KINDS,
    LocationInput,
    all_locations,
    get_location,
    own_location,
    save_location,
    save_location_photo,
    save_supplier_location,
    supplier_locations,
)

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class LocationForm(msgspec.Struct):
    """The location form as posted; all text, checked by `location_input`."""

    kind: str = "store"
    name: str = ""
    name_en: str = ""
    address: str = ""
    city: str = ""
    district: str = ""
    lat: str = ""
    lon: str = ""
    phone: str = ""
    h0: str = ""
    h1: str = ""
    h2: str = ""
    h3: str = ""
    h4: str = ""
    h5: str = ""
    h6: str = ""
    pickup_enabled: str = ""
    pickup_hold_days: str = "3"
    prep_minutes: str = "30"
    owner_supplier_id: str = ""
    is_active: str = ""


class GeocodeForm(msgspec.Struct):
    """The address fields of the form, for the preview."""

    address: str = ""
    city: str = ""
    district: str = ""


class PhotoForm(msgspec.Struct):
    """An uploaded shop photo."""

    photo: UploadFile | None = None


def _number(value: str, field: str, kind: type = int) -> Any:
    try:
        return kind(value.strip())
    except ValueError:
        raise InvalidInput("{field} must be a number", field=gettext(field)) from None


def location_input(form: LocationForm) -> LocationInput:
    """The posted form as the service's input; coordinates only when both are typed."""
    lat = _number(form.lat, "Latitude", float) if form.lat.strip() else None
    lon = _number(form.lon, "Longitude", float) if form.lon.strip() else None
    return LocationInput(
        kind=form.kind,
        name=form.name,
        name_en=form.name_en.strip(),
        address=form.address.strip(),
        city=form.city.strip(),
        district=form.district.strip(),
        lat=lat,
        lon=lon,
        phone=form.phone.strip(),
        opening_hours=[
            getattr(form, f"h{i}").strip().replace("–", "-").replace(" ", "") for i in range(7)
        ],
        pickup_enabled=bool(form.pickup_enabled),
        pickup_hold_days=_number(form.pickup_hold_days, "Pickup hold days"),
        prep_minutes=_number(form.prep_minutes, "Preparation minutes"),
        owner_supplier_id=(
            _number(form.owner_supplier_id, "Owner supplier")
            if form.owner_supplier_id.strip()
            else None
        ),
        is_active=bool(form.is_active),
    )


def form_from_row(row: dict[str, Any]) -> dict[str, Any]:
    """A saved location as the form's values."""
    form = {k: row[k] for k in ("kind", "name", "name_en", "address", "city", "district")}
    form.update(
        lat=row["lat"],
        lon=row["lon"],
        phone=row["phone"],
        pickup_enabled=row["pickup_enabled"],
        pickup_hold_days=row["pickup_hold_days"],
        prep_minutes=row["prep_minutes"],
        owner_supplier_id=row["owner_supplier_id"] or "",
        is_active=row["is_active"],
        photo=row["photo"],
        adcode=row["adcode"],
    )
    for i, hours in enumerate(row["opening_hours"]):
        form[f"h{i}"] = hours
    return form


NEW_FORM = {
    "kind": "store",
    "pickup_enabled": True,
    "is_active": True,
    "pickup_hold_days": 3,
    "prep_minutes": 30,
    **{f"h{i}": "09:00-21:00" for i in range(7)},
}


def form_page(
    base: str,
    form: dict[str, Any],
    *,
    location_id: int | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Template:
    """The location form under `base` (operator or supplier pages)."""
    return Template(
        "backoffice/locations_form.html",
        context={
            "form": form,
            "location_id": location_id,
            "error": error,
            "kinds": LOCATION_KINDS,
            "days": DAYS,
            "labels": LABELS,
            "base": base,
        },
        status_code=status_code,
    )


async def geocode_fragment(data: GeocodeForm) -> Template:
    """Where the typed address would be placed, or why it cannot be."""
    text = " ".join(p for p in (data.city, data.district, data.address) if p.strip())
    try:
        place, error = await geocode(text), None
    except DomainError as problem:
        place, error = None, problem.localized()
    return Template(
        "backoffice/locations_geocode.html",
        context={"place": place, "error": error, "labels": LABELS},
        status_code=200,
    )


OPERATOR_BASE = "/operator/locations"
SUPPLIER_BASE = "/supplier/locations"


class OperatorLocationsPages(Controller):
    """`/operator/locations…`."""

    include_in_schema = False
    base = OPERATOR_BASE

    @get("/operator/locations", opt=OPERATORS)
    async def list_page(self) -> Template:
        """Every store and warehouse."""
        return Template(
            "backoffice/locations.html",
            context={"locations": await all_locations(), "labels": LABELS, "base": OPERATOR_BASE},
        )

    def _form(self, form: dict[str, Any], **kwargs: Any) -> Template:
        return form_page(self.base, form, **kwargs)

    @get("/operator/locations/new", opt=OPERATORS)
    async def new_page(self) -> Template:
        """An empty form for a new location."""
        return self._form(dict(NEW_FORM))

    @post("/operator/locations/new", opt=OPERATORS)
    async def create(
        self, request: Request[Any, Any, Any], data: URLEncodedBody[LocationForm]
    ) -> Template | Redirect:
        """Save a new location, or show the form again with the reason."""
        try:
            location_id = await save_location(location_input(data))
        except DomainError as error:
            return self._form(
                msgspec.structs.asdict(data),
                error=error.localized(),
                status_code=error.status_code,
            )
        flash(request, gettext("Location saved"), "success")
        return Redirect(f"/operator/locations/{location_id}")

    @get("/operator/locations/{location_id:int}", opt=OPERATORS)
    async def edit_page(self, location_id: FromPath[int]) -> Template:
        """The form of an existing location."""
        return self._form(form_from_row(await get_location(location_id)), location_id=location_id)

    @post("/operator/locations/{location_id:int}", opt=OPERATORS)
    async def update(
        self,
        request: Request[Any, Any, Any],
        location_id: FromPath[int],
        data: URLEncodedBody[LocationForm],
    ) -> Template | Redirect:
        """Save changes, or show the form again with the reason."""
        try:
            await save_location(location_input(data), location_id)
        except DomainError as error:
            form = msgspec.structs.asdict(data)
            form["photo"] = (await get_location(location_id))["photo"]
            return self._form(
                form,
                location_id=location_id,
                error=error.localized(),
                status_code=error.status_code,
            )
        flash(request, gettext("Location saved"), "success")
        return Redirect(f"/operator/locations/{location_id}")

    @post("/operator/locations/{location_id:int}/photo", opt=OPERATORS)
    async def photo(
        self,
        request: Request[Any, Any, Any],
        location_id: FromPath[int],
        data: MultipartBody[PhotoForm],
    ) -> Template | Redirect:
        """Store the shop photo."""
        try:
            if data.photo is None:
                raise InvalidInput("Choose a photo to upload")
            await save_location_photo(location_id, await data.photo.read())
        except DomainError as error:
            return self._form(
                form_from_row(await get_location(location_id)),
                location_id=location_id,
                error=error.localized(),
                status_code=error.status_code,
            )
        flash(request, gettext("Photo saved"), "success")
        return Redirect(f"/operator/locations/{location_id}")

    @post("/operator/locations/geocode", opt=OPERATORS)
    async def geocode_preview(self, data: URLEncodedBody[GeocodeForm]) -> Template:
        """Htmx fragment: where the typed address would be placed."""
        return await geocode_fragment(data)


class SupplierLocationsPages(Controller):
    """`/supplier/locations…`: a supplier's own warehouses and stores."""

    include_in_schema = False
    base = SUPPLIER_BASE

    def _form(self, form: dict[str, Any], **kwargs: Any) -> Template:
        return form_page(self.base, form, **kwargs)

    @get(SUPPLIER_BASE, opt=SUPPLIERS)
    async def list_page(
        self,
        me: Me,
    ) -> Template:
        """The supplier's own locations."""
        rows = await supplier_locations(me)
        return Template(
            "backoffice/locations.html",
            context={"locations": rows, "labels": LABELS, "base": SUPPLIER_BASE},
        )

    @get(f"{SUPPLIER_BASE}/new", opt=SUPPLIERS)
    async def new_page(self) -> Template:
        """An empty form for a new own location."""
        return self._form(dict(NEW_FORM))

    @post(f"{SUPPLIER_BASE}/new", opt=SUPPLIERS)
    async def create(
        self, me: Me, request: Request[Any, Any, Any], data: URLEncodedBody[LocationForm]
    ) -> Template | Redirect:
        """Save a new own location, or show the form again with the reason."""
        try:
            location_id = await save_supplier_location(me, location_input(data))
        except DomainError as error:
            return self._form(
                msgspec.structs.asdict(data),
                error=error.localized(),
                status_code=error.status_code,
            )
        flash(request, gettext("Location saved"), "success")
        return Redirect(f"{SUPPLIER_BASE}/{location_id}")

    @get(f"{SUPPLIER_BASE}/{{location_id:int}}", opt=SUPPLIERS)
    async def edit_page(self, me: Me, location_id: FromPath[int]) -> Template:
        """The form of an own location."""
        row = await own_location(me, location_id)
        return self._form(form_from_row(row), location_id=location_id)

    @post(f"{SUPPLIER_BASE}/{{location_id:int}}", opt=SUPPLIERS)
    async def update(
        self,
        me: Me,
        request: Request[Any, Any, Any],
        location_id: FromPath[int],
        data: URLEncodedBody[LocationForm],
    ) -> Template | Redirect:
        """Save changes to an own location, or show the form again with the reason."""
        try:
            await save_supplier_location(me, location_input(data), location_id)
        except DomainError as error:
            form = msgspec.structs.asdict(data)
            form["photo"] = (await own_location(me, location_id))["photo"]
            return self._form(
                form,
                location_id=location_id,
                error=error.localized(),
                status_code=error.status_code,
            )
        flash(request, gettext("Location saved"), "success")
        return Redirect(f"{SUPPLIER_BASE}/{location_id}")

    @post(f"{SUPPLIER_BASE}/{{location_id:int}}/photo", opt=SUPPLIERS)
    async def photo(
        self,
        me: Me,
        request: Request[Any, Any, Any],
        location_id: FromPath[int],
        data: MultipartBody[PhotoForm],
    ) -> Template | Redirect:
        """Store an own location's photo."""
        row = await own_location(me, location_id)
        try:
            if data.photo is None:
                raise InvalidInput("Choose a photo to upload")
            await save_location_photo(location_id, await data.photo.read())
        except DomainError as error:
            return self._form(
                form_from_row(row),
                location_id=location_id,
                error=error.localized(),
                status_code=error.status_code,
            )
        flash(request, gettext("Photo saved"), "success")
        return Redirect(f"{SUPPLIER_BASE}/{location_id}")

    @post(f"{SUPPLIER_BASE}/geocode", opt=SUPPLIERS)
    async def geocode_preview(self, data: URLEncodedBody[GeocodeForm]) -> Template:
        """Htmx fragment: where the typed address would be placed."""
        return await geocode_fragment(data)
