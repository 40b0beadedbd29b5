"""Store pickup: the queue, preparing, ready (with a code), scanning and handing over.

Every rule of the counter is one function here, called by the POS pages, the POS API and
the tests: `pickup_queue`, `mark_preparing`, `mark_ready`, `scan`, `hand_over`,
`cancel_pickup_lines`. A code works once because `hand_over` marks the fulfilment collected
in one conditional UPDATE (`… WHERE id = ? AND status = 'ready_for_pickup'`, through
`move_fulfilment`), checked by the rows it changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from accounts.roles import CurrentUser
from accounts.tables import User
from core.database import write_transaction
from core.errors import Conflict, InvalidInput
from core.realtime import publish_after_commit
from core.settings import get_settings
from fulfilment.errors import FulfilmentNotFound, IllegalTransition, InvalidPickupCode
from fulfilment.hours import STORE_TZ, ready_time
from fulfilment.moves import move_fulfilment, move_order, now_utc, record_event
from fulfilment.orders import after_fulfilment_settled, cancel_order, mark_order_paid
from fulfilment.pickup_attempts import PickupAttemptLimiter
from fulfilment.pickup_codes import (
    KeyRing,
    issue_token,
    looks_like_token,
    new_short_code,
    read_token,
    token_for,
)
from fulfilment.selling import sell_lines
from fulfilment.state_machine import FULFILMENT_FINAL
from fulfilment.tables import Fulfilment, Order, OrderEvent, OrderLine, PickupScanAudit
from locations.stock import StockLine, release_stock
from locations.tables import Location
from notifications.service import notify
from payments.service import confirm_offline_payment, refund_order_payments

#: Pickup states the store still works on (shown in the queue).
OPEN_STATES = ("allocated", "preparing", "ready_for_pickup")
#: A ready order whose deadline is this close is flagged "expiring soon".
EXPIRING_SOON = timedelta(days=1)
#: Ways to take money for a pay-in-store order at the counter.
COUNTER_METHODS = ("cash", "card", "qr")


class AlreadyCollected(Conflict):
    """The pickup was handed over already (a code works once)."""

    code = "already_collected"


class NotHandOverable(Conflict):
    """The pickup cannot be handed over in its present state."""

    code = "not_hand_overable"


def key_ring() -> KeyRing:
    """The pickup-code signing keys of this installation."""
    settings = get_settings()
    return KeyRing.from_config(settings.pickup_keys, settings.secret_key)


def mask_phone(phone: str) -> str:
    """13800138000 → 138****8000 (short numbers keep only their last two digits)."""
    digits = phone.strip()
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    return f"****{digits[-2:]}" if digits else ""


@dataclass(frozen=True, slots=True)
class PickupLine:
    """A line to hand over."""

    id: int
    variant_id: int
    name: str
    sku: str
    quantity: int
    unit_price: int


@dataclass(slots=True)
class PickupTicket:
    """A pickup as the counter sees it: who, what, money and timing."""

    fulfilment_id: int
    order_id: int
    order_number: str
    location_id: int
    status: str
    customer_id: int | None
    customer_name: str
    phone: str
    payment_method: str
    #: paid | to_pay_in_store | unpaid
    payment_status: str
    #: What the customer still pays at the counter, in fen.
    amount_due: int
    currency: str
    lines: list[PickupLine]
    ready_by: datetime | None
    pickup_deadline: datetime | None
    short_code: str | None
    created_at: datetime
    overdue: bool = False
    expiring_soon: bool = False


@dataclass(slots=True)
class ScanResult:
    """What a scanned or typed code says: who and what, or why not."""

    can_hand_over: bool
    reason: str | None
    message: str
    ticket: PickupTicket | None = None
    collected_at: datetime | None = None
    collected_by: str = ""
    params: dict[str, Any] = field(default_factory=dict)


async def _names(user_ids: Sequence[int | None]) -> dict[int, dict[str, Any]]:
    ids = sorted({u for u in user_ids if u is not None})
    if not ids:
        return {}
    rows = await User.select(User.id, User.name, User.email, User.phone).where(User.id.is_in(ids))
    return {r["id"]: r for r in rows}


def _payment_status(order: dict[str, Any]) -> str:
    if order["status"] in ("paid", "completed"):
        return "paid"
    if order["payment_method"] == "in_store" and order["status"] == "pending_payment":
        return "to_pay_in_store"
    return "unpaid"


async def _tickets(rows: list[dict[str, Any]], now: datetime) -> list[PickupTicket]:
    if not rows:
        return []
    order_ids = sorted({r["order"] for r in rows})
    orders = {o["id"]: o for o in await Order.select().where(Order.id.is_in(order_ids))}
    lines = (
        await OrderLine.select()
        .where(OrderLine.fulfilment.is_in([r["id"] for r in rows]))
        .order_by(OrderLine.id)
    )
    people = await _names([o["customer_id"] for o in orders.values()])
    tickets = []
    for f in rows:
        order = orders[f["order"]]
        mine = [
            PickupLine(
                id=line["id"],
                variant_id=line["variant"],
                name=line["product_name"],
                sku=line["sku"],
                quantity=line["quantity"],
                unit_price=line["unit_price"],
            )
            for line in lines
            if line["fulfilment"] == f["id"]
        ]
        person = people.get(order["customer_id"] or -1, {})
        status = _payment_status(order)
        deadline = f["pickup_deadline"]
        tickets.append(
            PickupTicket(
                fulfilment_id=f["id"],
                order_id=order["id"],
                order_number=order["number"],
                location_id=f["location"],
                status=f["status"],
                customer_id=order["customer_id"],
                customer_name=person.get("name", ""),
                phone=mask_phone(person.get("phone", "")),
                payment_method=order["payment_method"],
                payment_status=status,
                amount_due=order["total"] if status == "to_pay_in_store" else 0,
                currency=order["currency"],
                lines=mine,
                ready_by=f["ready_by"],
                pickup_deadline=deadline,
                short_code=f["short_code"],
                created_at=f["created_at"],
                overdue=(
                    f["status"] in ("allocated", "preparing")
                    and f["ready_by"] is not None
                    and f["ready_by"] < now
                )
                or (f["status"] == "ready_for_pickup" and deadline is not None and deadline < now),
                expiring_soon=f["status"] == "ready_for_pickup"
                and deadline is not None
                and now <= deadline < now + EXPIRING_SOON,
            )
        )
    return tickets


def _workable(order: dict[str, Any]) -> bool:
    """Whether the store may work on an order: paid, or to be paid at the counter."""
    return _payment_status(order) in ("paid", "to_pay_in_store")


async def pickup_queue(location_id: int, *, now: datetime | None = None) -> list[PickupTicket]:
    """A store's open pickups (new, preparing, ready), oldest first; unpaid online ones wait."""
    now = now or now_utc()
    rows = (
        await Fulfilment.select()
        .where(
            (Fulfilment.location == location_id)
            & (Fulfilment.method == "pickup")
            & Fulfilment.status.is_in(list(OPEN_STATES))
        )
        .order_by(Fulfilment.id)
    )
    tickets = await _tickets(rows, now)
    return [t for t in tickets if t.payment_status != "unpaid"]


async def _fulfilment(location_id: int, fulfilment_id: int) -> dict[str, Any]:
    row = (
        await Fulfilment.select()
        .where(
            (Fulfilment.id == fulfilment_id)
            & (Fulfilment.location == location_id)
            & (Fulfilment.method == "pickup")
        )
        .first()
    )
    if row is None:
        raise FulfilmentNotFound("Pickup {id} is not one of this store's orders", id=fulfilment_id)
    return row


async def _order(order_id: int) -> dict[str, Any]:
    order = await Order.select().where(Order.id == order_id).first()
    assert order is not None
    return order


async def ticket(location_id: int, fulfilment_id: int) -> PickupTicket:
    """One of a store's pickups as the counter sees it."""
    row = await _fulfilment(location_id, fulfilment_id)
    return (await _tickets([row], now_utc()))[0]


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
        store = (
            await Location.select(Location.name, Location.pickup_hold_days)
            .where(Location.id == location_id)
            .first()
        )
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


@dataclass(frozen=True, slots=True)
class PickupCode:
    """What the consumer shows at the counter: the QR token and the short code."""

    fulfilment_id: int
    token: str
    short_code: str
    pickup_deadline: datetime | None


async def consumer_pickup_code(order_id: int, fulfilment_id: int, customer_id: int) -> PickupCode:
    """The code of a consumer's own ready pickup (404 for anyone else's)."""
    row = (
        await Fulfilment.select()
        .where((Fulfilment.id == fulfilment_id) & (Fulfilment.order == order_id))
        .first()
    )
    order = await Order.select(Order.customer_id).where(Order.id == order_id).first()
    if row is None or order is None or order["customer_id"] != customer_id:
        raise FulfilmentNotFound("Pickup {id} was not found", id=fulfilment_id)
    if row["status"] != "ready_for_pickup" or not row["token_nonce"]:
        raise NotHandOverable("This pickup has no code: it is {status}", status=row["status"])
    token = token_for(row["id"], row["location"], row["token_nonce"], key_ring())
    return PickupCode(row["id"], token, row["short_code"] or "", row["pickup_deadline"])


async def pickup_token(order_id: int, fulfilment_id: int, customer_id: int) -> str:
    """The QR token of a consumer's own ready pickup (404 for anyone else's)."""
    return (await consumer_pickup_code(order_id, fulfilment_id, customer_id)).token


async def _audit_unknown(location_id: int, staff: CurrentUser, kind: str, code: str) -> None:
    async with write_transaction():
        await PickupScanAudit.insert(
            PickupScanAudit(
                location=location_id,
                staff_id=staff.id,
                kind=kind,
                code=code[:120],
                reason="invalid",
            )
        )


async def _refuse(
    row: dict[str, Any], staff: CurrentUser, reason: str, result: ScanResult
) -> ScanResult:
    async with write_transaction():
        await record_event(
            row["order"],
            "scan_refused",
            fulfilment_id=row["id"],
            actor_id=staff.id,
            old_state=row["status"],
            new_state=row["status"],
            note=reason,
        )
    return result


async def _collected_by(fulfilment_id: int) -> tuple[datetime | None, str]:
    event = (
        await OrderEvent.select(OrderEvent.created_at, OrderEvent.actor_id)
        .where((OrderEvent.fulfilment == fulfilment_id) & (OrderEvent.kind == "collected"))
        .first()
    )
    if event is None:
        return None, ""
    person = (await _names([event["actor_id"]])).get(event["actor_id"] or -1, {})
    return event["created_at"], person.get("name", "")


async def scan(
    location_id: int,
    code: str,
    staff: CurrentUser,
    limiter: PickupAttemptLimiter,
    *,
    now: datetime | None = None,
) -> ScanResult:
    """Read a scanned token or typed short code: who and what, or exactly why not.

    Wrong short codes count against the staff member at this store (429 after five in the
    window); every refusal is audited — as an order event when the code names a
    fulfilment, else as a `PickupScanAudit` row.
    """
    now = now or now_utc()
    code = code.strip()
    if not code:
        raise InvalidInput("Scan the QR code or type the pickup code")
    row: dict[str, Any] | None = None
    if looks_like_token(code):
        try:
            token = read_token(code, key_ring())
        except InvalidPickupCode:
            await _audit_unknown(location_id, staff, "token", code)
            return ScanResult(False, "invalid", "This pickup code is not valid")
        row = await Fulfilment.select().where(Fulfilment.id == token.fulfilment_id).first()
        if row is None or row["token_nonce"] != token.nonce or row["method"] != "pickup":
            await _audit_unknown(location_id, staff, "token", code)
            return ScanResult(False, "invalid", "This pickup code is not valid")
        if token.location_id != location_id or row["location"] != location_id:
            store = (
                await Location.select(Location.name).where(Location.id == row["location"]).first()
            )
            name = store["name"] if store else f"#{row['location']}"
            return await _refuse(
                row,
                staff,
                "wrong_store",
                ScanResult(
                    False,
                    "wrong_store",
                    "This order is for pickup at {store}, not this store",
                    params={"store": name, "store_id": location_id},
                ),
            )
    else:
        await limiter.check(staff.id, location_id)
        if code.isdigit():
            row = (
                await Fulfilment.select()
                .where(
                    (Fulfilment.location == location_id)
                    & (Fulfilment.short_code == code)
                    & (Fulfilment.method == "pickup")
                )
                .order_by(Fulfilment.id, ascending=False)
                .first()
            )
        if row is None:
            await _audit_unknown(location_id, staff, "short_code", code)
            failures = await limiter.record_failure(staff.id, location_id)
            left = max(0, limiter.limit - failures)
            return ScanResult(
                False,
                "invalid",
                "No pickup at this store has code {code} ({left} tries left)",
                params={"code": code, "left": left},
            )
        await limiter.release(staff.id, location_id)  # a matching code is no guess
    found = (await _tickets([row], now))[0]
    status = row["status"]
    if status == "collected":
        when, who = await _collected_by(row["id"])
        return await _refuse(
            row,
            staff,
            "collected",
            ScanResult(
                False,
                "collected",
                "Already collected on {when} (handed over by {who})",
                ticket=found,
                collected_at=when,
                collected_by=who,
                params={"when": when.isoformat(timespec="minutes") if when else "", "who": who},
            ),
        )
    if status == "expired" or (
        status == "ready_for_pickup" and row["pickup_deadline"] and row["pickup_deadline"] < now
    ):
        return await _refuse(
            row,
            staff,
            "expired",
            ScanResult(
                False, "expired", "This pickup expired: it was not collected in time", ticket=found
            ),
        )
    if status == "cancelled":
        return await _refuse(
            row,
            staff,
            "cancelled",
            ScanResult(False, "cancelled", "This order was cancelled", ticket=found),
        )
    if status != "ready_for_pickup":
        return await _refuse(
            row,
            staff,
            "not_ready",
            ScanResult(
                False,
                "not_ready",
                "This order is not ready yet: mark it ready first",
                ticket=found,
            ),
        )
    return ScanResult(True, None, "Ready: check the customer and hand over", ticket=found)


async def _split_off(
    row: dict[str, Any], line_ids: list[int], status: str, actor_id: int, now: datetime
) -> int:
    """Move some lines of a pickup into a new fulfilment of the same store in `status`."""
    values: dict[str, Any] = {}
    if status == "ready_for_pickup":
        values = {"short_code": await _unused_short_code(row["location"])}
        _, values["token_nonce"] = issue_token(row["id"], row["location"], key_ring())
    created = await Fulfilment.insert(
        Fulfilment(
            order=row["order"],
            location=row["location"],
            method="pickup",
            status=status,
            ready_by=row["ready_by"],
            pickup_deadline=row["pickup_deadline"],
            created_at=now,
            updated_at=now,
            **values,
        )
    ).returning(Fulfilment.id)
    new_id = created[0]["id"]
    await OrderLine.update({OrderLine.fulfilment: new_id}).where(OrderLine.id.is_in(line_ids))
    await record_event(
        row["order"],
        "split" if status == "ready_for_pickup" else "lines_cancelled",
        fulfilment_id=new_id,
        actor_id=actor_id,
        old_state=row["status"],
        new_state=status,
        note=f"from #{row['id']}",
    )
    return new_id


async def _settle_order(order_id: int, actor_id: int | None, note: str = "") -> None:
    """Close the order once none of its fulfilments is open any more."""
    order = await _order(order_id)
    states = [
        f["status"]
        for f in await Fulfilment.select(Fulfilment.status).where(Fulfilment.order == order_id)
    ]
    if order["status"] != "paid" or any(s not in FULFILMENT_FINAL for s in states):
        return
    if "delivered" in states:
        await after_fulfilment_settled(order_id)
    elif "collected" in states:
        await move_order(
            order,
            "completed",
            kind="completed",
            actor_id=actor_id,
            values={Order.closed_at: now_utc()},
        )
    else:
        await move_order(
            order,
            "cancelled",
            kind="cancelled",
            actor_id=actor_id,
            note=note,
            values={Order.closed_at: now_utc()},
        )


@dataclass(frozen=True, slots=True)
class HandedOver:
    """The result of a handover."""

    id: int
    status: str
    #: The fulfilment holding lines left for later (kept) or cancelled, if any.
    rest_id: int | None = None
    refunded: int = 0


async def hand_over(
    location_id: int,
    fulfilment_id: int,
    staff: CurrentUser,
    *,
    line_ids: Sequence[int] | None = None,
    payment_method: str | None = None,
    rest: str = "keep",
    now: datetime | None = None,
) -> HandedOver:
    """Give a ready pickup to the customer: once only, after taking any money due.

    `line_ids` hands over some lines only; the others stay ready under a new code
    (`rest="keep"`) or are cancelled, their stock released and their price refunded
    (`rest="cancel"`). Pay-in-store orders need a `payment_method` (cash, card or qr).
    """
    now = now or now_utc()
    if rest not in ("keep", "cancel"):
        raise InvalidInput("Choose keep or cancel for the lines not handed over")
    async with write_transaction():
        row = await _fulfilment(location_id, fulfilment_id)
        order = await _order(row["order"])
        if row["status"] == "collected":
            when, who = await _collected_by(row["id"])
            raise AlreadyCollected(
                "Already collected on {when} (handed over by {who})",
                when=when.isoformat(timespec="minutes") if when else "",
                who=who,
            )
        if (
            row["status"] == "ready_for_pickup"
            and row["pickup_deadline"]
            and (row["pickup_deadline"] < now)
        ):
            raise NotHandOverable("This pickup expired: it was not collected in time")
        lines = await OrderLine.select().where(OrderLine.fulfilment == fulfilment_id)
        chosen = [line for line in lines if line_ids is None or line["id"] in set(line_ids)]
        if line_ids is not None and (not chosen or len(chosen) != len(set(line_ids))):
            raise InvalidInput("Choose lines of this order to hand over")
        others = [line for line in lines if line not in chosen]
        to_pay = _payment_status(order) == "to_pay_in_store"
        if to_pay and payment_method not in COUNTER_METHODS:
            raise InvalidInput("Take the payment first: choose cash, card or qr")
        try:
            await move_fulfilment(row, "collected", kind="collected", actor_id=staff.id)
        except IllegalTransition:
            current = (
                await Fulfilment.select(Fulfilment.status)
                .where(Fulfilment.id == fulfilment_id)
                .first()
            )
            if current and current["status"] == "collected":
                when, who = await _collected_by(fulfilment_id)
                raise AlreadyCollected(
                    "Already collected on {when} (handed over by {who})",
                    when=when.isoformat(timespec="minutes") if when else "",
                    who=who,
                ) from None
            raise NotHandOverable(
                "This order cannot be handed over: it is {status}",
                status=current["status"] if current else "missing",
            ) from None
        if to_pay:
            assert payment_method is not None
            paid = await confirm_offline_payment(
                order_id=order["id"], method=payment_method, actor_id=staff.id
            )
            await mark_order_paid(order["id"], payment_id=paid.payment_id, actor_id=staff.id)
        rest_id, refunded = None, 0
        if others:
            rest_id = await _split_off(
                row,
                [line["id"] for line in others],
                "ready_for_pickup" if rest == "keep" else "cancelled",
                staff.id,
                now,
            )
            if rest == "cancel":
                await release_stock(
                    [StockLine(location_id, line["variant"], line["quantity"]) for line in others],
                    reference=order["number"],
                    actor_id=staff.id,
                )
                refunded = sum(
                    line["unit_price"] * line["quantity"] - line["discount"] for line in others
                )
                if refunded > 0:
                    await refund_order_payments(
                        order_id=order["id"],
                        amount=refunded,
                        reason="not collected: cancelled at the counter",
                    )
        await sell_lines(
            [StockLine(location_id, line["variant"], line["quantity"]) for line in chosen],
            reference=order["number"],
            actor_id=staff.id,
        )
        await _settle_order(order["id"], staff.id)
    return HandedOver(fulfilment_id, "collected", rest_id, refunded)


async def cancel_pickup_lines(
    location_id: int,
    fulfilment_id: int,
    staff: CurrentUser,
    line_ids: Sequence[int],
    *,
    reason: str = "cancelled by the store",
) -> HandedOver:
    """Cancel lines of a pickup not yet ready (e.g. damaged goods): stock back, money back.

    Cancelling every line of a one-pickup order cancels the order (`cancel_order`); part of
    an order is cancelled only once it is paid, so the refund is exact.
    """
    now = now_utc()
    async with write_transaction():
        row = await _fulfilment(location_id, fulfilment_id)
        if row["status"] not in ("allocated", "preparing"):
            raise NotHandOverable(
                "Lines can be cancelled only before the order is ready; it is {status}",
                status=row["status"],
            )
        order = await _order(row["order"])
        lines = await OrderLine.select().where(OrderLine.fulfilment == fulfilment_id)
        gone = [line for line in lines if line["id"] in set(line_ids)]
        if not gone or len(gone) != len(set(line_ids)):
            raise InvalidInput("Choose lines of this order to cancel")
        siblings = await Fulfilment.count().where(Fulfilment.order == order["id"])
        if len(gone) == len(lines) and siblings == 1:
            await cancel_order(order["id"], actor_id=staff.id, reason=reason)
            return HandedOver(
                fulfilment_id,
                "cancelled",
                fulfilment_id,
                order["total"] if order["status"] == "paid" else 0,
            )
        if order["status"] != "paid":
            raise NotHandOverable("Part of an unpaid order is cancelled at handover, not before")
        await release_stock(
            [StockLine(location_id, line["variant"], line["quantity"]) for line in gone],
            reference=order["number"],
            actor_id=staff.id,
        )
        amount = sum(line["unit_price"] * line["quantity"] - line["discount"] for line in gone)
        if len(gone) == len(lines):
            await move_fulfilment(
                row, "cancelled", kind="cancelled", actor_id=staff.id, note=reason
            )
            rest_id = fulfilment_id
        else:
            rest_id = await _split_off(
                row, [line["id"] for line in gone], "cancelled", staff.id, now
            )
        if amount > 0:
            await refund_order_payments(order_id=order["id"], amount=amount, reason=reason)
        await _settle_order(order["id"], staff.id, reason)
    return HandedOver(
        fulfilment_id, "cancelled" if rest_id == fulfilment_id else row["status"], rest_id, amount
    )


@dataclass(frozen=True, slots=True)
class PickupDays:
    """The days a consumer may choose to collect a pickup on, and the current choice."""

    fulfilment_id: int
    ready_by: datetime | None
    days: list[date]
    chosen: date | None


async def _own_open_pickup(
    order_id: int, fulfilment_id: int, customer_id: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    row = (
        await Fulfilment.select()
        .where(
            (Fulfilment.id == fulfilment_id)
            & (Fulfilment.order == order_id)
            & (Fulfilment.method == "pickup")
        )
        .first()
    )
    order = (
        await Order.select(Order.customer_id, Order.created_at).where(Order.id == order_id).first()
    )
    if row is None or order is None or order["customer_id"] != customer_id:
        raise FulfilmentNotFound("Pickup {id} was not found", id=fulfilment_id)
    store = (
        await Location.select(
            Location.opening_hours, Location.prep_minutes, Location.pickup_hold_days
        )
        .where(Location.id == row["location"])
        .output(load_json=True)
        .first()
    )
    assert store is not None
    return row, {**store, "created_at": order["created_at"]}


def _earliest(store: dict[str, Any]) -> datetime:
    return ready_time(store["created_at"], store["prep_minutes"], store["opening_hours"] or [])


def _choosable_days(store: dict[str, Any]) -> list[date]:
    first = _earliest(store).astimezone(STORE_TZ).date()
    today = now_utc().astimezone(STORE_TZ).date()
    days = [first + timedelta(days=n) for n in range(max(1, store["pickup_hold_days"]))]
    return [d for d in days if d >= today] or [max(first, today)]


async def pickup_days(order_id: int, fulfilment_id: int, customer_id: int) -> PickupDays:
    """The days within the store's hold window the consumer may collect on."""
    row, store = await _own_open_pickup(order_id, fulfilment_id, customer_id)
    chosen = row["ready_by"].astimezone(STORE_TZ).date() if row["ready_by"] else None
    days = _choosable_days(store) if row["status"] in ("allocated", "preparing") else []
    return PickupDays(row["id"], row["ready_by"], days, chosen)


async def choose_pickup_day(
    order_id: int, fulfilment_id: int, customer_id: int, day: date
) -> datetime:
    """Collect on another day within the hold window: the store prepares for that day.

    The new ready time is the day's opening plus the store's preparation time (or the
    earliest ready time when that day is the first); returns it.
    """
    async with write_transaction():
        row, store = await _own_open_pickup(order_id, fulfilment_id, customer_id)
        if row["status"] not in ("allocated", "preparing"):
            raise NotHandOverable(
                "The pickup day can be changed only before the order is ready; it is {status}",
                status=row["status"],
            )
        days = _choosable_days(store)
        if day not in days:
            raise InvalidInput(
                "Choose a day from {first} to {last}",
                first=days[0].isoformat(),
                last=days[-1].isoformat(),
            )
        earliest = _earliest(store)
        if day == days[0]:
            ready = earliest
        else:
            start = datetime.combine(day, time(0, 0), STORE_TZ)
            ready = ready_time(start, store["prep_minutes"], store["opening_hours"] or [])
        await Fulfilment.update(
            {Fulfilment.ready_by: ready, Fulfilment.updated_at: now_utc()}
        ).where(Fulfilment.id == fulfilment_id)
        await record_event(
            order_id,
            "pickup_day",
            fulfilment_id=fulfilment_id,
            actor_id=customer_id,
            old_state=row["status"],
            new_state=row["status"],
            note=day.isoformat(),
        )
        await publish_after_commit(
            f"location:{row['location']}",
            {"type": "pickup_day", "fulfilment_id": fulfilment_id, "day": day.isoformat()},
        )
    return ready
