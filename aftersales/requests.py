"""After-sales requests: the consumer asks, the supplier answers, goods come back, money goes.

Every rule of a request lives here; the consumer, POS, supplier and operator pages and APIs
call these functions. Each step writes one line on the order's timeline
(`fulfilment.moves.record_event`, kinds `aftersale_*`) and tells the other side.
The refund is exactly what was paid for the line (`fulfilment.money.line_paid`, after its
discounts), or the partial amount offered or ruled, through the order's payment providers
(`fulfilment.after_sale.refund_fulfilment`); a line is refunded at most once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from piccolo.columns import Column

from accounts.roles import CurrentUser, Role
from accounts.supplier_members import supplier_member_ids
from aftersales.errors import (
    InvalidRequest,
    NotYours,
    RequestConflict,
    RequestNotFound,
    WindowClosed,
)
from aftersales.statuses import (
    OPEN_STATUSES,
    OPERATOR_STATUSES,
    Decision,
    RequestKind,
    RequestStatus,
    ReturnMethod,
    Ruling,
)
from aftersales.tables import AfterSaleMessage, AfterSaleRequest
from aftersales.windows import ANSWER_HOURS, window_end
from catalog.uploads import save_public_image
from core.database import current_engine, is_postgres, is_unique_violation, write_transaction
from fulfilment.after_sale import refund_fulfilment
from fulfilment.errors import OrderNotFound
from fulfilment.money import line_paid
from fulfilment.moves import record_event
from fulfilment.received import finished_at
from fulfilment.reviewing import line_received
from fulfilment.views import load_order
from locations.kinds import MovementReason
from locations.stock import (
    StockLine,
    change_on_hand,
    receive_stock,
    reserve_stock,
    sell_reserved_stock,
)
from notifications.roles import notify_operators
from notifications.service import notify_user
from notifications.wording import both
from settlement.deposits import deduct_deposit

#: Steps after which the operator must act: they reach every operator's inbox.
OPERATOR_STEPS = frozenset({"disputed", "escalated"})
#: What each step's notification says (English catalogue keys; Chinese in locale/).
STEP_NOTICES = {
    "requested": "New after-sales request for order {number}",
    "approved": "After-sales request for order {number} approved",
    "rejected": "After-sales request for order {number} refused",
    "offered": "A partial refund is offered for order {number}",
    "shipped_back": "The return parcel of order {number} is on its way",
    "received": "The returned goods of order {number} arrived",
    "refunded": "After-sales request for order {number} refunded",
    "exchanged": "The exchange for order {number} is done",
    "disputed": "After-sales request for order {number} is disputed",
    "escalated": "After-sales request for order {number} went to the platform",
    "ruled_full": "Platform ruling on order {number}: full refund",
    "ruled_partial": "Platform ruling on order {number}: partial refund",
    "ruled_uphold": "Platform ruling on order {number}: the refusal stands",
}


@dataclass(frozen=True, slots=True)
class MessageView:
    """One message of a request's thread."""

    side: str
    body: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RequestView:
    """An after-sales request as every side reads it."""

    id: int
    order_id: int
    order_number: str
    line_id: int
    supplier_id: int
    customer_id: int
    product_name: str
    quantity: int
    paid: int
    kind: str
    reason: str
    photo: str
    return_method: str
    store_location_id: int | None
    carrier: str
    tracking_number: str
    replacement_variant_id: int | None
    token: str
    status: str
    answer_deadline: datetime
    answer_note: str
    offered_amount: int | None
    refunded_amount: int
    received_at: datetime | None
    received_location_id: int | None
    damaged: bool
    ruling: str
    deposit_deducted: int
    created_at: datetime
    messages: list[MessageView]


def _now() -> datetime:
    return datetime.now(UTC)


def request_view(row: dict[str, Any], messages: list[MessageView] | None = None) -> RequestView:
    """A stored request row (and its thread) as every side reads it."""
    return RequestView(
        id=row["id"],
        order_id=row["order_id"],
        order_number=row["order_number"],
        line_id=row["line_id"],
        supplier_id=row["supplier_id"],
        customer_id=row["customer_id"],
        product_name=row["product_name"],
        quantity=row["quantity"],
        paid=row["paid"],
        kind=row["kind"],
        reason=row["reason"],
        photo=row["photo"],
        return_method=row["return_method"],
        store_location_id=row["store_location_id"],
        carrier=row["carrier"],
        tracking_number=row["tracking_number"],
        replacement_variant_id=row["replacement_variant_id"],
        token=row["token"],
        status=row["status"],
        answer_deadline=row["answer_deadline"],
        answer_note=row["answer_note"],
        offered_amount=row["offered_amount"],
        refunded_amount=row["refunded_amount"],
        received_at=row["received_at"],
        received_location_id=row["received_location_id"],
        damaged=bool(row["damaged"]),
        ruling=row["ruling"],
        deposit_deducted=row["deposit_deducted"],
        created_at=row["created_at"],
        messages=messages or [],
    )


def _choice(enum: Any, value: str, field: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        raise InvalidRequest(
            "{field}: {value} is not one of {choices}",
            field=field,
            value=value[:40],
            choices=", ".join(m.value for m in enum),
        ) from None


async def _row(request_id: int, *, lock: bool = False) -> dict[str, Any]:
    query = AfterSaleRequest.select().where(AfterSaleRequest.id == request_id)
    if lock and is_postgres(current_engine()):
        query = query.lock_rows()
    rows = await query
    if not rows:
        raise RequestNotFound("After-sales request {id} was not found", id=request_id)
    return rows[0]


def _may_read(me: CurrentUser, row: dict[str, Any]) -> bool:
    if me.role is Role.OPERATOR:
        return True
    if me.role is Role.SUPPLIER:
        return me.supplier_id == row["supplier_id"]
    if me.role is Role.STAFF:
        return row["store_location_id"] in me.store_ids
    return me.id == row["customer_id"]


async def get_request(me: CurrentUser, request_id: int) -> RequestView:
    """A request with its messages, for its consumer, supplier, store staff or an operator."""
    row = await _row(request_id)
    if not _may_read(me, row):
        raise NotYours("This after-sales request is not yours")
    messages = (
        await AfterSaleMessage.select()
        .where(AfterSaleMessage.request == request_id)
        .order_by(AfterSaleMessage.id)
    )
    return request_view(row, [MessageView(m["side"], m["body"], m["created_at"]) for m in messages])


async def find_request(request_id: int) -> RequestView:
    """A request by id for another domain's rule (the dispute's conversation); 404 unknown."""
    return request_view(await _row(request_id))


async def _update(row: dict[str, Any], **values: Any) -> dict[str, Any]:
    values["updated_at"] = _now()
    changes: dict[Column | str, Any] = {key: value for key, value in values.items()}
    await AfterSaleRequest.update(changes).where(AfterSaleRequest.id == row["id"])
    return row | values


async def _step(row: dict[str, Any], step: str, actor_id: int | None, note: str = "") -> None:
    """The timeline line of a step, and a word to each side (never to who took the step).

    The consumer hears of every decision; of a refund they hear once, from the payment
    that carries it (`payments.refunds`, kind `refunded`), not a second time from here.
    """
    await record_event(
        row["order_id"],
        f"aftersale_{step}",
        fulfilment_id=row["fulfilment_id"],
        actor_id=actor_id,
        note=f"{row['product_name']} {note}".strip()[:255],
    )
    link = f"/orders/{row['order_id']}/after-sales"
    title = both(STEP_NOTICES[step], number=row["order_number"])
    body = f"{row['product_name']}: {note}" if note else row["product_name"]
    if actor_id != row["customer_id"] and step != "refunded":
        await notify_user(row["customer_id"], "aftersale", title=title, body=body, link=link)
    for member in await supplier_member_ids(row["supplier_id"]):
        if member != actor_id:
            await notify_user(
                member, "aftersale", title=title, body=body, link="/supplier/after-sales"
            )
    if step in OPERATOR_STEPS:  # a dispute or an unanswered request now waits for a ruling
        await notify_operators("aftersale", title=title, body=body, link="/operator/after-sales")


async def _message(row: dict[str, Any], side: str, author_id: int | None, body: str) -> None:
    body = body.strip()
    if body:
        await AfterSaleMessage.insert(
            AfterSaleMessage(request=row["id"], author_id=author_id, side=side, body=body[:1000])
        )


async def create_request(
    me: CurrentUser,
    order_id: int,
    line_id: int,
    *,
    kind: str,
    reason: str,
    return_method: str = "none",
    store_location_id: int | None = None,
    replacement_variant_id: int | None = None,
    photo: bytes | None = None,
    now: datetime | None = None,
) -> RequestView:
    """Ask about a received line of one's own order within its return window.

    403 on someone else's order, 404 on an unknown one, 400 `window_closed` after the
    window, 409 when the line has an open request or was refunded already.
    """
    now = now or _now()
    chosen = _choice(RequestKind, kind, "kind")
    method = _choice(ReturnMethod, return_method or "none", "return_method")
    reason = reason.strip()
    if not reason:
        raise InvalidRequest("reason: say what is wrong with the goods")
    if len(reason) > 500:
        raise InvalidRequest("reason: at most 500 characters")
    if chosen is RequestKind.REFUND_ONLY:
        method = ReturnMethod.NONE
    elif method is ReturnMethod.NONE:
        raise InvalidRequest("return_method: say how the goods come back (parcel or store)")
    if method is ReturnMethod.STORE and store_location_id is None:
        raise InvalidRequest("store_location_id: choose the store to bring the goods to")
    if chosen is RequestKind.EXCHANGE and replacement_variant_id is None:
        raise InvalidRequest("replacement_variant_id: choose the variant you want instead")
    order = await load_order(order_id, with_events=False, with_payment=False)
    if order is None:
        raise OrderNotFound("Order {id} was not found", id=order_id)
    if order.customer_id != me.id:
        raise NotYours("This order is not yours")
    found = [(f, ln) for f in order.fulfilments for ln in f.lines if ln.id == line_id]
    if not found:
        raise InvalidRequest("line_id: this order has no line {id}", id=line_id)
    part, line = found[0]
    if not line_received(order, part):
        raise RequestConflict("The goods of this line have not reached you yet")
    received = await finished_at(part.id) or now
    closes = await window_end(line.variant_id, received)
    if now > closes:
        error = WindowClosed(
            "The return window of this line closed on {date}", date=closes.date().isoformat()
        )
        error.extra = {"window_closed_at": closes.isoformat()}
        raise error
    photo_url = save_public_image(photo, "aftersales", label="photo") if photo else ""
    try:
        row = await _open_request(
            order,
            part,
            line,
            me,
            chosen,
            method,
            reason,
            photo_url,
            now,
            store_location_id,
            replacement_variant_id,
        )
    except Exception as error:
        # Two requests for one line at the same moment: the partial unique index
        # `after_sale_request_one_open_per_line` lets one in; the other hears why.
        if is_unique_violation(error):
            raise RequestConflict("This line has an open after-sales request") from None
        raise
    return await get_request(me, row["id"])


async def _open_request(
    order: Any,
    part: Any,
    line: Any,
    me: CurrentUser,
    chosen: RequestKind,
    method: ReturnMethod,
    reason: str,
    photo_url: str,
    now: datetime,
    store_location_id: int | None,
    replacement_variant_id: int | None,
) -> dict[str, Any]:
    """Store a new request for `line` (unless it has an open one or was refunded)."""
    async with write_transaction():
        earlier = await AfterSaleRequest.select(
            AfterSaleRequest.status, AfterSaleRequest.refunded_amount
        ).where(AfterSaleRequest.line_id == line.id)
        if any(e["refunded_amount"] > 0 for e in earlier):
            raise RequestConflict("This line was refunded already")
        if any(e["status"] in OPEN_STATUSES for e in earlier):
            raise RequestConflict("This line has an open after-sales request")
        paid = line_paid(
            {"unit_price": line.unit_price, "quantity": line.quantity, "discount": line.discount}
        )
        inserted = await AfterSaleRequest.insert(
            AfterSaleRequest(
                order_id=order.id,
                order_number=order.number,
                line_id=line.id,
                fulfilment_id=part.id,
                origin_location_id=part.location_id,
                customer_id=me.id,
                supplier_id=line.supplier_id,
                variant_id=line.variant_id,
                product_name=line.product_name,
                quantity=line.quantity,
                paid=paid,
                kind=chosen.value,
                reason=reason,
                photo=photo_url,
                return_method=method.value,
                store_location_id=store_location_id if method is ReturnMethod.STORE else None,
                replacement_variant_id=replacement_variant_id,
                token=secrets.token_urlsafe(18),
                status=RequestStatus.REQUESTED.value,
                answer_deadline=now + timedelta(hours=ANSWER_HOURS),
                created_at=now,
                updated_at=now,
            )
        ).returning(AfterSaleRequest.id)
        row = await _row(inserted[0]["id"])
        await _message(row, "consumer", me.id, reason)
        await _step(row, "requested", me.id, chosen.value)
    return row


async def _refund(row: dict[str, Any], amount: int, actor_id: int | None, why: str) -> dict:
    """Refund `amount` fen of the line once; the request becomes refunded."""
    others = await AfterSaleRequest.select(AfterSaleRequest.id).where(
        (AfterSaleRequest.line_id == row["line_id"]) & (AfterSaleRequest.refunded_amount > 0)
    )
    if others or row["refunded_amount"] > 0:
        raise RequestConflict("This line was refunded already")
    if isinstance(amount, bool) or not 0 < amount <= row["paid"]:
        raise InvalidRequest("amount: a refund of this line is 1 to {paid} fen", paid=row["paid"])
    await refund_fulfilment(
        row["fulfilment_id"], amount=amount, reason=f"售后 #{row['id']} {why}", actor_id=actor_id
    )
    row = await _update(row, status=RequestStatus.REFUNDED.value, refunded_amount=amount)
    await _step(row, "refunded", actor_id, f"{amount / 100:.2f}")
    return row


async def answer_request(
    me: CurrentUser, request_id: int, *, decision: str, note: str = "", amount: int | None = None
) -> RequestView:
    """The supplier approves, rejects (with a reason) or offers a partial refund."""
    chosen = _choice(Decision, decision, "decision")
    note = note.strip()[:500]
    async with write_transaction():
        row = await _row(request_id, lock=True)
        if not me.acts_for_supplier(row["supplier_id"]):
            raise NotYours("This after-sales request is not yours")
        if row["status"] != RequestStatus.REQUESTED:
            raise RequestConflict(
                "This request was answered already ({status})", status=row["status"]
            )
        if chosen is Decision.REJECT:
            if not note:
                raise InvalidRequest("note: say why the request is rejected")
            row = await _update(row, status=RequestStatus.REJECTED.value, answer_note=note)
            await _message(row, "supplier", me.id, note)
            await _step(row, "rejected", me.id, note)
        elif chosen is Decision.PARTIAL:
            if amount is None or isinstance(amount, bool) or not 0 < amount < row["paid"]:
                raise InvalidRequest(
                    "amount: a partial refund is 1 to {most} fen", most=row["paid"] - 1
                )
            row = await _update(
                row, status=RequestStatus.OFFERED.value, offered_amount=amount, answer_note=note
            )
            await _message(row, "supplier", me.id, note)
            await _step(row, "offered", me.id, f"{amount / 100:.2f}")
        else:
            row = await _approve(row, me.id, note)
    return await get_request(me, request_id)


async def _approve(row: dict[str, Any], actor_id: int | None, note: str = "") -> dict[str, Any]:
    row = await _update(row, status=RequestStatus.APPROVED.value, answer_note=note)
    await _step(row, "approved", actor_id, note)
    if row["kind"] == RequestKind.REFUND_ONLY:
        return await _refund(row, row["paid"], actor_id, "refund only")
    if row["kind"] == RequestKind.EXCHANGE and row["replacement_variant_id"]:
        await reserve_stock(
            [StockLine(row["origin_location_id"], row["replacement_variant_id"], row["quantity"])],
            reference=f"aftersale:{row['id']}",
            actor_id=actor_id,
        )
    return row


async def accept_offer(me: CurrentUser, request_id: int) -> RequestView:
    """The consumer takes the supplier's partial refund offer: it is refunded at once."""
    async with write_transaction():
        row = await _row(request_id, lock=True)
        if me.id != row["customer_id"]:
            raise NotYours("This after-sales request is not yours")
        if row["status"] != RequestStatus.OFFERED or not row["offered_amount"]:
            raise RequestConflict("There is no offer to accept")
        await _refund(row, row["offered_amount"], me.id, "partial offer accepted")
    return await get_request(me, request_id)


async def ship_back(
    me: CurrentUser, request_id: int, *, carrier: str, tracking_number: str
) -> RequestView:
    """The consumer tells the parcel's carrier and tracking number."""
    carrier, tracking_number = carrier.strip(), tracking_number.strip()
    if not carrier or len(carrier) > 50:
        raise InvalidRequest("carrier: name the carrier (at most 50 characters)")
    if not tracking_number or len(tracking_number) > 64:
        raise InvalidRequest("tracking_number: give the tracking number (at most 64 characters)")
    async with write_transaction():
        row = await _row(request_id, lock=True)
        if me.id != row["customer_id"]:
            raise NotYours("This after-sales request is not yours")
        if row["status"] != RequestStatus.APPROVED or row["return_method"] != ReturnMethod.PARCEL:
            raise RequestConflict("This request does not wait for a parcel")
        row = await _update(row, carrier=carrier, tracking_number=tracking_number)
        await _step(row, "shipped_back", me.id, f"{carrier} {tracking_number}")
    return await get_request(me, request_id)


async def _goods_back(
    row: dict[str, Any], location_id: int, actor_id: int, damaged: bool
) -> dict[str, Any]:
    """Goods received: stock back (or counted damaged), then refund or hand the exchange."""
    if row["status"] != RequestStatus.APPROVED:
        raise RequestConflict(
            "This request is {status}, not waiting for goods", status=row["status"]
        )
    reference = f"aftersale:{row['id']}"
    await receive_stock(
        location_id=location_id,
        variant_id=row["variant_id"],
        quantity=row["quantity"],
        actor_id=actor_id,
        reference=reference,
    )
    if damaged:
        await change_on_hand(
            location_id=location_id,
            variant_id=row["variant_id"],
            delta=-row["quantity"],
            reason=MovementReason.DAMAGE,
            reference=reference,
            actor_id=actor_id,
        )
    row = await _update(
        row, received_at=_now(), received_location_id=location_id, damaged=int(damaged)
    )
    await _step(row, "received", actor_id, "damaged" if damaged else "")
    if row["kind"] == RequestKind.EXCHANGE and row["replacement_variant_id"]:
        await sell_reserved_stock(
            [StockLine(row["origin_location_id"], row["replacement_variant_id"], row["quantity"])],
            reference=reference,
            actor_id=actor_id,
        )
        row = await _update(row, status=RequestStatus.EXCHANGED.value)
        await _step(row, "exchanged", actor_id)
        return row
    return await _refund(row, row["paid"], actor_id, "goods received")


async def request_by_token(me: CurrentUser, location_id: int, token: str) -> RequestView:
    """The request a store's scan names (store staff of the chosen store)."""
    rows = await AfterSaleRequest.select().where(AfterSaleRequest.token == token.strip())
    if not rows or rows[0]["return_method"] != ReturnMethod.STORE:
        raise RequestNotFound("No return at a store has this code")
    if not me.works_at(location_id) or rows[0]["store_location_id"] != location_id:
        raise NotYours("This return is for another store")
    return request_view(rows[0])


async def receive_at_store(
    me: CurrentUser, location_id: int, token: str, *, damaged: bool = False
) -> RequestView:
    """Store staff scan the request's QR code and take the goods: stock back here, refund."""
    found = await request_by_token(me, location_id, token)
    async with write_transaction():
        row = await _row(found.id, lock=True)
        await _goods_back(row, location_id, me.id, damaged)
    return await get_request(me, found.id)


async def receive_parcel(me: CurrentUser, request_id: int, *, damaged: bool = False) -> RequestView:
    """The supplier received the returned parcel: stock back where it left from, refund."""
    async with write_transaction():
        row = await _row(request_id, lock=True)
        if not me.acts_for_supplier(row["supplier_id"]):
            raise NotYours("This after-sales request is not yours")
        if row["return_method"] != ReturnMethod.PARCEL:
            raise RequestConflict("This return comes back at a store")
        await _goods_back(row, row["origin_location_id"], me.id, damaged)
    return await get_request(me, request_id)


async def escalate(me: CurrentUser, request_id: int, *, note: str) -> RequestView:
    """The consumer disputes a rejection or an offer: the operator will rule."""
    note = note.strip()
    if not note:
        raise InvalidRequest("note: say why you disagree")
    async with write_transaction():
        row = await _row(request_id, lock=True)
        if me.id != row["customer_id"]:
            raise NotYours("This after-sales request is not yours")
        if row["status"] not in (RequestStatus.REJECTED, RequestStatus.OFFERED):
            raise RequestConflict("Only a rejected request or an offer can be disputed")
        row = await _update(row, status=RequestStatus.DISPUTED.value)
        await _message(row, "consumer", me.id, note)
        await _step(row, "disputed", me.id, note[:100])
    return await get_request(me, request_id)


async def add_message(me: CurrentUser, request_id: int, body: str) -> RequestView:
    """A message or evidence from the consumer, the supplier or an operator."""
    body = body.strip()
    if not body or len(body) > 1000:
        raise InvalidRequest("body: write a message of 1 to 1000 characters")
    row = await _row(request_id)
    if not _may_read(me, row) or me.role is Role.STAFF:
        raise NotYours("This after-sales request is not yours")
    side = {Role.OPERATOR: "operator", Role.SUPPLIER: "supplier"}.get(me.role, "consumer")
    async with write_transaction():
        await _message(row, side, me.id, body)
    return await get_request(me, request_id)


async def rule(
    me: CurrentUser,
    request_id: int,
    *,
    ruling: str,
    amount: int | None = None,
    deduct: int = 0,
    note: str = "",
) -> RequestView:
    """The operator rules on an escalated or disputed request, and the ruling is carried out.

    full: the line's paid share is refunded; partial: exactly `amount`; uphold: closed.
    `deduct` fen come off the supplier's deposit (refused when it holds less).
    """
    chosen = _choice(Ruling, ruling, "ruling")
    if me.role is not Role.OPERATOR:
        raise NotYours("Only an operator rules on disputes")
    if isinstance(deduct, bool) or deduct < 0:
        raise InvalidRequest("deduct: a deduction is zero or more fen")
    async with write_transaction():
        row = await _row(request_id, lock=True)
        if row["status"] not in OPERATOR_STATUSES:
            raise RequestConflict("This request does not wait for a ruling")
        if deduct:
            await deduct_deposit(
                row["supplier_id"],
                deduct,
                f"售后 #{row['id']} {row['order_number']}",
                actor_id=me.id,
            )
        row = await _update(row, ruling=chosen.value, deposit_deducted=deduct)
        await _message(row, "operator", me.id, note or chosen.value)
        await _step(row, f"ruled_{chosen.value}", me.id, note[:100])
        if chosen is Ruling.FULL:
            await _refund(row, row["paid"], me.id, "ruling")
        elif chosen is Ruling.PARTIAL:
            if amount is None:
                raise InvalidRequest("amount: say how much is refunded")
            await _refund(row, amount, me.id, "ruling")
        else:
            await _update(row, status=RequestStatus.CLOSED.value)
    return await get_request(me, request_id)


async def escalate_unanswered(now: datetime) -> list[int]:
    """The sweep: requests the supplier left unanswered past the deadline go to the operator."""
    rows = (
        await AfterSaleRequest.select()
        .where(
            (AfterSaleRequest.status == RequestStatus.REQUESTED)
            & (AfterSaleRequest.answer_deadline < now)
        )
        .order_by(AfterSaleRequest.id)
        .limit(200)
    )
    done = []
    for found in rows:
        async with write_transaction():
            row = await _row(found["id"], lock=True)
            if row["status"] != RequestStatus.REQUESTED:
                continue
            row = await _update(row, status=RequestStatus.ESCALATED.value)
            await _message(row, "system", None, "supplier did not answer in time")
            await _step(row, "escalated", None, "no answer in time")
        done.append(row["id"])
    return done


async def requests_of_order(me: CurrentUser, order_id: int) -> list[RequestView]:
    """The requests of one order, for whoever may read them."""
    rows = (
        await AfterSaleRequest.select()
        .where(AfterSaleRequest.order_id == order_id)
        .order_by(AfterSaleRequest.id)
    )
    return [request_view(r) for r in rows if _may_read(me, r)]


async def supplier_queue(supplier_id: int) -> list[RequestView]:
    """A supplier's open requests, soonest deadline first."""
    rows = (
        await AfterSaleRequest.select()
        .where(
            (AfterSaleRequest.supplier_id == supplier_id)
            & AfterSaleRequest.status.is_in([s.value for s in OPEN_STATUSES])
        )
        .order_by(AfterSaleRequest.answer_deadline)
    )
    return [request_view(r) for r in rows]


async def operator_queue() -> list[RequestView]:
    """Requests waiting for a ruling, oldest first."""
    rows = (
        await AfterSaleRequest.select()
        .where(AfterSaleRequest.status.is_in([s.value for s in OPERATOR_STATUSES]))
        .order_by(AfterSaleRequest.updated_at)
    )
    return [request_view(r) for r in rows]
