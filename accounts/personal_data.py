"""The consumer's own data (PIPL): export everything held about a person, and erase it.

`PERSONAL_DATA` is the one catalogue of where personal data lives: every table with a row
about a person, how that row points to them, and what erasure does to it — delete, or (for
what is kept for accounting: orders, payments, promotion uses, order events) anonymise by
blanking the personal fields and cutting the link to the person. Tables are found by name
through `core.database.all_tables()`, so this module imports no other package's tables;
`tests/unit/test_personal_data_catalogue.py` fails when a table gains a column that points
to a person and the catalogue does not list it.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from piccolo.table import Table

from accounts import user_cache
from core.database import all_tables, write_transaction
from core.errors import NotFound, PermissionDenied


@dataclass(frozen=True)
class Place:
    """One table holding rows about a person.

    `column` holds the person's id; or, with `via`, it holds an id of the rows `via` (a
    table name listed earlier) found for the person. `blank` (when kept) are the personal
    fields set to these values, and `column` is cut (set NULL) unless it is `id`.
    """

    table: str
    column: str
    via: str = ""
    keep: bool = False
    blank: dict[str, Any] = field(default_factory=dict)


#: Where personal data lives, parents before the rows found through them.
PERSONAL_DATA: tuple[Place, ...] = (
    Place("account", "id", keep=True),  # blanked in `erase_person` (unique e-mail)
    Place("staff_store", "user"),
    Place(
        "orders",
        "customer_id",
        keep=True,
        blank={"delivery_address": {}, "pickup_contact": {}, "position": {}},
    ),
    Place("order_event", "actor_id", keep=True),
    Place("payment", "customer_id", keep=True),
    Place("promotion_use", "customer_id", keep=True),
    Place("promotion_buyer", "consumer_id"),
    Place("coupon", "owner_id"),
    Place("cart_item", "user_id"),
    Place("address", "user_id"),
    Place("notification", "user_id"),
    Place("review", "author_id"),
    Place("shopper_event", "user_id"),
    Place("favourite", "user_id"),
    Place("member", "user_id"),
    Place("points_entry", "member_id", via="member"),
    Place("conversation", "consumer_id"),
    Place("chat_message", "conversation_id", via="conversation"),
    # The refunds themselves stay in `refund` (accounting); the request and its thread go.
    Place("after_sale_request", "customer_id"),
    Place("after_sale_message", "request", via="after_sale_request"),
)

#: Column names that point to a person; the catalogue test checks every table with one.
PERSON_COLUMNS = frozenset(
    {"user", "user_id", "customer_id", "consumer_id", "author_id", "owner_id", "actor_id"}
)
#: Columns that point to a person but are staff or operator actions, not consumer data.
STAFF_COLUMNS = frozenset(
    {
        ("stock_movement", "actor_id"),
        ("deposit_entry", "actor_id"),
        # Mixed authors (consumer, supplier, operator): the consumer's thread is found and
        # erased through its request (`after_sale_message` via `after_sale_request`).
        ("after_sale_message", "author_id"),
    }
)


def tables_by_name() -> dict[str, type[Table]]:
    """Every table of the app by its database name."""
    return {table._meta.tablename: table for table in all_tables()}


async def _rows_of(user_id: int) -> dict[str, list[dict[str, Any]]]:
    tables = tables_by_name()
    found: dict[str, list[dict[str, Any]]] = {}
    for place in PERSONAL_DATA:
        table = tables.get(place.table)
        if table is None:
            continue
        column = table._meta.get_column_by_name(place.column)
        if place.via:
            ids = [row["id"] for row in found.get(place.via, [])]
            rows = await table.select().where(column.is_in(ids)) if ids else []
        else:
            rows = await table.select().where(column == user_id)
        found[place.table] = list(rows)
    outbox = tables.get("email_outbox")
    if outbox is not None and found.get("account"):
        to = outbox._meta.get_column_by_name("to")
        found["email_outbox"] = list(
            await outbox.select().where(to == found["account"][0]["email"])
        )
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str) and value[:1] in "[{":
        try:  # JSON columns read back as text
            return json.loads(value)
        except ValueError:
            return value
    return value


async def export_person(user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row held about a person, table by table (JSON-ready; the password hash left out).

    Raises:
        NotFound: no such account.
    """
    found = await _rows_of(user_id)
    if not found.get("account"):
        raise NotFound("Account {id} was not found", id=user_id)
    return {
        name: [{k: _plain(v) for k, v in row.items() if k != "password_hash"} for row in rows]
        for name, rows in found.items()
        if rows
    }


async def erase_person(user_id: int) -> dict[str, int]:
    """Delete what is held about a consumer; anonymise what accounting keeps.

    Orders, payments and promotion uses stay with their amounts, without the person's
    name, phone, address or position and without the link to the account; the account
    stays as an inactive, nameless row (its id is referenced by kept rows' history).
    Returns rows changed per table.

    Raises:
        NotFound: no such account.
        PermissionDenied: not a consumer account (staff accounts are closed by operators).
    """
    tables = tables_by_name()
    changed: dict[str, int] = {}
    async with write_transaction():
        found = await _rows_of(user_id)
        account = found.get("account") or []
        if not account:
            raise NotFound("Account {id} was not found", id=user_id)
        if account[0]["role"] != "consumer":
            raise PermissionDenied("Only a consumer's own data is erased this way")
        for place in reversed(PERSONAL_DATA):
            rows = found.get(place.table) or []
            table = tables.get(place.table)
            if not rows or table is None or place.table == "account":
                continue
            ids = [row["id"] for row in rows]
            if place.keep:
                values: dict[Any, Any] = {
                    table._meta.get_column_by_name(name): value
                    for name, value in place.blank.items()
                }
                values[table._meta.get_column_by_name(place.column)] = None
                await table.update(values).where(table._meta.primary_key.is_in(ids))
            else:
                await table.delete().where(table._meta.primary_key.is_in(ids))
            changed[place.table] = len(ids)
        user = tables["account"]
        await user.update(
            {
                user._meta.get_column_by_name("email"): f"erased-{user_id}@erased.invalid",
                user._meta.get_column_by_name("name"): "",
                user._meta.get_column_by_name("phone"): "",
                user._meta.get_column_by_name("password_hash"): secrets.token_hex(32),
                user._meta.get_column_by_name("is_active"): False,
            }
        ).where(user._meta.primary_key == user_id)
        changed["account"] = 1
        outbox = tables.get("email_outbox")
        if outbox is not None and found.get("email_outbox"):
            ids = [row["id"] for row in found["email_outbox"]]
            await outbox.delete().where(outbox._meta.primary_key.is_in(ids))
            changed["email_outbox"] = len(ids)
    await user_cache.invalidate(user_id)
    return changed
