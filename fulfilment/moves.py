"""Moving orders and fulfilments between states: checked, race-safe, audited, announced."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from core.realtime import publish_after_commit
from fulfilment.errors import IllegalTransition
from fulfilment.state_machine import check_fulfilment_move, check_order_move
from fulfilment.statuses import FulfilmentMethod
from fulfilment.tables import Fulfilment, Order, OrderEvent


def now_utc() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(UTC)


async def record_event(
    order_id: int,
    kind: str,
    *,
    fulfilment_id: int | None = None,
    actor_id: int | None = None,
    old_state: str = "",
    new_state: str = "",
    note: str = "",
) -> None:
    """Write one line of the order's audit trail."""
    await OrderEvent.insert(
        OrderEvent(
            order=order_id,
            fulfilment=fulfilment_id,
            actor_id=actor_id,
            kind=kind,
            old_state=old_state,
            new_state=new_state,
            note=note[:255],
        )
    )


async def announce(order_id: int, event: dict[str, Any]) -> None:
    """Tell the order's page (topic `order:{id}`) once the transaction commits."""
    await publish_after_commit(f"order:{order_id}", {"order_id": order_id, **event})


async def move_order(
    order: dict[str, Any],
    new_state: str,
    *,
    kind: str,
    actor_id: int | None = None,
    note: str = "",
    values: dict[Any, Any] | None = None,
) -> None:
    """Move an order to `new_state` (409 when the table forbids it), with its event.

    The UPDATE names the state read, so a concurrent move of the same order makes this one
    fail with a 409 instead of both succeeding.
    """
    check_order_move(order["status"], new_state)
    changed = (
        await Order.update({Order.status: new_state, **(values or {})})
        .where((Order.id == order["id"]) & (Order.status == order["status"]))
        .returning(Order.id)
    )
    if not changed:
        current = await Order.select(Order.status).where(Order.id == order["id"]).first()
        raise IllegalTransition(
            "The order is {current} and cannot become {requested}",
            current=current["status"] if current else "missing",
            requested=new_state,
        )
    await record_event(
        order["id"],
        kind,
        actor_id=actor_id,
        old_state=order["status"],
        new_state=new_state,
        note=note,
    )
    await announce(order["id"], {"type": "order", "status": new_state, "kind": kind})
    order["status"] = new_state


async def move_fulfilment(
    fulfilment: dict[str, Any],
    new_state: str,
    *,
    kind: str,
    actor_id: int | None = None,
    note: str = "",
    values: dict[Any, Any] | None = None,
) -> None:
    """Move a fulfilment to `new_state` (409 when the table forbids it), with its event."""
    check_fulfilment_move(fulfilment["method"], fulfilment["status"], new_state)
    changed = (
        await Fulfilment.update(
            {Fulfilment.status: new_state, Fulfilment.updated_at: now_utc(), **(values or {})}
        )
        .where((Fulfilment.id == fulfilment["id"]) & (Fulfilment.status == fulfilment["status"]))
        .returning(Fulfilment.id)
    )
    if not changed:
        current = (
            await Fulfilment.select(Fulfilment.status)
            .where(Fulfilment.id == fulfilment["id"])
            .first()
        )
        raise IllegalTransition(
            "The {method} fulfilment is {current} and cannot become {requested}",
            method=fulfilment["method"],
            current=current["status"] if current else "missing",
            requested=new_state,
        )
    await record_event(
        fulfilment["order"],
        kind,
        fulfilment_id=fulfilment["id"],
        actor_id=actor_id,
        old_state=fulfilment["status"],
        new_state=new_state,
        note=note,
    )
    event = {
        "type": "fulfilment",
        "fulfilment_id": fulfilment["id"],
        "status": new_state,
        "kind": kind,
    }
    await announce(fulfilment["order"], event)
    if fulfilment["method"] == FulfilmentMethod.PICKUP:
        await publish_after_commit(f"location:{fulfilment['location']}", event)
    fulfilment["status"] = new_state
