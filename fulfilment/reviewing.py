"""Who may review which order line: only the order's customer, once the goods are theirs.

A line counts as received when its pickup was collected at the store, or its parcel was
delivered and the consumer confirmed receipt (or the order confirmed itself). POS walk-in
orders have no customer, so nobody can review them. The review itself is catalog's
(`catalog.reviews`): this module checks the order side and passes it on, and tells the
consumer when the shop answers their review.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.roles import CurrentUser
from catalog.reviews import (
    ReviewView,
    add_review_photo,
    reply_to_review,
    review_author,
    reviews_of_order_lines,
    write_review,
)
from core.database import write_transaction
from fulfilment.errors import LineNotFound, NotReceivedError, OrderNotFound
from fulfilment.statuses import FulfilmentMethod, FulfilmentStatus, OrderStatus
from fulfilment.views import FulfilmentView, LineView, OrderView, load_order
from notifications.service import notify_user
from notifications.wording import both

#: reviewable: received, not reviewed yet · reviewed · waiting: not received yet.
REVIEWABLE, REVIEWED, WAITING = "reviewable", "reviewed", "waiting"


@dataclass(frozen=True, slots=True)
class LineReview:
    """Whether an order line can be reviewed, and its review once written."""

    line_id: int
    state: str
    review: ReviewView | None = None


def line_received(order: OrderView, fulfilment: FulfilmentView) -> bool:
    """Whether the consumer has the goods of a fulfilment (the one rule of eligibility)."""
    if order.customer_id is None or order.status == OrderStatus.CANCELLED:
        return False
    if fulfilment.method == FulfilmentMethod.PICKUP:
        return fulfilment.status == FulfilmentStatus.COLLECTED
    return fulfilment.status == FulfilmentStatus.DELIVERED and order.status == OrderStatus.COMPLETED


async def review_states(order: OrderView) -> dict[int, LineReview]:
    """Each line of an order: reviewable, reviewed (with the review) or waiting."""
    lines = [(f, ln) for f in order.fulfilments for ln in f.lines]
    reviews = await reviews_of_order_lines([ln.id for _, ln in lines])
    states: dict[int, LineReview] = {}
    for fulfilment, line in lines:
        if line.id in reviews:
            states[line.id] = LineReview(line.id, REVIEWED, reviews[line.id])
        elif line_received(order, fulfilment):
            states[line.id] = LineReview(line.id, REVIEWABLE)
        else:
            states[line.id] = LineReview(line.id, WAITING)
    return states


async def _own_line(
    user: CurrentUser, order_id: int, line_id: int
) -> tuple[OrderView, FulfilmentView, LineView]:
    """The customer's own order and one of its lines; anyone else's order is not found."""
    order = await load_order(order_id, with_events=False, with_payment=False)
    if order is None or order.customer_id is None or order.customer_id != user.id:
        raise OrderNotFound("Order {id} was not found", id=order_id)
    for fulfilment in order.fulfilments:
        for line in fulfilment.lines:
            if line.id == line_id:
                return order, fulfilment, line
    raise LineNotFound("This order has no line {id}", id=line_id)


async def review_order_line(
    user: CurrentUser,
    order_id: int,
    line_id: int,
    rating: int,
    text: str = "",
    photo: bytes | None = None,
) -> ReviewView:
    """Review a received line of one's own order (404 others' orders, 409 too early or twice)."""
    order, fulfilment, line = await _own_line(user, order_id, line_id)
    if not line_received(order, fulfilment):
        raise NotReceivedError(
            "You can review {name} once you have received it", name=line.product_name
        )
    return await write_review(
        author_id=user.id,
        author_name=user.name,
        variant_id=line.variant_id,
        order_id=order.id,
        order_line_id=line.id,
        rating=rating,
        text=text,
        photo=photo,
    )


async def add_line_review_photo(
    user: CurrentUser, order_id: int, line_id: int, photo: bytes
) -> ReviewView:
    """Add a photo to one's review of an order line."""
    await _own_line(user, order_id, line_id)
    return await add_review_photo(user.id, line_id, photo)


async def answer_review(user: CurrentUser, review_id: int, text: str) -> ReviewView:
    """The product's supplier answers a review once, and its author hears of it once.

    The reply and the inbox message share one transaction: a refused second reply (409)
    leaves no message behind.
    """
    async with write_transaction():
        answered = await reply_to_review(user, review_id, text)
        author_id, order_id = await review_author(review_id)
        await notify_user(
            author_id,
            "review_reply",
            title=both("The shop answered your review"),
            body=f"{answered.product_name}: {answered.reply}",
            link=f"/orders/{order_id}" if order_id else f"/products/{answered.product_id}",
        )
    return answered
