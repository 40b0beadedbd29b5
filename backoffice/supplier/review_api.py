"""Supplier JSON API for reviews: its products' reviews and one reply to each."""

from __future__ import annotations

from datetime import datetime

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK

from accounts.access import SUPPLIERS, Me
from catalog.reviews import ReviewView, supplier_reviews
from core.types import LongText
from fulfilment.reviewing import answer_review


class ReplyIn(msgspec.Struct):
    """The supplier's public answer (at most 1000 characters)."""

    text: LongText


class SupplierReviewOut(msgspec.Struct):
    """A review of one of the supplier's products, with its reply once written."""

    id: int
    product_id: int
    product_name: str
    variant_id: int | None
    author: str
    rating: int
    text: str
    photo: str
    created_at: datetime
    reply: str
    replied_at: datetime | None


class SupplierReviewsOut(msgspec.Struct):
    """One page of the supplier's reviews and the average over all its products."""

    average: float | None
    count: int
    items: list[SupplierReviewOut]
    page: int
    pages: int
    total: int


def supplier_review_out(review: ReviewView) -> SupplierReviewOut:
    """A review as the supplier sees it."""
    return SupplierReviewOut(
        id=review.id,
        product_id=review.product_id,
        product_name=review.product_name,
        variant_id=review.variant_id,
        author=review.author_display,
        rating=review.rating,
        text=review.text,
        photo=review.photo,
        created_at=review.created_at,
        reply=review.reply,
        replied_at=review.replied_at,
    )


class SupplierReviewApi(Controller):
    """`/api/supplier/reviews…`: reviews of the supplier's own products."""

    path = "/api/supplier/reviews"
    tags = ["supplier"]

    @get("/", opt=SUPPLIERS)
    async def list_reviews(
        self,
        me: Me,
        unreplied: FromQuery[bool] = False,
        page: FromQuery[int] = 1,
    ) -> SupplierReviewsOut:
        """My products' reviews, newest first, 20 a page (`?unreplied=true`: still to answer)."""
        found = await supplier_reviews(me, unreplied=unreplied, page=page)
        return SupplierReviewsOut(
            average=found.summary.average,
            count=found.summary.count,
            items=[supplier_review_out(r) for r in found.items],
            page=found.page,
            pages=found.pages,
            total=found.total,
        )

    @post("/{review_id:int}/reply", status_code=HTTP_200_OK, opt=SUPPLIERS)
    async def reply(
        self, me: Me, review_id: FromPath[int], data: JSONBody[ReplyIn]
    ) -> SupplierReviewOut:
        """Answer a review of my product, once: 409 when it has a reply, 403 for others'."""
        return supplier_review_out(await answer_review(me, review_id, data.text))
