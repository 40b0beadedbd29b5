"""Consumer review JSON API: review a received order line, add its photo, read a product's."""

from __future__ import annotations

from datetime import datetime

import msgspec
from litestar import Controller, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery, JSONBody, MultipartBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from accounts.access import ANYONE, CONSUMERS, Me
from catalog.errors import InvalidReview
from catalog.reviews import ReviewView, list_product_reviews
from core.types import Count32, LongText
from fulfilment.reviewing import add_line_review_photo, review_order_line


class ReviewIn(msgspec.Struct):
    """A rating of 1 to 5 stars and an optional text (at most 1000 characters)."""

    rating: Count32
    text: LongText = ""


class ReviewPhotoIn(msgspec.Struct):
    """The review's photo (PNG, JPEG, GIF or WebP, at most 5 MB), field `photo`."""

    photo: UploadFile | None = None


class ReviewOut(msgspec.Struct):
    """A review as everyone sees it: the author by first character, the supplier's reply."""

    id: int
    product_id: int
    variant_id: int | None
    author: str
    rating: int
    text: str
    photo: str
    created_at: datetime
    reply: str
    replied_at: datetime | None


class ProductReviewsOut(msgspec.Struct):
    """A product's average rating (null before the first review), count and one page."""

    product_id: int
    average: float | None
    count: int
    items: list[ReviewOut]
    page: int
    pages: int
    total: int


def review_out(review: ReviewView) -> ReviewOut:
    """A review as JSON."""
    return ReviewOut(
        id=review.id,
        product_id=review.product_id,
        variant_id=review.variant_id,
        author=review.author_display,
        rating=review.rating,
        text=review.text,
        photo=review.photo,
        created_at=review.created_at,
        reply=review.reply,
        replied_at=review.replied_at,
    )


class ReviewApi(Controller):
    """`/api/orders/{id}/lines/{line_id}/review…` and `/api/products/{id}/reviews`."""

    path = "/api"
    tags = ["reviews"]

    @post(
        "/orders/{order_id:int}/lines/{line_id:int}/review",
        status_code=HTTP_201_CREATED,
        opt=CONSUMERS,
    )
    async def review_line(
        self,
        me: Me,
        order_id: FromPath[int],
        line_id: FromPath[int],
        data: JSONBody[ReviewIn],
    ) -> ReviewOut:
        """Review a line of my order once I have it (collected, or delivered and confirmed).

        400 for a rating outside 1..5 or a text over 1000 characters, 404 for someone else's
        order, 409 before the goods are received or when the line is already reviewed.
        """
        review = await review_order_line(me, order_id, line_id, data.rating, data.text)
        return review_out(review)

    @post(
        "/orders/{order_id:int}/lines/{line_id:int}/review/photo",
        status_code=HTTP_200_OK,
        opt=CONSUMERS,
    )
    async def review_photo(
        self,
        me: Me,
        order_id: FromPath[int],
        line_id: FromPath[int],
        data: MultipartBody[ReviewPhotoIn],
    ) -> ReviewOut:
        """Add the one photo to my review of the line (multipart field `photo`)."""
        if data.photo is None:
            raise InvalidReview("Choose a photo to upload")
        photo = await data.photo.read()
        return review_out(await add_line_review_photo(me, order_id, line_id, photo))

    @get("/products/{product_id:int}/reviews", opt=ANYONE)
    async def product_reviews(
        self, product_id: FromPath[int], page: FromQuery[int] = 1
    ) -> ProductReviewsOut:
        """A listed product's reviews, newest first, 10 a page, with its average rating."""
        found = await list_product_reviews(product_id, page)
        return ProductReviewsOut(
            product_id=product_id,
            average=found.summary.average,
            count=found.summary.count,
            items=[review_out(r) for r in found.items],
            page=found.page,
            pages=found.pages,
            total=found.total,
        )
