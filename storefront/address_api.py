"""Address book JSON API: `GET|POST /api/addresses`, `PUT|DELETE /api/addresses/{id}`."""

from __future__ import annotations

from datetime import datetime

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from accounts.access import SIGNED_IN, Me
from core.types import ShortText
from fulfilment.addresses import (
    AddressInput,
    AddressView,
    address_of,
    addresses_of,
    delete_address,
    save_address,
    set_default_address,
)


class AddressIn(msgspec.Struct):
    """A recipient and where to deliver: the mobile must be a mainland number."""

    name: ShortText
    phone: ShortText
    detail: ShortText
    province: ShortText = ""
    city: ShortText = ""
    district: ShortText = ""
    #: Make it the default address (the first address always is).
    is_default: bool = False


class AddressOut(msgspec.Struct):
    """A saved address."""

    id: int
    name: str
    phone: str
    province: str
    city: str
    district: str
    detail: str
    is_default: bool
    updated_at: datetime


def address_out(view: AddressView) -> AddressOut:
    """A saved address as JSON."""
    return msgspec.convert(view, AddressOut, from_attributes=True)


def address_input(data: AddressIn) -> AddressInput:
    """The domain input of an address body."""
    return AddressInput(**msgspec.structs.asdict(data))


class AddressApi(Controller):
    """The logged-in person's address book (收货地址)."""

    path = "/api/addresses"
    tags = ["addresses"]

    @get("/", opt=SIGNED_IN)
    async def list_addresses(self, me: Me) -> list[AddressOut]:
        """My addresses, the default first."""
        return [address_out(a) for a in await addresses_of(me.id)]

    @post("/", opt=SIGNED_IN, status_code=HTTP_201_CREATED)
    async def add(self, me: Me, data: JSONBody[AddressIn]) -> AddressOut:
        """Save an address; 400 naming the field when the mobile number or a part is wrong."""
        return address_out(await save_address(me.id, address_input(data)))

    @get("/{address_id:int}", opt=SIGNED_IN)
    async def one(self, me: Me, address_id: FromPath[int]) -> AddressOut:
        """One of my addresses."""
        return address_out(await address_of(me.id, address_id))

    @put("/{address_id:int}", opt=SIGNED_IN, status_code=HTTP_200_OK)
    async def change(
        self, me: Me, address_id: FromPath[int], data: JSONBody[AddressIn]
    ) -> AddressOut:
        """Replace one of my addresses (`is_default: true` also makes it the default)."""
        return address_out(await save_address(me.id, address_input(data), address_id))

    @post("/{address_id:int}/default", opt=SIGNED_IN, status_code=HTTP_200_OK)
    async def make_default(self, me: Me, address_id: FromPath[int]) -> AddressOut:
        """Make one of my addresses the default."""
        return address_out(await set_default_address(me.id, address_id))

    @delete("/{address_id:int}", opt=SIGNED_IN, status_code=HTTP_204_NO_CONTENT)
    async def remove(self, me: Me, address_id: FromPath[int]) -> None:
        """Delete one of my addresses (the newest other one becomes the default)."""
        await delete_address(me.id, address_id)
