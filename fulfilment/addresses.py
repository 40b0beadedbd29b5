"""The consumer's address book (收货地址): saved recipients, one of them the default.

Every address is checked here, once, for pages, the API and checkout alike: a recipient's
name, a mainland mobile number (`fulfilment.contacts.check_mobile`) and a street. A user
has at most one default address; the first one saved becomes it, and deleting the default
hands the role to the newest remaining address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.database import serialise_on, write_transaction
from core.errors import DomainError
from core.types import clean_text
from fulfilment.contacts import NAME_MAX, check_mobile
from fulfilment.errors import AddressNotFound, InvalidOrder
from fulfilment.moves import now_utc
from fulfilment.tables import Address

#: Most addresses one account keeps.
MAX_ADDRESSES = 20
#: Longest province, city or district name kept.
PLACE_MAX = 40
#: Longest street line kept.
DETAIL_MAX = 200
#: The fields of an address as an order stores it, in display order.
FIELDS = ("name", "phone", "province", "city", "district", "detail")


@dataclass(frozen=True, slots=True)
class AddressInput:
    """What a person typed for an address (unchecked)."""

    name: str = ""
    phone: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    detail: str = ""
    is_default: bool = False


@dataclass(frozen=True, slots=True)
class AddressView:
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

    @property
    def one_line(self) -> str:
        """The address as one line (省市区 + street)."""
        return "".join((self.province, self.city, self.district)) + " " + self.detail

    def for_order(self) -> dict[str, Any]:
        """The address as an order's `delivery_address` stores it."""
        return {k: getattr(self, k) for k in FIELDS if getattr(self, k)}


def _invalid(message: str, field: str, **params: Any) -> InvalidOrder:
    error = InvalidOrder(message, **params)
    error.extra["field"] = field
    return error


def _check_field(field: str, value: str) -> str:
    """One field of an address as stored, or a 400 naming it."""
    if field == "phone":
        return check_mobile(value, field="phone")
    limit = {"name": NAME_MAX, "detail": DETAIL_MAX}.get(field, PLACE_MAX)
    try:
        text = clean_text(value, field, max_length=limit)
    except DomainError as error:
        refused = InvalidOrder(error.message, **error.params)
        refused.extra["field"] = field
        raise refused from None
    if not text and field == "name":
        raise _invalid("Give the recipient's name (up to {n} characters)", field, n=NAME_MAX)
    if not text and field == "detail":
        raise _invalid("Give the street and door number", field)
    return text


def address_problems(data: AddressInput) -> dict[str, str]:
    """Every wrong field of an address with its message, in the viewer's language.

    Forms show all the problems at once rather than one per submit; empty when all is well.
    """
    problems: dict[str, str] = {}
    for field in FIELDS:
        try:
            _check_field(field, getattr(data, field))
        except DomainError as error:
            problems[field] = error.localized()
    return problems


def check_address(data: AddressInput) -> dict[str, Any]:
    """The address's stored fields, or a 400 naming the first wrong field."""
    return {field: _check_field(field, getattr(data, field)) for field in FIELDS}


def _view(row: dict[str, Any]) -> AddressView:
    return AddressView(
        id=row["id"],
        name=row["name"],
        phone=row["phone"],
        province=row["province"],
        city=row["city"],
        district=row["district"],
        detail=row["detail"],
        is_default=bool(row["is_default"]),
        updated_at=row["updated_at"],
    )


async def addresses_of(user_id: int) -> list[AddressView]:
    """The user's addresses, the default first, then the newest."""
    rows = (
        await Address.select()
        .where(Address.user_id == user_id)
        .order_by(Address.is_default, ascending=False)
        .order_by(Address.id, ascending=False)
    )
    return [_view(r) for r in rows]


async def address_of(user_id: int, address_id: int) -> AddressView:
    """One of the user's addresses; another person's answers 404 like a missing one."""
    row = (
        await Address.select()
        .where((Address.id == address_id) & (Address.user_id == user_id))
        .first()
    )
    if row is None:
        raise AddressNotFound("There is no address {id} in your address book", id=address_id)
    return _view(row)


async def default_address(user_id: int) -> AddressView | None:
    """The user's default address, if any."""
    found = await addresses_of(user_id)
    return found[0] if found and found[0].is_default else None


async def _make_default(user_id: int, address_id: int) -> None:
    await Address.update({Address.is_default: False}).where(
        (Address.user_id == user_id) & (Address.id != address_id)
    )
    await Address.update({Address.is_default: True}).where(
        (Address.user_id == user_id) & (Address.id == address_id)
    )


async def save_address(
    user_id: int, data: AddressInput, address_id: int | None = None
) -> AddressView:
    """Add an address (`address_id` None) or change one; the first becomes the default."""
    fields = check_address(data)
    async with write_transaction():
        if address_id is None:
            await serialise_on(f"address-book:{user_id}")
            count = await Address.count().where(Address.user_id == user_id)
            if count >= MAX_ADDRESSES:
                raise InvalidOrder("An address book holds at most {n} addresses", n=MAX_ADDRESSES)
            rows = await Address.insert(
                Address(user_id=user_id, is_default=False, **fields)
            ).returning(Address.id)
            address_id = int(rows[0]["id"])
            make_default = data.is_default or count == 0
        else:
            await address_of(user_id, address_id)
            changes: dict[Any, Any] = {**fields, "updated_at": now_utc()}
            await Address.update(changes).where(Address.id == address_id)
            make_default = data.is_default
        if make_default:
            await _make_default(user_id, address_id)
    return await address_of(user_id, address_id)


async def set_default_address(user_id: int, address_id: int) -> AddressView:
    """Make one address the default (the others stop being it)."""
    async with write_transaction():
        await address_of(user_id, address_id)
        await _make_default(user_id, address_id)
    return await address_of(user_id, address_id)


async def delete_address(user_id: int, address_id: int) -> None:
    """Remove an address; when it was the default, the newest remaining one becomes it."""
    async with write_transaction():
        gone = await address_of(user_id, address_id)
        await Address.delete().where(Address.id == address_id)
        if gone.is_default:
            newest = (
                await Address.select(Address.id)
                .where(Address.user_id == user_id)
                .order_by(Address.id, ascending=False)
                .first()
            )
            if newest is not None:
                await _make_default(user_id, newest["id"])


async def delivery_address_from_book(user_id: int, address_id: int) -> dict[str, Any]:
    """A saved address as checkout and orders use it (a 404 when it is not the user's)."""
    return (await address_of(user_id, address_id)).for_order()
