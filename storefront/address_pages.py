"""Address book pages: `/addresses` (list, add, edit, delete, set default)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from accounts.access import SIGNED_IN, Me
from core.errors import DomainError
from core.i18n import gettext
from fulfilment.addresses import (
    AddressInput,
    address_of,
    address_problems,
    addresses_of,
    delete_address,
    save_address,
    set_default_address,
)


class AddressForm(msgspec.Struct):
    """The address form (every field a text, checked by the domain)."""

    name: str = ""
    phone: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    detail: str = ""
    is_default: str = ""
    #: Where to go once saved (checkout sends people here and back); local paths only.
    next: str = ""


def _input(form: AddressForm) -> AddressInput:
    return AddressInput(
        name=form.name,
        phone=form.phone,
        province=form.province,
        city=form.city,
        district=form.district,
        detail=form.detail,
        is_default=bool(form.is_default),
    )


def _local(path: str) -> str:
    return path if path.startswith("/") and not path.startswith("//") else "/addresses"


def _form_page(
    form: AddressForm,
    address_id: int | None,
    problems: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    return Template(
        "storefront/address_form.html",
        context={"form": form, "address_id": address_id, "problems": problems or {}},
        status_code=status,
    )


class AddressPages(Controller):
    """HTML address book (收货地址)."""

    include_in_schema = False

    @get("/addresses", opt=SIGNED_IN)
    async def list_page(self, me: Me) -> Template:
        """My addresses, the default first, with edit, delete and set-default."""
        return Template(
            "storefront/addresses.html", context={"addresses": await addresses_of(me.id)}
        )

    @get("/addresses/new", opt=SIGNED_IN)
    async def new_page(self, request: Request[Any, Any, Any]) -> Template:
        """An empty address form."""
        return _form_page(AddressForm(next=_local(request.query_params.get("next", ""))), None)

    @get("/addresses/{address_id:int}/edit", opt=SIGNED_IN)
    async def edit_page(self, me: Me, address_id: FromPath[int]) -> Template:
        """The form of one saved address."""
        saved = await address_of(me.id, address_id)
        form = AddressForm(
            name=saved.name,
            phone=saved.phone,
            province=saved.province,
            city=saved.city,
            district=saved.district,
            detail=saved.detail,
            is_default="1" if saved.is_default else "",
        )
        return _form_page(form, address_id)

    async def _save(
        self, me: Me, request: Request[Any, Any, Any], form: AddressForm, address_id: int | None
    ) -> Template | Redirect:
        problems = address_problems(_input(form))
        if not problems:
            try:
                await save_address(me.id, _input(form), address_id)
            except DomainError as error:
                problems = {str(error.extra.get("field", "form")): error.localized()}
        if problems:
            return _form_page(form, address_id, problems, 400)
        flash(request, gettext("Address saved"), "success")
        return Redirect(_local(form.next))

    @post("/addresses", opt=SIGNED_IN)
    async def add(
        self, me: Me, request: Request[Any, Any, Any], data: URLEncodedBody[AddressForm]
    ) -> Template | Redirect:
        """Save a new address, or show the form again with every problem marked."""
        return await self._save(me, request, data, None)

    @post("/addresses/{address_id:int}", opt=SIGNED_IN)
    async def change(
        self,
        me: Me,
        request: Request[Any, Any, Any],
        address_id: FromPath[int],
        data: URLEncodedBody[AddressForm],
    ) -> Template | Redirect:
        """Save changes to an address."""
        await address_of(me.id, address_id)
        return await self._save(me, request, data, address_id)

    @post("/addresses/{address_id:int}/default", opt=SIGNED_IN)
    async def make_default(
        self, me: Me, request: Request[Any, Any, Any], address_id: FromPath[int]
    ) -> Redirect:
        """Make an address the default."""
        await set_default_address(me.id, address_id)
        flash(request, gettext("Default address changed"), "success")
        return Redirect("/addresses")

    @post("/addresses/{address_id:int}/delete", opt=SIGNED_IN)
    async def remove(
        self, me: Me, request: Request[Any, Any, Any], address_id: FromPath[int]
    ) -> Redirect:
        """Delete an address (asked to confirm first in the browser)."""
        await delete_address(me.id, address_id)
        flash(request, gettext("Address deleted"), "success")
        return Redirect("/addresses")
