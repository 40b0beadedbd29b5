"""The store works on a pickup: preparing, then ready with a code (the consumer is told)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from accounts.roles import CurrentUser
from core.database import write_transaction
from core.errors import Conflict
from fulfilment.hours import STORE_TZ
from fulfilment.moves import move_fulfilment, now_utc
from fulfilment.pickup.queue import (
    NotHandOverable,
    PickupTicket,
    _fulfilment,
    _names,
    _order,
    _workable,
    key_ring,
    ticket,
)
from fulfilment.pickup_codes import (
    issue_token,
    new_short_code,
)
from fulfilment.tables import Fulfilment
from locations.places import place
from notifications.service import notify


async def mark_preparing(location_id: int, fulfilment_id: int, staff: CurrentUser) -> PickupTicket:
    """The store starts picking the goods of a new pickup."""
    async with write_transaction():
        row = await _fulfilment(location_id, fulfilment_id)
        if not _workable(await _order(row["order"])):
            raise NotHandOverable("Order is not paid yet; wait for the payment")
        await move_fulfilment(row, "preparing", kind="preparing", actor_id=staff.id)
    return await ticket(location_id, fulfilment_id)


async def _unused_short_code(location_id: int) -> str:
    for _ in range(20):
        code = new_short_code()
        taken = await Fulfilment.exists().where(
            (Fulfilment.location == location_id)
            & (Fulfilment.short_code == code)
            & (Fulfilment.status == "ready_for_pickup")
        )
        if not taken:
            return code
    raise Conflict("Could not find a free pickup code; try again")


@dataclass(frozen=True, slots=True)
class ReadyPickup:
    """A pickup marked ready: its code and deadline."""

    id: int
    status: str
    short_code: str
    token: str
    pickup_deadline: datetime


async def mark_ready(
    location_id: int, fulfilment_id: int, staff: CurrentUser, *, now: datetime | None = None
) -> ReadyPickup:
    """The goods are packed: issue the pickup code, start the hold, tell the consumer."""
    now = now or now_utc()
    async with write_transaction():
        row = await _fulfilment(location_id, fulfilment_id)
        order = await _order(row["order"])
        if not _workable(order):
            raise NotHandOverable("Order is not paid yet; wait for the payment")
        store = await place(location_id)
        assert store is not None
        token, nonce = issue_token(fulfilment_id, location_id, key_ring())
        code = await _unused_short_code(location_id)
        deadline = now + timedelta(days=max(1, store["pickup_hold_days"]))
        await move_fulfilment(
            row,
            "ready_for_pickup",
            kind="ready_for_pickup",
            actor_id=staff.id,
            values={
                Fulfilment.short_code: code,
                Fulfilment.token_nonce: nonce,
                Fulfilment.pickup_deadline: deadline,
            },
        )
        if order["customer_id"] is not None:
            person = (await _names([order["customer_id"]])).get(order["customer_id"], {})
            local_deadline = f"{deadline.astimezone(STORE_TZ):%Y-%m-%d %H:%M}"
            await notify(
                order["customer_id"],
                "ready_for_pickup",
                title=f"订单 {order['number']} 已可自提 / Ready for pickup",
                body=(
                    f"{store['name']}：取货码 {code}，请在 {local_deadline} 前取货。"
                    f"\nPickup code {code} at {store['name']}; collect before the deadline."
                ),
                link=f"/orders/{order['id']}",
                email=person.get("email", ""),
            )
    return ReadyPickup(fulfilment_id, "ready_for_pickup", code, token, deadline)
